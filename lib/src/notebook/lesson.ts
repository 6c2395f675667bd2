/**
 * What a notebook opens first: the settings, the database and Kafka handles, which target
 * the lesson runs on, and the screen its steps show their results on. Every lib function a
 * lesson calls takes this bundle, or one of its handles.
 */
import { loadConfig, type KitConfig } from '../config.js';
import { ensureDatabase } from '../database/admin.js';
import { openDatabase, type Database } from '../database/database.js';
import { createKafka, type KafkaClient } from '../kafka/client.js';
import { notebookScreen, textScreen, type Block, type NotebookDisplay, type Screen, type Shown } from '../lessons/screen.js';
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
  /** Where steps show their results: the notebook's outputs, or text lines outside Jupyter. */
  screen: Screen;
  /** Shows results, tables, charts and lines, in order. */
  show(...items: readonly (Shown | Block | string)[]): void;
  /** Releases the database connections. The handles reopen if a later cell (an exercise) uses them. */
  close(): Promise<void>;
}

const isNotebookDisplay = (value: unknown): value is NotebookDisplay =>
  typeof value === 'object' && value !== null && 'display' in value && 'newDisplay' in value;

/**
 * The settings, the database (created if missing) and Kafka, for one notebook. A notebook
 * passes tslab (`openLesson(tslab)`) so that steps draw into its outputs.
 */
export async function openLesson(display?: NotebookDisplay | KitConfig, config?: KitConfig): Promise<Lesson> {
  const settings = isNotebookDisplay(display) ? (config ?? loadConfig()) : (display ?? config ?? loadConfig());
  await ensureDatabase(settings.database);
  const db = openDatabase(settings.database);
  const target = targetOf(settings.database);
  const screen = isNotebookDisplay(display) ? notebookScreen(display) : textScreen();
  return {
    config: settings,
    db,
    kafka: createKafka(settings.kafka),
    testTopic: lessonTestTopic(settings.kafka.topic),
    target,
    onSingleStore: target.runsSingleStoreSql,
    runsHere: target.runsHere,
    screen,
    show: (...items) => screen.show(...items),
    close: () => db.close(),
  };
}

/** The smoke tests' topic beside a donations topic: see Lesson.testTopic. */
export function lessonTestTopic(donationsTopic: string): string {
  return donationsTopic === 'donations' ? 'test' : `${donationsTopic}-test`;
}
