/** Topics and metadata: `kcat -L`, `kafka-topics.sh --create`, and where each partition ends. */
import { randomBytes } from 'node:crypto';
import { assertTopicName } from '../names.js';
import { createKafka, kafkajsOf, withAdmin, type KafkaClient } from './client.js';
import { kcatCommand } from './kcat.js';

export interface ClusterMetadata {
  clusterId: string;
  controller: number | null;
  brokers: { nodeId: number; host: string; port: number }[];
  topics: { name: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
  command: string;
}

/** `kcat -L`: brokers, topics and partitions. Internal topics (`__consumer_offsets`) are left out. */
export async function listMetadata(kafka: KafkaClient): Promise<ClusterMetadata> {
  return withAdmin(kafka, async (admin) => {
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
      command: kcatCommand.metadata(kafka.brokers),
    };
  });
}

export interface CreateTopicOptions {
  /** Default: the configured donations topic. */
  topic?: string;
  partitions?: number;
  retentionMs?: number;
}

/** Creates a topic and waits for its leaders; `created` is false when it already existed. */
export async function createTopic(kafka: KafkaClient, options: CreateTopicOptions = {}): Promise<{ topic: string; created: boolean; command: string }> {
  const topic = assertTopicName(options.topic ?? kafka.topic);
  const partitions = options.partitions ?? 1;
  const retentionMs = options.retentionMs ?? kafka.settings.retentionMs;
  const created = await withAdmin(kafka, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: String(retentionMs) }] }],
    }),
  );
  return { topic, created, command: kcatCommand.createTopic(kafka.brokers, topic, partitions, retentionMs) };
}

/** Deletes those of `topics` that exist; returns their names. */
export async function deleteTopics(kafka: KafkaClient, topics: readonly string[]): Promise<string[]> {
  topics.forEach(assertTopicName);
  return withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((topic) => existing.has(topic));
    if (doomed.length) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    return doomed;
  });
}

export async function listTopics(kafka: KafkaClient): Promise<string[]> {
  return withAdmin(kafka, async (admin) => (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort());
}

export interface PartitionRange {
  partition: number;
  /** The first offset still held (retention may have deleted older ones). */
  low: bigint;
  /** The offset the next message will take: the partition's end. */
  high: bigint;
}

/** Each partition's first and next offsets. */
export async function topicOffsets(kafka: KafkaClient, topic = kafka.topic): Promise<PartitionRange[]> {
  assertTopicName(topic);
  const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
}

/** A topic name no one else uses: tests and scratch work. */
export function uniqueTopicName(prefix = 'kit-test'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** True when a broker answers within `timeoutMs`. Never throws. */
export async function isKafkaReachable(settings: KafkaClient['settings'], timeoutMs = 3_000): Promise<boolean> {
  const admin = kafkajsOf(createKafka(settings, { connectionTimeoutMs: timeoutMs, retries: 0 })).admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      admin.connect().then(() => admin.describeCluster()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs + 1_000))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
