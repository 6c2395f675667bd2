/**
 * Reading the topic: a bounded read (kcat -e, TEST PIPELINE) and the long-running batch
 * consumer behind the kit's local pipeline. Neither commits offsets to Kafka: whoever
 * reads decides where to start (the pipeline keeps its cursors in the database).
 */
import { randomBytes } from 'node:crypto';
import { asKafkaError, kafkajsOf, type KafkaClient } from './client.js';

export interface RawMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: Date;
}

/**
 * Reads each partition from `start` up to (not including) `end`, then returns, in
 * partition and offset order; stops early at `limit` messages or after `timeoutMs`.
 */
export async function readRange(
  kafka: KafkaClient,
  topic: string,
  ranges: ReadonlyMap<number, { start: bigint; end: bigint }>,
  options: { limit?: number; timeoutMs?: number; groupPrefix?: string } = {},
): Promise<RawMessage[]> {
  const wanted = new Map([...ranges].filter(([, range]) => range.start < range.end));
  if (wanted.size === 0) return [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const consumer = kafkajsOf(kafka).consumer({ groupId: `${options.groupPrefix ?? 'kit-read'}-${randomBytes(6).toString('hex')}`, allowAutoTopicCreation: false });
  const messages: RawMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const timer = setTimeout(() => finish(), options.timeoutMs ?? 15_000);
    const done = new Set<number>();
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const range = wanted.get(partition);
        if (!range || done.has(partition) || messages.length >= limit) return;
        const offset = BigInt(message.offset);
        if (offset < range.start) return;
        if (offset < range.end) {
          messages.push({ partition, offset: message.offset, key: message.key, value: message.value, timestamp: new Date(Number(message.timestamp)) });
        }
        if (offset >= range.end - 1n) done.add(partition);
        if (done.size === wanted.size || messages.length >= limit) finish();
      },
    });
    for (const [partition, range] of wanted) consumer.seek({ topic, partition, offset: range.start.toString() });
    await finished;
    clearTimeout(timer);
  } catch (error) {
    throw asKafkaError(error, kafka.brokers);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

export interface ConsumedBatch {
  partition: number;
  messages: { offset: string; value: Buffer | null }[];
  /** The partition's end as the broker last reported it. */
  highWatermark: bigint;
}

export interface BatchConsumerOptions {
  topic: string;
  /** A group of its own per run: a fresh group does not wait out the session of a killed consumer. */
  groupId: string;
  /** Where each partition starts. */
  startOffsets: ReadonlyMap<number, bigint>;
  /** How long a fetch waits for data when the topic is idle. */
  maxWaitMs: number;
  /** Handles one batch; resolve true once it is durably handled, false to leave it for a later run. */
  eachBatch(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean>;
  /** The consumer gave up (kafkajs crashed after its retries). */
  onCrash?(error: Error): void;
}

export interface BatchConsumer {
  stop(): Promise<void>;
}

export async function startBatchConsumer(kafka: KafkaClient, options: BatchConsumerOptions): Promise<BatchConsumer> {
  const consumer = kafkajsOf(kafka).consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: options.maxWaitMs,
    minBytes: 1,
    maxBytes: 64 * 1024 * 1024,
    maxBytesPerPartition: 16 * 1024 * 1024,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  consumer.on(consumer.events.CRASH, (event) => options.onCrash?.(event.payload.error));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const handled = await options.eachBatch({ partition: batch.partition, messages: batch.messages, highWatermark: BigInt(batch.highWatermark) }, isRunning);
      if (!handled) return;
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
  });
  for (const [partition, offset] of options.startOffsets) consumer.seek({ topic: options.topic, partition, offset: offset.toString() });
  return { stop: () => consumer.disconnect().catch(() => undefined) };
}
