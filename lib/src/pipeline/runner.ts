/**
 * The local pipeline's poll loop: a batch consumer from the stored cursors, each batch
 * loaded in turn. Batches load one after another, in the order fetched, but the consumer
 * fetches and decodes the next while one loads (kafkajs waits for a batch's handler before
 * its next fetch: the profile showed the pipeline idle a third of the time). Exactly once
 * is unchanged: each batch commits its rows with its cursor, and a batch left unloaded (the
 * pipeline stopped during its retries) stops every later one, so the cursor never skips it.
 */
import type { KafkaClient } from '../kafka/client.js';
import { startBatchConsumer, type BatchConsumer, type BatchConsumerOptions, type ConsumedBatch } from '../kafka/consumer.js';

/** The consumer's options, but batches go to `load`, one at a time, in order. */
export interface RunnerOptions extends Omit<BatchConsumerOptions, 'eachBatch'> {
  /** Loads one batch; false when it was left unloaded (the run stopped during its retries). */
  load(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean>;
}

export class BatchRunner {
  /** The batch being loaded while the consumer fetches the next: false once a batch was left unloaded. */
  private loading: Promise<boolean> = Promise.resolve(true);
  private consumer: BatchConsumer | undefined;

  private constructor(private readonly options: RunnerOptions) {}

  static async start(kafka: KafkaClient, options: RunnerOptions): Promise<BatchRunner> {
    const runner = new BatchRunner(options);
    const { load: _, ...consumerOptions } = options;
    runner.consumer = await startBatchConsumer(kafka, { ...consumerOptions, eachBatch: (batch, isRunning) => runner.loadInTurn(batch, isRunning) });
    return runner;
  }

  private loadInTurn(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean> {
    const previous = this.loading;
    this.loading = previous.then((loaded) => (loaded ? this.options.load(batch, isRunning) : false));
    // Handled once the batch before it has loaded: at most one batch waits in memory.
    return previous;
  }

  /** Stops fetching; the batch loading when it stopped finishes (or gives up) first. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
    await this.loading;
  }
}
