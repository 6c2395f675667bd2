/**
 * The Kafka client factory and the kcat equivalents of the original demo: list metadata
 * (`kcat -L`), create a topic, produce a line, consume. Every operation can print the
 * kcat (or kafka-topics.sh) command it stands for. kafkajs stays behind this module so
 * that the client can be swapped without touching notebooks.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig as KafkaJsConfig, type Producer } from 'kafkajs';
import type { KafkaConfig } from './config.js';
import { InvalidIdentifierError, KafkaUnavailableError, KitError } from './errors.js';
import { TOPIC_PATTERN } from './config.js';

export interface KafkaClientOptions {
  clientId?: string;
  /** How long one connection attempt may take before it counts as a failure. */
  connectionTimeoutMs?: number;
  /** Retries of a failed request (kafkajs' exponential backoff with jitter). */
  retries?: number;
}

export function createKafka(config: KafkaConfig, options: KafkaClientOptions = {}): Kafka {
  const clientConfig: KafkaJsConfig = {
    clientId: options.clientId ?? 'donations-kit',
    brokers: config.brokers,
    ssl: config.ssl,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 3_000 },
    // The kit reports failures itself, in one line; kafkajs' own logs would repeat them as JSON.
    logLevel: logLevel.NOTHING,
  };
  if (config.sasl) clientConfig.sasl = { ...config.sasl } as KafkaJsConfig['sasl'];
  return new Kafka(clientConfig);
}

export function assertTopicName(topic: string): string {
  if (!TOPIC_PATTERN.test(topic)) throw new InvalidIdentifierError('topic', topic);
  return topic;
}

/** A topic name no one else uses: tests and scratch work. */
export function uniqueTopicName(prefix = 'kit-test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The kcat / kafka-topics.sh command each operation stands for, for display beside it. */
export const kcatCommand = {
  metadata: (brokers: readonly string[]) => `kcat -b ${brokers.join(',')} -L`,
  createTopic: (brokers: readonly string[], topic: string, partitions: number, retentionMs?: number) =>
    `kafka-topics.sh --bootstrap-server ${brokers.join(',')} --create --topic ${topic} --partitions ${partitions} --replication-factor 1` +
    (retentionMs ? ` --config retention.ms=${retentionMs}` : ''),
  produce: (brokers: readonly string[], topic: string, line: string, key?: string) =>
    `echo ${shellQuote(key === undefined ? line : `${key}:${line}`)} | kcat -P -b ${brokers.join(',')} -t ${topic}` +
    (key === undefined ? '' : ' -K:'),
  consume: (brokers: readonly string[], topic: string, from: ConsumeFrom) =>
    `kcat -C -b ${brokers.join(',')} -t ${topic} -o ${from === 'beginning' ? 'beginning' : `-${from.last}`} -e`,
};

function shellQuote(text: string): string {
  return /^[A-Za-z0-9._:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Runs `work` with a connected admin client; a connection failure becomes one clear line. */
export async function withAdmin<T>(kafka: Kafka, brokers: readonly string[], work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new KafkaUnavailableError(brokers, error);
  }
  try {
    return await work(admin);
  } catch (error) {
    throw asKafkaError(error, brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function asKafkaError(error: unknown, brokers: readonly string[]): unknown {
  if (error instanceof KitError) return error;
  const name = error instanceof Error ? error.name : '';
  if (/Connection|NumberOfRetriesExceeded|BrokerNotFound/.test(name)) return new KafkaUnavailableError(brokers, error);
  return error;
}

export interface ClusterMetadata {
  clusterId: string;
  controller: number | null;
  brokers: { nodeId: number; host: string; port: number }[];
  topics: { name: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
  command: string;
}

/** `kcat -L`: brokers, topics and partitions. Internal topics (`__consumer_offsets`) are left out. */
export async function listMetadata(kafka: Kafka, config: KafkaConfig): Promise<ClusterMetadata> {
  return withAdmin(kafka, config.brokers, async (admin) => {
    const cluster = await admin.describeCluster();
    const names = (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
    const { topics } = names.length ? await admin.fetchTopicMetadata({ topics: names }) : { topics: [] };
    return {
      clusterId: cluster.clusterId,
      controller: cluster.controller,
      brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
      topics: topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions
          .map(({ partitionId, leader, replicas, isr }) => ({ partition: partitionId, leader, replicas, isr }))
          .sort((a, b) => a.partition - b.partition),
      })),
      command: kcatCommand.metadata(config.brokers),
    };
  });
}

export interface CreateTopicOptions {
  topic: string;
  partitions?: number;
  retentionMs?: number;
}

/** Creates a topic and waits for its leaders; returns false when it already existed. */
export async function createTopic(kafka: Kafka, config: KafkaConfig, options: CreateTopicOptions): Promise<{ created: boolean; command: string }> {
  const topic = assertTopicName(options.topic);
  const partitions = options.partitions ?? 1;
  const retentionMs = options.retentionMs ?? config.retentionMs;
  const created = await withAdmin(kafka, config.brokers, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: String(retentionMs) }] }],
    }),
  );
  return { created, command: kcatCommand.createTopic(config.brokers, topic, partitions, retentionMs) };
}

