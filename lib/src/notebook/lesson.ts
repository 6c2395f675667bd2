/**
 * What a notebook opens first: the settings, the database and Kafka handles, and which
 * target the lesson runs on. Every lib function a lesson calls takes this bundle, or
 * one of its handles.
 */
import { loadConfig, type KitConfig } from '../config.js';
import { ensureDatabase } from '../database/admin.js';
import { openDatabase, type Database } from '../database/database.js';
import { createKafka, type KafkaClient } from '../kafka/client.js';
import { targetOf, type Target } from '../targets/index.js';

export interface Lesson {
  config: KitConfig;
  db: Database;
  kafka: KafkaClient;
  /**
   * The topic the smoke tests and the quick start (01, 02) use: `test`, as in the original,
   * beside the default donations topic; `<topic>-test` beside any other, so that a run on a
   * topic of its own (the notebook test) leaves no `test` topic behind.
   */
  testTopic: string;
  /** What differs between SingleStore and MariaDB, for this lesson's database. */
  target: Target;
  /** SingleStore runs its statements as shown; MariaDB runs the kit's analog. */
  onSingleStore: boolean;
  /** The line above a SingleStore statement: whether it runs here or is shown beside its analog. */
  runsHere: string;
  /** Releases the database connections. The handles reopen if a later cell (an exercise) uses them. */
  close(): Promise<void>;
}

/** The settings, the database (created if missing) and Kafka, for one notebook. */
export async function openLesson(config: KitConfig = loadConfig()): Promise<Lesson> {
  await ensureDatabase(config.database);
  const db = openDatabase(config.database);
  const target = targetOf(config.database);
  return {
    config,
    db,
    kafka: createKafka(config.kafka),
    testTopic: lessonTestTopic(config.kafka.topic),
    target,
    onSingleStore: target.runsSingleStoreSql,
    runsHere: target.runsHere,
    close: () => db.close(),
  };
}

/** The smoke tests' topic beside a donations topic: see Lesson.testTopic. */
export function lessonTestTopic(donationsTopic: string): string {
  return donationsTopic === 'donations' ? 'test' : `${donationsTopic}-test`;
}
