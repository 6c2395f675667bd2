// Each integration test gets its own topic and its own database, on the real services.
import { randomBytes } from 'node:crypto';
import {
  createKafka,
  createPool,
  createTopic,
  deleteTopics,
  dropDatabase,
  ensureDatabase,
  loadConfig,
  uniqueTopicName,
  withDotEnv,
  type KitConfig,
  type Pool,
} from '@donations/lib';
import type { Kafka } from 'kafkajs';

export interface Scratch {
  config: KitConfig;
  kafka: Kafka;
  pool: Pool;
  database: string;
  topic(partitions?: number): Promise<string>;
  cleanup(): Promise<void>;
}

/** A scratch database (kit_test_*) and topics (kit-test-*), removed by cleanup(). */
export async function scratch(): Promise<Scratch> {
  const base = loadConfig(withDotEnv(process.env));
  const database = `kit_test_${randomBytes(4).toString('hex')}`;
  const config: KitConfig = { ...base, database: { ...base.database, database } };
  await ensureDatabase(config.database);
  const kafka = createKafka(config.kafka);
  const pool = createPool(config.database);
  const topics: string[] = [];
  return {
    config,
    kafka,
    pool,
    database,
    async topic(partitions = 1) {
      const name = uniqueTopicName();
      topics.push(name);
      await createTopic(kafka, config.kafka, { topic: name, partitions });
      return name;
    },
    async cleanup() {
      await pool.end().catch(() => undefined);
      await deleteTopics(kafka, config.kafka, topics).catch(() => undefined);
      await dropDatabase(config.database, database);
    },
  };
}
