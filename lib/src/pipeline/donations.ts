/**
 * The donations flow the lessons, the CLI and the benchmarks share: the topic, the
 * campaigns ledger, a donations table of either schema, and the pipeline that loads it.
 */
import { ensureCampaignsTable } from '../campaigns/ledger.js';
import { DONATIONS_TABLE, donationTableDdl, type SchemaKind } from '../database/schema.js';
import { topicPartitionsFor } from '../targets/index.js';
import { createTopic } from '../kafka/admin.js';
import { createPipeline } from './create.js';
import type { LocalPipelineOptions } from './local.js';
import type { Pipeline, PipelineHandles } from './pipeline.js';

/** The original's pipeline name (donations_kafka_consumer), which loads donation_transactions. */
export const DONATIONS_PIPELINE = 'donations_kafka_consumer';

export interface DonationsPipelineOptions extends LocalPipelineOptions {
  schema?: SchemaKind;
  table?: string;
  pipelineName?: string;
  /**
   * Partitions of the topic when it is created. Default: the database's partitions on
   * SingleStore, which pairs one Kafka partition with each (topicPartitionsFor); 1 on MariaDB.
   */
  partitions?: number;
  batchIntervalMs?: number;
  /** The topic to read (default: the configured donations topic). */
  topic?: string;
}

/** Creates what is missing (topic, ledger, table) and the pipeline (CREATE OR REPLACE), stopped. */
export async function setUpDonationsPipeline(handles: PipelineHandles, options: DonationsPipelineOptions = {}): Promise<Pipeline> {
  const topic = options.topic ?? handles.kafka.topic;
  const table = options.table ?? DONATIONS_TABLE;
  await createTopic(handles.kafka, { topic, partitions: options.partitions ?? (await topicPartitionsFor(handles.db)) });
  await ensureCampaignsTable(handles.db);
  await handles.db.execute(donationTableDdl(handles.db.target, options.schema ?? 'naive', table).sql);
  const pipeline = createPipeline(
    handles,
    { name: options.pipelineName ?? DONATIONS_PIPELINE, topic, table, format: 'donations-json', batchIntervalMs: options.batchIntervalMs },
    { writer: options.writer, beforeCommit: options.beforeCommit, rowsHook: options.rowsHook },
  );
  await pipeline.create();
  return pipeline;
}
