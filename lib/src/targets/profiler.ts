/**
 * How a target shows where the dashboard's time goes (lessons 06 and 07), as data the
 * lessons render alike: the statements that ran, the panels caught over a threshold, and
 * one query's profile. SingleStore traces and profiles; MariaDB runs the analog.
 */
import type { Database } from '../database/database.js';
import type { DashboardQuery, QueryParams } from '../dashboard/queries.js';

/** A statement as the lesson shows it, with the line above it. */
export interface ShownStatement {
  note: string;
  sql: string;
}

export interface CaughtPanel {
  query: DashboardQuery;
  ms: number;
  /** Rows the server read for it, where the server says. */
  rowsExamined: number | null;
  rowsSent: number | null;
}

export interface SlowCatch {
  ran: ShownStatement[];
  /** The panel queries caught over the threshold, one entry per time caught. */
  caught: CaughtPanel[];
  /** Server settings the catch changed, read before, during and after (each put back). */
  settings: { setting: string; before: string; during: string; after: string }[];
  /** The same, as the server gave them, before the change. */
  settingsBefore: Record<string, unknown> | undefined;
  /** What the server recorded beyond the panels caught (SingleStore's trace events), as rows. */
  recorded: Record<string, unknown>[];
}

export interface QueryProfileView {
  ran: ShownStatement[];
  /** One row summing the profile up, for a table. */
  summary: Record<string, unknown>;
  /** The profile in full, as the server returned it. */
  full: string;
  /** A link to the target's visual profile, when it offers one. */
  link: string | null;
  /** Rows read and kept, and the share of time reading rows, where the server says (for the lesson's sentences). */
  rowsRead: number | null;
  rowsKept: number | null;
  readShare: number | null;
  totalMs: number | null;
}

export interface DashboardProfiler {
  /** Runs `work` (the dashboard, on connections of its own) while catching the statements over `thresholdMs`. */
  catchSlow(db: Database, thresholdMs: number, work: () => Promise<void>): Promise<SlowCatch>;
  /** Profiles one panel's query, alone, on `table`. */
  profile(db: Database, query: DashboardQuery, params: QueryParams, table?: string): Promise<QueryProfileView>;
}
