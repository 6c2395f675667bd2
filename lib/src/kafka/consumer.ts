/**
 * Reading the topic: a bounded read (kcat -e, TEST PIPELINE) and the long-running batch
 * consumer behind the kit's local pipeline. Neither commits offsets to Kafka: whoever
 * reads decides where to start (the pipeline keeps its cursors in the database).
 */
import { randomBytes } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { asKafkaError, kafkajsOf, type KafkaClient } from './client.js';

/**
 * Seeks each partition of `topic` the consumer is assigned to `next`'s offset, every time it
 * joins its group. Not after run(): kafkajs's run() resolves even when its first join failed
 * (a young broker still creating __consumer_offsets), and the consumer it restarts later has a
 * new group that forgot earlier seeks. kafkajs calls this listener before it fetches.
 */
function seekOnEveryJoin(consumer: Consumer, topic: string, next: ReadonlyMap<number, bigint>): void {
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    for (const partition of payload.memberAssignment[topic] ?? []) {
      const offset = next.get(partition);
      if (offset !== undefined) consumer.seek({ topic, partition, offset: offset.toString() });
    }
  });
}

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
  // Where each partition goes on: a consumer kafkajs restarts must not read a message twice.
  const next = new Map([...wanted].map(([partition, range]) => [partition, range.start]));
  seekOnEveryJoin(consumer, topic, next);
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
        next.set(partition, offset + 1n);
        if (offset < range.end) {
          messages.push({ partition, offset: message.offset, key: message.key, value: message.value, timestamp: new Date(Number(message.timestamp)) });
        }
        if (offset >= range.end - 1n) done.add(partition);
        if (done.size === wanted.size || messages.length >= limit) finish();
      },
    });
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
  /** The consumer gave up (kafkajs crashed after its retries, and does not restart it). */
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
  // Past each handled batch: where a consumer kafkajs restarts goes on.
  const next = new Map(options.startOffsets);
  seekOnEveryJoin(consumer, options.topic, next);
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  consumer.on(consumer.events.CRASH, (event) => event.payload.restart || options.onCrash?.(event.payload.error));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const handled = await options.eachBatch({ partition: batch.partition, messages: batch.messages, highWatermark: BigInt(batch.highWatermark) }, isRunning);
      if (!handled) return;
      next.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
  });
  return { stop: () => consumer.disconnect().catch(() => undefined) };
}
