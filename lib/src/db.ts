/**
 * Database access for both targets: a mysql2 pool from the kit's config (TLS for Helios),
 * identifier checks, and server errors turned into one line that says what to do.
 */
import { readFileSync } from 'node:fs';
import mysql, { type Pool, type PoolOptions, type RowDataPacket, type ResultSetHeader } from 'mysql2/promise';
import type { DatabaseConfig } from './config.js';
import { DatabaseAuthError, DatabaseUnavailableError, InvalidIdentifierError, KitError, SqlError } from './errors.js';

export type { Pool } from 'mysql2/promise';

export interface PoolSettings {
  /** Connect to this database instead of the configured one; null for none (to create it). */
  database?: string | null;
  connectionLimit?: number;
  multipleStatements?: boolean;
  connectTimeoutMs?: number;
}

export function createPool(config: DatabaseConfig, settings: PoolSettings = {}): Pool {
  const options: PoolOptions = {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: settings.database === null ? undefined : (settings.database ?? config.database),
    connectionLimit: settings.connectionLimit ?? 8,
    multipleStatements: settings.multipleStatements ?? false,
    connectTimeout: settings.connectTimeoutMs ?? 5_000,
    // DATETIME values are UTC end to end: the producer writes UTC, the session runs in UTC.
    timezone: 'Z',
    dateStrings: false,
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    infileStreamFactory: undefined,
  };
  if (config.tls) {
    options.ssl = {
      rejectUnauthorized: config.tls.rejectUnauthorized,
      ...(config.tls.caFile ? { ca: readFileSync(config.tls.caFile, 'utf8') } : {}),
    };
  }
  const pool = mysql.createPool(options);
  pool.on('connection', (connection) => {
    // Callback API: the promise wrapper's connection event hands over the core connection.
    (connection as unknown as { query(sql: string): void }).query("SET time_zone = '+00:00'");
  });
  return pool;
}

export function where(config: DatabaseConfig): string {
  return `${config.host}:${config.port}`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Backquotes a table, database or pipeline name after checking it is a plain identifier. */
export function quoteIdentifier(name: string, kind = 'identifier'): string {
  if (!IDENTIFIER.test(name)) throw new InvalidIdentifierError(kind, name);
  return `\`${name}\``;
}

export function assertIdentifier(name: string, kind = 'identifier'): string {
  quoteIdentifier(name, kind);
  return name;
}

/** Runs a query and returns its rows; server errors become KitErrors with a hint. */
export async function queryRows<T extends object = Record<string, unknown>>(
  pool: Pool,
  config: DatabaseConfig,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  try {
    const [rows] = await pool.query<RowDataPacket[]>(sql, params);
    return rows as unknown as T[];
  } catch (error) {
    throw asDatabaseError(error, config);
  }
}

export async function execute(pool: Pool, config: DatabaseConfig, sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
  try {
    const [result] = await pool.query<ResultSetHeader>(sql, params);
    return result;
  } catch (error) {
    throw asDatabaseError(error, config);
  }
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'EAI_AGAIN', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);

const HINTS: Record<string, string> = {
  ER_BAD_DB_ERROR: 'create it with `npm run up`, or fix the database name in DATABASE_URL',
  ER_NO_SUCH_TABLE: 'create the table first (the schema step of the notebook or `npm run pipeline -- --create`)',
  ER_DBACCESS_DENIED_ERROR: 'grant the user access to this database, or use the kit user from .env',
  ER_TABLEACCESS_DENIED_ERROR: 'this user may not do that: the Grafana user is read-only by design',
  ER_PARSE_ERROR: 'the SQL does not parse on this server: is DATABASE_TARGET right?',
  ER_DUP_ENTRY: 'a row with this primary key exists already',
};

/** Maps a mysql2 error to a KitError; passes KitErrors through. */
export function asDatabaseError(error: unknown, config: DatabaseConfig): KitError {
  if (error instanceof KitError) return error;
  const e = error as { code?: string; message?: string; sqlMessage?: string };
  const code = e.code ?? 'UNKNOWN';
  if (CONNECT_CODES.has(code) || /connect ETIMEDOUT|closed state/.test(e.message ?? '')) return new DatabaseUnavailableError(where(config), error);
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') return new DatabaseAuthError(config.user, where(config), error);
  return new SqlError(code, e.sqlMessage ?? e.message ?? String(error), HINTS[code] ?? '', error);
}

/** Connects once and runs `SELECT 1`: fails with one clear line within the connect timeout. */
export async function checkDatabase(config: DatabaseConfig, timeoutMs = 5_000): Promise<{ version: string; flavour: 'mariadb' | 'singlestore' | 'mysql' }> {
  const pool = createPool(config, { database: null, connectionLimit: 1, connectTimeoutMs: timeoutMs });
  try {
    const [row] = await queryRows<{ version: string; comment: string }>(pool, config, 'SELECT @@version AS version, @@version_comment AS comment');
    const text = `${row?.version} ${row?.comment}`;
    let flavour: 'mariadb' | 'singlestore' | 'mysql' = 'mysql';
    if (/mariadb/i.test(text)) flavour = 'mariadb';
    else {
      const memsql = await queryRows(pool, config, 'SELECT @@memsql_version AS v').catch(() => []);
      if (memsql.length) flavour = 'singlestore';
    }
    return { version: row?.version ?? '?', flavour };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Creates the database when missing; returns whether it was created. */
export async function ensureDatabase(config: DatabaseConfig, name = config.database): Promise<boolean> {
  const pool = createPool(config, { database: null, connectionLimit: 1 });
  try {
    const existing = await queryRows(pool, config, 'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    if (existing.length) return false;
    await execute(pool, config, `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(name, 'database')}`);
    return true;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

export async function dropDatabase(config: DatabaseConfig, name: string): Promise<void> {
  const pool = createPool(config, { database: null, connectionLimit: 1 });
  try {
    await execute(pool, config, `DROP DATABASE IF EXISTS ${quoteIdentifier(name, 'database')}`);
  } finally {
    await pool.end().catch(() => undefined);
  }
}
