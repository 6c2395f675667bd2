// Each integration test gets its own topic and its own database, on the real services.
import { randomBytes } from 'node:crypto';
import {
  createKafka,
  createTopic,
  deleteTopics,
  dropDatabase,
  ensureDatabase,
  loadConfig,
  openDatabase,
  uniqueTopicName,
  type Database,
  type KafkaClient,
  type KitConfig,
} from '@donations/lib';

export interface Scratch {
  config: KitConfig;
  kafka: KafkaClient;
  db: Database;
  database: string;
  topic(partitions?: number): Promise<string>;
  cleanup(): Promise<void>;
}

/** A scratch database (kit_test_*) and topics (kit-test-*), removed by cleanup(). */
export async function scratch(): Promise<Scratch> {
  const base = loadConfig();
  const database = `kit_test_${randomBytes(4).toString('hex')}`;
  const config: KitConfig = { ...base, database: { ...base.database, database } };
  await ensureDatabase(config.database);
  const kafka = createKafka(config.kafka);
  const db = openDatabase(config.database);
  const topics: string[] = [];
  return {
    config,
    kafka,
    db,
    database,
    async topic(partitions = 1) {
      const name = uniqueTopicName();
      topics.push(name);
      await createTopic(kafka, { topic: name, partitions });
      return name;
    },
    async cleanup() {
      await db.close();
      await deleteTopics(kafka, topics).catch(() => undefined);
      await dropDatabase(config.database, database);
    },
  };
}
