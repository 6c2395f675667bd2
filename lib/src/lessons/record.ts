/**
 * Figures one lesson measures and later lessons reuse (lesson 07's baseline, read by 08
 * and 09), kept in the database beside the rows they describe: a reset drops both, and a
 * lesson run in another kernel, or another day, reads the same figure instead of a new one.
 */
import type { Database } from '../database/database.js';

export const LESSON_FIGURES_TABLE = 'kit_lesson_figures';

// No engine or charset clause: the same statement on both targets (the JSON is kept ASCII).
const DDL = `CREATE TABLE IF NOT EXISTS ${LESSON_FIGURES_TABLE} (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    figures LONGTEXT NOT NULL,
    recorded_at DATETIME NOT NULL
)`;

const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export async function saveLessonFigures(db: Database, name: string, figures: unknown): Promise<void> {
  await db.execute(DDL);
  await db.execute(`REPLACE INTO ${LESSON_FIGURES_TABLE} (name, figures, recorded_at) VALUES (?, ?, UTC_TIMESTAMP())`, [name, asciiJson(figures)]);
}

/** The figures saved under `name`, or undefined when no lesson has measured them yet. */
export async function loadLessonFigures<T>(db: Database, name: string): Promise<T | undefined> {
  await db.execute(DDL);
  const [row] = await db.query<{ figures: string }>(`SELECT figures FROM ${LESSON_FIGURES_TABLE} WHERE name = ?`, [name]);
  return row ? (JSON.parse(row.figures) as T) : undefined;
}
