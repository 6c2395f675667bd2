/**
 * Profiling the dashboard on MariaDB, the analog of SingleStore's 200 ms Query_completion
 * trace and PROFILE: the slow query log catches the panel queries over a threshold while
 * the dashboard refreshes, each caught statement is labelled with its panel, and
 * ANALYZE FORMAT=JSON tells where one query's time goes (reading rows, filtering and
 * grouping, sorting). Every server setting changed is put back as it was.
 */
import type { Database } from '../database/database.js';
import { KitError } from '../errors.js';
import { targetOf } from './index.js';
import { DASHBOARD_QUERIES, type DashboardQuery, type QueryParams } from '../dashboard/queries.js';

export interface SlowStatement {
  /** The panel whose query it is, when it is one of the seven. */
  query: DashboardQuery | undefined;
  at: Date;
  ms: number;
  rowsExamined: number;
  rowsSent: number;
  sql: string;
}

export interface SlowLogSettings {
  slow_query_log: number;
  long_query_time: number;
  log_output: string;
}

const readSlowLogSettings = async (db: Database) =>
  (await db.query<SlowLogSettings>('SELECT @@GLOBAL.slow_query_log AS slow_query_log, @@GLOBAL.long_query_time AS long_query_time, @@GLOBAL.log_output AS log_output'))[0]!;

export interface SlowQueryCatch {
  statements: SlowStatement[];
  /** The server's settings before, while `work` ran, and after they were put back, as read from the server each time. */
  settings: { before: SlowLogSettings; during: SlowLogSettings; after: SlowLogSettings };
}

/**
 * Switches the slow query log on (into mysql.slow_log, from `thresholdMs`), runs `work`
 * (which must open new connections: the threshold applies to sessions opened after the
 * change), reads what it caught in this database, and restores the three settings.
 */
export async function catchSlowQueries(db: Database, thresholdMs: number, work: () => Promise<void>): Promise<SlowQueryCatch> {
  if (targetOf(db).profiling !== 'slow-query-log') throw new KitError('catchSlowQueries reads MariaDB\'s slow query log: on SingleStore use the Query_completion event trace');
  const before = await readSlowLogSettings(db);
  const [{ since }] = (await db.query<{ since: Date }>('SELECT NOW(6) AS since')) as [{ since: Date }];
  let during: SlowLogSettings;
  await db.execute("SET GLOBAL log_output = 'TABLE'");
  await db.execute('SET GLOBAL long_query_time = ?', [thresholdMs / 1000]);
  await db.execute('SET GLOBAL slow_query_log = 1');
  try {
    during = await readSlowLogSettings(db);
    await work();
  } finally {
    await db.execute('SET GLOBAL slow_query_log = ?', [before.slow_query_log]);
    await db.execute('SET GLOBAL long_query_time = ?', [before.long_query_time]);
    await db.execute('SET GLOBAL log_output = ?', [before.log_output]);
  }
  const after = await readSlowLogSettings(db);
  // The server writes a statement's slow-log row after it has sent the result: the last
  // statements of `work` may land a moment after `work` returned. Wait until the count holds.
  const countSince = async () =>
    Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM mysql.slow_log WHERE start_time >= ? AND db = DATABASE()', [since]))[0]!.n);
  for (let count = await countSince(), waited = 0; waited < 2_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await countSince();
    if (now === count) break;
    count = now;
  }
  const rows = await db.query<{ start_time: Date; ms: number; rows_examined: number; rows_sent: number; sql_text: string }>(
    `SELECT start_time, TIME_TO_SEC(query_time) * 1000 AS ms, rows_examined, rows_sent, CONVERT(sql_text USING utf8mb4) AS sql_text
     FROM mysql.slow_log WHERE start_time >= ? AND db = DATABASE() ORDER BY start_time`,
    [since],
  );
  return {
    statements: rows.map((r) => ({ query: panelOf(r.sql_text), at: r.start_time, ms: Number(r.ms), rowsExamined: Number(r.rows_examined), rowsSent: Number(r.rows_sent), sql: r.sql_text })),
    settings: { before, during, after },
  };
}

/** The panel query a statement's text is, values inlined or not: its SQL with every `?` matching any value. */
export function panelOf(sql: string): DashboardQuery | undefined {
  const text = sql.trim();
  return DASHBOARD_QUERIES.find((query) => {
    const pattern = query
      .sql(/FROM `(\w+)`/.exec(text)?.[1] ?? undefined)
      .split('?')
      .map((piece) => piece.replace(/[.*+^${}()|[\]\\]/g, '\\$&'))
      .join('.+?');
    return new RegExp(`^${pattern}$`, 's').test(text);
  });
}

export interface QueryAnalysis {
  totalMs: number;
  /** Time reading rows from the table or index. */
  readMs: number;
  /** Time evaluating conditions and grouping the rows read. */
  otherMs: number;
  /** Time sorting the result (ORDER BY of a grouped query). */
  sortMs: number;
  rowsExamined: number;
  rowsKept: number;
  /** How the table was read: ALL (every row), range, ref... */
  access: string;
  /** The index used, if any. */
  index: string | null;
  temporaryTable: boolean;
  plan: unknown;
}

interface AnalyzedTable {
  access_type?: string;
  key?: string;
  r_rows?: number;
  r_table_time_ms?: number;
  r_other_time_ms?: number;
  r_filtered?: number;
}

/** ANALYZE FORMAT=JSON: runs the query and reports where its time went (MariaDB). */
export async function analyzeQuery(db: Database, query: DashboardQuery, params: QueryParams, table?: string): Promise<QueryAnalysis> {
  const [row] = await db.query<{ ANALYZE: string }>(`ANALYZE FORMAT=JSON ${query.sql(table)}`, query.params(params));
  const plan = JSON.parse(row!.ANALYZE) as { query_block: { r_total_time_ms?: number } };
  const tables: AnalyzedTable[] = [];
  let sortMs = 0;
  let temporaryTable = false;
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'table' && value && typeof value === 'object') tables.push(value as AnalyzedTable);
      if (key === 'filesort') sortMs += Number((value as { r_total_time_ms?: number }).r_total_time_ms ?? 0);
      if (key === 'temporary_table') temporaryTable = true;
      walk(value);
    }
  };
  walk(plan);
  const read = tables[0] ?? {};
  const rowsExamined = tables.reduce((sum, t) => sum + Number(t.r_rows ?? 0), 0);
  return {
    totalMs: Number(plan.query_block.r_total_time_ms ?? 0),
    readMs: tables.reduce((sum, t) => sum + Number(t.r_table_time_ms ?? 0), 0),
    otherMs: tables.reduce((sum, t) => sum + Number(t.r_other_time_ms ?? 0), 0),
    sortMs,
    rowsExamined,
    rowsKept: Math.round(rowsExamined * (Number(read.r_filtered ?? 100) / 100)),
    access: read.access_type ?? '?',
    index: read.key ?? null,
    temporaryTable,
    plan,
  };
}
