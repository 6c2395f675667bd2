/**
 * What only SingleStore has, as statement text and one call each: the engine's version, a
 * database's partitions, PROFILE then SHOW PROFILE on one connection, and the event trace
 * that records slow queries. Every statement follows a documentation page listed in
 * docs/singlestore.md; singlestore.test.ts pins the text.
 */
import { KitError, SqlError } from '../errors.js';
import { quoteIdentifier } from '../names.js';
import type { Database } from '../database/database.js';

/** The trace of slow queries the profiling lesson creates: Query_completion is "the only usable event type". */
export const SLOW_QUERY_TRACE = 'Query_completion';
/** The original's threshold: a query over 200 ms breaks a 250 ms dashboard. */
export const SLOW_QUERY_THRESHOLD_MS = 200;

export const SINGLESTORE_SQL = {
  /** The engine's own version; @@version answers a MySQL version. */
  version: 'SELECT @@memsql_version AS version',
  /** One row per partition copy; the Master rows are the database's partitions (SHOW PARTITIONS). */
  partitions: (database: string) => `SHOW PARTITIONS ON ${quoteIdentifier(database, 'database')}`,
  /** "run the PROFILE statement twice followed by the SHOW PROFILE statement" (PROFILE). */
  profile: (sql: string) => `PROFILE ${sql}`,
  showProfileJson: 'SHOW PROFILE JSON',
  /** "Returns a URL that opens a visual representation of the profile in SingleStore Visual Explain." */
  showProfileUi: 'SHOW PROFILE UI',
  createTrace: (thresholdMs: number = SLOW_QUERY_THRESHOLD_MS) =>
    `CREATE EVENT TRACE ${SLOW_QUERY_TRACE} WITH (Query_text = on, Duration_threshold_ms = ${checkedThreshold(thresholdMs)})`,
  dropTrace: `DROP EVENT TRACE ${SLOW_QUERY_TRACE}`,
  traceEvents: `SELECT TIME, DETAILS FROM information_schema.MV_TRACE_EVENTS WHERE EVENT_TYPE = '${SLOW_QUERY_TRACE}' ORDER BY TIME DESC LIMIT ?`,
} as const;

function checkedThreshold(ms: number): number {
  // "setting its value to 0 will ... impair the cluster's performance" (Query History).
  if (!Number.isInteger(ms) || ms < 1) throw new KitError(`event trace threshold ${ms} ms: use a whole number of milliseconds, 1 or more`);
  return ms;
}

function requireSingleStore(db: Database, what: string): void {
  if (db.target !== 'singlestore') throw new KitError(`${what} exists only on SingleStore: DATABASE_URL points at ${db.target}`);
}

/**
 * The event trace's privilege, which the pages name two ways: "The ALTER TRACE permission is
 * required to create trace events" (Trace Event Commands, cloud; CREATE and DROP EVENT TRACE),
 * "The `ALTER EVENT TRACE` permission is required" (the same page, 9.1 and the cloud .md).
 */
export const TRACE_PRIVILEGE = { name: 'ALTER TRACE', alsoNamed: 'ALTER EVENT TRACE' } as const;

/**
 * A privilege error as one line naming the privilege and the fix; other errors unchanged.
 * SingleStore says "Access denied; you need (at least one of) the X privilege(s)".
 * `alsoNamed`: the privilege's other name in the docs, given in the hint too.
 */
export function explainPrivilegeError(error: unknown, privilege: string, what: string, user: string, alsoNamed?: string): unknown {
  if (error instanceof SqlError && /ACCESS_DENIED/.test(error.code)) {
    const named = alsoNamed ? `${privilege} privilege (named ${alsoNamed} on some SingleStore pages)` : `${privilege} privilege`;
    const grant = `GRANT ${privilege} ON *.* TO '${user}'@'%'${alsoNamed ? ` (or GRANT ${alsoNamed} ON *.* TO '${user}'@'%' if the server knows it by that name)` : ''}`;
    return new KitError(`${what} needs the ${named}, which user '${user}' lacks: as an admin, ${grant} (on Helios, connect as the workspace's admin user)`, { cause: error });
  }
  return error;
}

async function withPrivilege<T>(db: Database, privilege: string, what: string, work: () => Promise<T>, alsoNamed?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainPrivilegeError(error, privilege, what, db.settings.user, alsoNamed);
  }
}

/** The engine's version, e.g. "9.0.23". */
export async function singleStoreVersion(db: Database): Promise<string> {
  requireSingleStore(db, '@@memsql_version');
  const [row] = await db.query<{ version: string }>(SINGLESTORE_SQL.version);
  return String(row?.version ?? '');
}

/**
 * How many partitions the database has: a SingleStore pipeline pairs Kafka partitions with
 * database partitions, and "there should be an equal number of partitions between
 * SingleStore and Kafka" (Parallelized Data Extraction with Pipelines). The dev image gives
 * every database two.
 */
