/**
 * What a pipeline has not loaded yet: the messages of its topic beyond its loaded cursors,
 * and its state. Reconciliation uses it to tell a donation still in the topic from a lost one.
 */
import { topicOffsets } from '../kafka/admin.js';
import type { KafkaClient } from '../kafka/client.js';
import type { Pipeline } from './pipeline.js';

export interface Backlog {
  /** Messages past the pipeline's loaded cursor, over every partition. */
  messages: number;
  /** The pipeline's state (Running, Stopped...), or 'not created'. */
  state: string;
}

export async function pipelineBacklog(pipeline: Pipeline, kafka: KafkaClient): Promise<Backlog> {
  const status = await pipeline.status();
  const loaded = new Map((await pipeline.cursors()).map((c) => [c.partition, BigInt(c.loadedOffset)]));
  let messages = 0n;
  for (const range of await topicOffsets(kafka, pipeline.spec.topic)) {
    // A partition the pipeline never read starts at the topic's first offset still held.
    const from = loaded.get(range.partition) ?? range.low;
    if (range.high > from) messages += range.high - from;
  }
  return { messages: Number(messages), state: status?.state ?? 'not created' };
}
