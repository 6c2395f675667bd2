/**
 * The lessons' shared setup, so that notebooks, the CLI and benchmarks do the same thing:
 * the donations topic, table and pipeline with the kit's names.
 */
import type { Kafka } from 'kafkajs';
import type { KitConfig } from './config.js';
import { ensureDatabase, execute, type Pool } from './db.js';
import { createTopic } from './kafka.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { DONATIONS_TABLE, campaignsTableDdl, donationTableDdl, type SchemaKind } from './schema.js';

export const DONATIONS_PIPELINE = 'donations_kafka_consumer';

export interface DonationsSetup {
  table?: string;
  schema?: SchemaKind;
  pipelineName?: string;
  partitions?: number;
  batchIntervalMs?: number;
}

/** Creates (if missing) the topic, the campaigns table, the donations table and its pipeline. */
export async function setUpDonations(config: KitConfig, kafka: Kafka, pool: Pool, options: DonationsSetup = {}): Promise<Pipeline> {
  const table = options.table ?? DONATIONS_TABLE;
  await ensureDatabase(config.database);
  await createTopic(kafka, config.kafka, { topic: config.kafka.topic, partitions: options.partitions ?? 1 });
  await execute(pool, config.database, campaignsTableDdl(config.database.target).sql);
  await execute(pool, config.database, donationTableDdl(config.database.target, options.schema ?? 'naive', table).sql);
  const pipeline = createPipeline(
    config,
    { name: options.pipelineName ?? DONATIONS_PIPELINE, topic: config.kafka.topic, table, format: 'donations-json', batchIntervalMs: options.batchIntervalMs },
    { pool, kafka },
  );
  await pipeline.create();
  return pipeline;
}
