/**
 * The kcat equivalents of the original demo: produce a line (`echo msg | kcat -P`) and
 * consume (`kcat -C -e`). Every operation returns the kcat command it stands for, so a
 * learner can repeat it from a terminal.
 */
import { KafkaUnavailableError } from '../errors.js';
import { assertTopicName } from '../names.js';
import { asKafkaError, type KafkaClient } from './client.js';
import { topicOffsets } from './admin.js';
import { readRange } from './consumer.js';
import { newProducer } from './producer.js';

export type ConsumeFrom = 'beginning' | { last: number };

/** The kcat / kafka-topics.sh command each operation stands for, for display beside it. */
export const kcatCommand = {
  metadata: (brokers: readonly string[]) => `kcat -b ${brokers.join(',')} -L`,
  createTopic: (brokers: readonly string[], topic: string, partitions: number, retentionMs?: number) =>
    `kafka-topics.sh --bootstrap-server ${brokers.join(',')} --create --topic ${topic} --partitions ${partitions} --replication-factor 1` +
    (retentionMs ? ` --config retention.ms=${retentionMs}` : ''),
  produce: (brokers: readonly string[], topic: string, line: string, key?: string) =>
    `echo ${shellQuote(key === undefined ? line : `${key}:${line}`)} | kcat -P -b ${brokers.join(',')} -t ${topic}` + (key === undefined ? '' : ' -K:'),
  consume: (brokers: readonly string[], topic: string, from: ConsumeFrom) =>
    `kcat -C -b ${brokers.join(',')} -t ${topic} -o ${from === 'beginning' ? 'beginning' : `-${from.last}`} -e`,
};

function shellQuote(text: string): string {
  return /^[A-Za-z0-9._:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface ProducedLine {
  topic: string;
  partition: number;
  offset: string;
  command: string;
}

/** `echo line | kcat -P`: sends one line (optionally keyed) and waits for the broker's acknowledgement. */
export async function produceLine(kafka: KafkaClient, topic: string, line: string, key?: string): Promise<ProducedLine> {
  const [landed] = await produceMessages(kafka, topic, [{ key, value: line }]);
  return { topic, ...landed!, command: kcatCommand.produce(kafka.brokers, topic, line, key) };
}

/**
 * `kcat -P -l file`: sends messages one after the other on one connection, each
 * acknowledged before the next, and returns where each one landed. Values may be any
 * bytes, or null (a tombstone).
 */
export async function produceMessages(
  kafka: KafkaClient,
  topic: string,
  messages: readonly { key?: string | null; value: string | Buffer | null }[],
): Promise<{ partition: number; offset: string }[]> {
  assertTopicName(topic);
  const producer = newProducer(kafka);
  try {
    await producer.connect();
  } catch (error) {
    throw new KafkaUnavailableError(kafka.brokers, error);
  }
  try {
    const landed: { partition: number; offset: string }[] = [];
    for (const message of messages) {
      const [record] = await producer.send({ topic, acks: -1, messages: [{ key: message.key ?? null, value: message.value }] });
      landed.push({ partition: record!.partition, offset: record!.baseOffset ?? '0' });
    }
    return landed;
  } catch (error) {
    throw asKafkaError(error, kafka.brokers);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  /** When the broker stored it. */
  timestamp: Date;
}

export interface ConsumeOptions {
  from?: ConsumeFrom;
  /** Stop after this many messages. */
  limit?: number;
  /** Give up waiting for the end of the topic after this long. */
  timeoutMs?: number;
}

/**
 * `kcat -C -o beginning -e` or `kcat -C -o -N -e`: reads up to the end of the topic as it
 * was when the call started, then returns, oldest first. Uses a throwaway consumer group
 * and commits nothing.
 */
export async function consume(kafka: KafkaClient, topic: string, options: ConsumeOptions = {}): Promise<{ messages: ConsumedMessage[]; command: string }> {
  assertTopicName(topic);
  const from = options.from ?? 'beginning';
  const ranges = new Map<number, { start: bigint; end: bigint }>();
  for (const { partition, low, high } of await topicOffsets(kafka, topic)) {
    const start = from === 'beginning' ? low : high - BigInt(from.last) > low ? high - BigInt(from.last) : low;
    ranges.set(partition, { start, end: high });
  }
  const raw = await readRange(kafka, topic, ranges, { timeoutMs: options.timeoutMs, groupPrefix: 'kit-kcat' });
  const messages = raw
    .map((m) => ({ partition: m.partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value?.toString('utf8') ?? null, timestamp: m.timestamp }))
    .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  const kept = from === 'beginning' ? messages : messages.slice(-from.last);
  return { messages: kept.slice(0, options.limit ?? Number.POSITIVE_INFINITY), command: kcatCommand.consume(kafka.brokers, topic, from) };
}