export async function deleteTopics(kafka: Kafka, config: KafkaConfig, topics: string[]): Promise<string[]> {
  topics.forEach(assertTopicName);
  return withAdmin(kafka, config.brokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((topic) => existing.has(topic));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    return doomed;
  });
}

export async function listTopics(kafka: Kafka, config: KafkaConfig): Promise<string[]> {
  return withAdmin(kafka, config.brokers, async (admin) => (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort());
}

/** A producer with the kit's defaults: idempotent (no duplicates on retry), the Java client's partitioner. */
export function createProducer(kafka: Kafka, options: { idempotent?: boolean } = {}): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: options.idempotent ?? true,
    maxInFlightRequests: options.idempotent === false ? undefined : 1,
    allowAutoTopicCreation: false,
  });
}

export interface ProducedLine {
  topic: string;
  partition: number;
  offset: string;
  command: string;
}

/** `echo line | kcat -P`: sends one line (optionally keyed) and waits for the broker's acknowledgement. */
export async function produceLine(kafka: Kafka, config: KafkaConfig, topic: string, line: string, key?: string): Promise<ProducedLine> {
  assertTopicName(topic);
  const producer = createProducer(kafka);
  try {
    await producer.connect();
  } catch (error) {
    throw new KafkaUnavailableError(config.brokers, error);
  }
  try {
    const [record] = await producer.send({ topic, acks: -1, messages: [{ key: key ?? null, value: line }] });
    return { topic, partition: record!.partition, offset: record!.baseOffset ?? '0', command: kcatCommand.produce(config.brokers, topic, line, key) };
  } catch (error) {
    throw asKafkaError(error, config.brokers);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

export type ConsumeFrom = 'beginning' | { last: number };

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  timestamp: string;
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
 * was when the call started, then returns. Uses a throwaway consumer group and commits nothing.
 */
export async function consume(kafka: Kafka, config: KafkaConfig, topic: string, options: ConsumeOptions = {}): Promise<{ messages: ConsumedMessage[]; command: string }> {
  assertTopicName(topic);
  const from = options.from ?? 'beginning';
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const command = kcatCommand.consume(config.brokers, topic, from);

  const ranges = await withAdmin(kafka, config.brokers, (admin) => admin.fetchTopicOffsets(topic));
  const wanted = new Map<number, { start: bigint; end: bigint }>();
  for (const range of ranges) {
    const low = BigInt(range.low);
    const high = BigInt(range.high);
    const start = from === 'beginning' ? low : bigMax(low, high - BigInt(from.last));
    if (start < high) wanted.set(range.partition, { start, end: high });
  }
  if (wanted.size === 0) return { messages: [], command };

  const consumer = kafka.consumer({ groupId: `kit-kcat-${randomBytes(6).toString('hex')}`, allowAutoTopicCreation: false });
  const messages: ConsumedMessage[] = [];
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
        if (!range || done.has(partition)) return;
        const offset = BigInt(message.offset);
        if (offset < range.start) return;
        if (offset < range.end) {
          messages.push({
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            timestamp: message.timestamp,
          });
        }
        if (offset >= range.end - 1n) done.add(partition);
        if (done.size === wanted.size || messages.length >= limit) finish();
      },
    });
    for (const [partition, range] of wanted) consumer.seek({ topic, partition, offset: range.start.toString() });
    await finished;
    clearTimeout(timer);
  } catch (error) {
    throw asKafkaError(error, config.brokers);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  messages.sort((a, b) => Number(a.timestamp) - Number(b.timestamp) || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  const kept = from === 'beginning' ? messages : messages.slice(-from.last);
  return { messages: kept.slice(0, limit), command };
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** True when a broker answers within `timeoutMs`. Never throws. */
export async function isKafkaReachable(config: KafkaConfig, timeoutMs = 3_000): Promise<boolean> {
  const kafka = createKafka(config, { connectionTimeoutMs: timeoutMs, retries: 0 });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await withTimeout(admin.connect().then(() => admin.describeCluster()), timeoutMs + 1_000);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
