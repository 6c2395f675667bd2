/** The server itself: who it is, and the databases the kit creates and drops. */
import type { DatabaseConfig } from '../config.js';
import { quoteIdentifier } from '../names.js';
import { openDatabase, type Database } from './database.js';

export type ServerFlavour = 'mariadb' | 'singlestore' | 'mysql';

async function withServer<T>(settings: DatabaseConfig, work: (server: Database) => Promise<T>, connectTimeoutMs?: number): Promise<T> {
  const server = openDatabase(settings, { database: null, connectionLimit: 1, connectTimeoutMs });
  try {
    return await work(server);
  } finally {
    await server.close();
  }
}

/**
 * Connects once and asks the server who it is: fails with one clear line within the timeout.
 * SingleStore answers @@version with a MySQL version; its own is @@memsql_version.
 */
export function checkDatabase(settings: DatabaseConfig, timeoutMs = 5_000): Promise<{ version: string; flavour: ServerFlavour }> {
  return withServer(
    settings,
    async (server) => {
      const [row] = await server.query<{ version: string; comment: string }>('SELECT @@version AS version, @@version_comment AS comment');
      if (/mariadb/i.test(`${row?.version} ${row?.comment}`)) return { version: row?.version ?? '?', flavour: 'mariadb' };
      const [memsql] = await server.query<{ v: string }>('SELECT @@memsql_version AS v').catch(() => []);
      if (memsql) return { version: String(memsql.v), flavour: 'singlestore' };
      return { version: row?.version ?? '?', flavour: 'mysql' };
    },
    timeoutMs,
  );
}

/** Creates the database when missing; returns whether it was created. */
export function ensureDatabase(settings: DatabaseConfig, name = settings.database): Promise<boolean> {
  return withServer(settings, async (server) => {
    const existing = await server.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    if (existing.length) return false;
    await server.execute(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(name, 'database')}`);
    return true;
  });
}

export function dropDatabase(settings: DatabaseConfig, name: string): Promise<void> {
  return withServer(settings, async (server) => {
    await server.execute(`DROP DATABASE IF EXISTS ${quoteIdentifier(name, 'database')}`);
  });
}

/** Names of databases matching a LIKE pattern (the kit's scratch databases: kit\_%). */
export function listDatabases(settings: DatabaseConfig, pattern: string): Promise<string[]> {
  return withServer(settings, async (server) =>
    (await server.query<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [pattern])).map((row) => row.name),
  );
}