export async function databasePartitions(db: Database, database: string | null = db.name): Promise<number> {
  requireSingleStore(db, 'SHOW PARTITIONS');
  if (!database) throw new KitError('databasePartitions needs a database: open the handle on one');
  const rows = await db.query<Record<string, unknown>>(SINGLESTORE_SQL.partitions(database));
  // A partition with replicas has a row per copy: count the ordinals of the masters (all ordinals if no role is shown).
  const role = (row: Record<string, unknown>) => String(row.Role ?? row.ROLE ?? '').toLowerCase();
  const masters = rows.some((row) => role(row) === 'master') ? rows.filter((row) => role(row) === 'master') : rows;
  return new Set(masters.map((row) => String(row.Ordinal ?? row.ORDINAL))).size;
}

export interface QueryProfile {
  /** SHOW PROFILE JSON: operators with their actual rows and times. */
  json: string;
  /** SHOW PROFILE UI: a link to SingleStore Visual Explain; null when the server does not offer it. */
  ui: string | null;
  /** What ran, in order, for the notebook to show. */
  statements: string[];
}

/**
 * Profiles a query as the docs advise: PROFILE twice (the first run compiles the plan),
 * then SHOW PROFILE JSON and SHOW PROFILE UI (the docs' sequence), on one connection to be
 * safe: that SHOW PROFILE reads its own session's last PROFILE is implied, not stated.
 */
export async function profileQuery(db: Database, sql: string, params: unknown[] = []): Promise<QueryProfile> {
  requireSingleStore(db, 'PROFILE');
  const profiled = SINGLESTORE_SQL.profile(sql);
  return db.withConnection(async (session) => {
    await session.query(profiled, params);
    await session.query(profiled, params);
    const [json] = await session.query<Record<string, unknown>>(SINGLESTORE_SQL.showProfileJson);
    const ui = await session
      .query<Record<string, unknown>>(SINGLESTORE_SQL.showProfileUi)
      .then(([row]) => (row ? String(Object.values(row)[0] ?? '') || null : null))
      .catch(() => null);
    return {
      json: String(Object.values(json ?? {})[0] ?? ''),
      ui,
      statements: [profiled, profiled, SINGLESTORE_SQL.showProfileJson, SINGLESTORE_SQL.showProfileUi],
    };
  });
}

/**
 * Records every query slower than the threshold in MV_TRACE_EVENTS: drops the trace if it
 * exists, then creates it with this threshold. Needs ALTER TRACE (or ALTER EVENT TRACE: TRACE_PRIVILEGE). On Helios the portal's
 * Query History reads the same trace, so this changes its threshold for the workspace.
 */
export async function startSlowQueryTrace(db: Database, thresholdMs: number = SLOW_QUERY_THRESHOLD_MS): Promise<string[]> {
  requireSingleStore(db, 'CREATE EVENT TRACE');
  const create = SINGLESTORE_SQL.createTrace(thresholdMs);
  await withPrivilege(
    db,
    TRACE_PRIVILEGE.name,
    'CREATE EVENT TRACE',
    async () => {
      // Absent on first use: only a privilege error matters here; CREATE reports anything else.
      await db.execute(SINGLESTORE_SQL.dropTrace).catch((error: unknown) => {
        if (error instanceof SqlError && /ACCESS_DENIED/.test(error.code)) throw error;
      });
      await db.execute(create);
    },
    TRACE_PRIVILEGE.alsoNamed,
  );
  return [SINGLESTORE_SQL.dropTrace, create];
}

export async function stopSlowQueryTrace(db: Database): Promise<void> {
  requireSingleStore(db, 'DROP EVENT TRACE');
  await withPrivilege(db, TRACE_PRIVILEGE.name, 'DROP EVENT TRACE', () => db.execute(SINGLESTORE_SQL.dropTrace), TRACE_PRIVILEGE.alsoNamed);
}

export interface TraceEvent {
  time: Date;
  /** The event's DETAILS JSON as the server wrote it (its keys are not documented one by one). */
  details: unknown;
}

/** The latest slow queries the trace recorded (MV_TRACE_EVENTS, a ring buffer). Needs PROCESS. */
export async function slowQueryEvents(db: Database, options: { limit?: number; containing?: string } = {}): Promise<TraceEvent[]> {
  requireSingleStore(db, 'MV_TRACE_EVENTS');
  const limit = options.limit ?? 10;
  // Read more than asked when filtering in memory: the buffer holds every traced query.
  const rows = await withPrivilege(db, 'PROCESS', 'reading information_schema.MV_TRACE_EVENTS', () =>
    db.query<{ TIME: Date | string; DETAILS: unknown }>(SINGLESTORE_SQL.traceEvents, [options.containing ? limit * 20 : limit]),
  );
  return rows
    .map((row) => ({ time: row.TIME instanceof Date ? row.TIME : new Date(`${String(row.TIME).replace(' ', 'T')}Z`), details: parseDetails(row.DETAILS) }))
    .filter((event) => !options.containing || JSON.stringify(event.details).includes(options.containing))
    .slice(0, limit);
}

function parseDetails(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
