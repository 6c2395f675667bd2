/**
 * The database handle every lesson, script and test passes around: a pool for the kit's
 * settings (TLS for Helios), queries that fail with one line saying what to do, and
 * connections for the statements that must share a session. A closed handle reopens on
 * its next use, so that a notebook's exercises still run after its last cell.
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import mysql, { type Pool, type PoolConnection, type PoolOptions, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { loadConfig, type DatabaseConfig, type DatabaseTarget } from '../config.js';
import { DatabaseAuthError, DatabaseUnavailableError, KitError, SqlError } from '../errors.js';
import { targetNamed } from '../targets/index.js';

export type { ResultSetHeader } from 'mysql2/promise';

export interface DatabaseOptions {
  /** Connect to this database instead of the configured one; null for none (to create it). */
  database?: string | null;
  connectionLimit?: number;
  connectTimeoutMs?: number;
}

/** Statements on one connection: a session's settings, a transaction, PROFILE then SHOW PROFILE. */
export interface DatabaseConnection {
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  execute(sql: string, params?: unknown[]): Promise<ResultSetHeader>;
  /** `LOAD DATA LOCAL INFILE` reading its file from `source` instead of the disk. */
  loadData(sql: string, source: () => Readable): Promise<ResultSetHeader>;
  /** Called once if the connection dies (a database restart). */
  onLost(listener: () => void): void;
  /** Back to the pool. */
  release(): void;
  /** Closed for good: a session that must not be reused (a lost lock, a broken transaction). */
  destroy(): void;
}

export class Database {
  readonly settings: DatabaseConfig;
  readonly target: DatabaseTarget;
  /** The database the handle's connections use (null: none selected). */
  readonly name: string | null;
  /** host:port, for messages. */
  readonly address: string;
  private readonly options: DatabaseOptions;
  private pool: Pool | undefined;
  /** Handles made by withDatabase: closed with this one, so that closing a lesson's handle releases its pipelines' pools too. */
  private readonly derived = new Set<Database>();

  constructor(settings: DatabaseConfig, options: DatabaseOptions = {}) {
    this.settings = settings;
    this.target = settings.target;
    this.name = options.database === null ? null : (options.database ?? settings.database);
    this.address = `${settings.host}:${settings.port}`;
    this.options = options;
  }

  /** The same server and settings, on another database (tests' scratch databases, the bench's). */
  withDatabase(name: string, options: Omit<DatabaseOptions, 'database'> = {}): Database {
    const derived = new Database({ ...this.settings, database: name }, { ...this.options, ...options, database: name });
    this.derived.add(derived);
    return derived;
  }

  /** Runs a query and returns its rows; server errors become KitErrors with a hint. */
  async query<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      const [rows] = await this.openPool().query<RowDataPacket[]>(sql, params);
      return rows as unknown as T[];
    } catch (error) {
      throw asDatabaseError(error, this.settings);
    }
  }

  async execute(sql: string, params: unknown[] = []): Promise<ResultSetHeader> {
    try {
      const [result] = await this.openPool().query<ResultSetHeader>(sql, params);
      return result;
    } catch (error) {
      throw asDatabaseError(error, this.settings);
    }
  }

  /** A connection of the pool, held until released. */
  async connect(): Promise<DatabaseConnection> {
    try {
      return wrapConnection(await this.openPool().getConnection(), this.settings);
    } catch (error) {
      throw asDatabaseError(error, this.settings);
    }
  }

  /** Runs `work` on one connection, released afterwards (destroyed if `work` failed). */
  async withConnection<T>(work: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      const result = await work(connection);
      connection.release();
      return result;
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /** Closes the pool, and those of the handles withDatabase made from this one; the next query opens a new one. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([pool?.end().catch(() => undefined), ...[...this.derived].map((d) => d.close())]);
  }

  private openPool(): Pool {
    this.pool ??= createPool(this.settings, this.name, this.options);
    return this.pool;
  }
}

/** A handle on the configured database (from `.env` when no settings are given), or another one, or none: `{ ...settings, database: null }`. */
export function openDatabase(settings: DatabaseConfig = loadConfig().database, options: DatabaseOptions = {}): Database {
  return new Database(settings, options);
}

function createPool(settings: DatabaseConfig, database: string | null, options: DatabaseOptions): Pool {
  const poolOptions: PoolOptions = {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: database ?? undefined,
    connectionLimit: options.connectionLimit ?? 8,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    // DATETIME values are UTC end to end: mysql2 reads and writes them as UTC.
    timezone: 'Z',
    decimalNumbers: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
  if (settings.tls) {
    // Node's `ca` replaces the system roots instead of adding to them: give it only for a
    // server whose CA is not a public one (Helios' certificates chain to a public root).
    poolOptions.ssl = {
      rejectUnauthorized: settings.tls.rejectUnauthorized,
      ...(settings.tls.caFile ? { ca: readFileSync(settings.tls.caFile, 'utf8') } : {}),
    };
  }
  const pool = mysql.createPool(poolOptions);
  const sessionSql = targetNamed(settings.target).sessionSql;
  if (sessionSql.length) {
    pool.on('connection', (connection) => {
      for (const sql of sessionSql) (connection as unknown as { query(sql: string): void }).query(sql);
    });
  }
  return pool;
}

function wrapConnection(connection: PoolConnection, settings: DatabaseConfig): DatabaseConnection {
  let done = false;
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw asDatabaseError(error, settings);
    }
  };
  return {
    query: <T extends object>(sql: string, params: unknown[] = []) =>
      run(async () => (await connection.query<RowDataPacket[]>(sql, params))[0] as unknown as T[]),
    execute: (sql, params = []) => run(async () => (await connection.query<ResultSetHeader>(sql, params))[0]),
    loadData: (sql, source) => run(async () => (await connection.query<ResultSetHeader>({ sql, infileStreamFactory: source }))[0]),
    onLost(listener) {
      connection.on('error', () => {
        if (!done) listener();
      });
    },
    release() {
      if (done) return;
      done = true;
      connection.release();
    },
    destroy() {
      if (done) return;
      done = true;
      connection.destroy();
    },
  };
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'EAI_AGAIN', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);

const HINTS: Record<string, string> = {
  ER_BAD_DB_ERROR: 'create it with `npm run up`, or fix the database name in DATABASE_URL',
  ER_NO_SUCH_TABLE: 'create the table first (the schema step of the notebook or `npm run pipeline`)',
  ER_DBACCESS_DENIED_ERROR: 'grant the user access to this database, or use the kit user from .env',
  ER_TABLEACCESS_DENIED_ERROR: 'this user may not do that: the Grafana user is read-only by design',
  ER_PARSE_ERROR: 'the SQL does not parse on this server: is DATABASE_TARGET right?',
  ER_DUP_ENTRY: 'a row with this primary key exists already',
};

/** Maps a mysql2 error to a KitError; passes KitErrors through. */
export function asDatabaseError(error: unknown, settings: DatabaseConfig): KitError {
  if (error instanceof KitError) return error;
  const e = error as { code?: string; message?: string; sqlMessage?: string };
  const code = e.code ?? 'UNKNOWN';
  const address = `${settings.host}:${settings.port}`;
  if (CONNECT_CODES.has(code) || /connect ETIMEDOUT|closed state/.test(e.message ?? '')) return new DatabaseUnavailableError(address, error);
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') return new DatabaseAuthError(settings.user, address, error);
  return new SqlError(code, e.sqlMessage ?? e.message ?? String(error), HINTS[code] ?? '', error);
}
