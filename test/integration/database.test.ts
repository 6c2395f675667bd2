// Against the real database that `npm run up` started.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatabaseAuthError,
  DatabaseUnavailableError,
  InvalidIdentifierError,
  SqlError,
  checkDatabase,
  dropDatabase,
  ensureDatabase,
  loadConfig,
  openDatabase,
} from '@donations/lib';

const config = loadConfig();
const scratch = `kit_test_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await dropDatabase(config.database, scratch);
});

describe('database', () => {
  it('connects and names the server', async () => {
    const { flavour, version } = await checkDatabase(config.database);
    expect(flavour).toBe(config.database.target === 'singlestore' ? 'singlestore' : 'mariadb');
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it('creates, uses and drops a scratch database', async () => {
    expect(await ensureDatabase(config.database, scratch)).toBe(true);
    expect(await ensureDatabase(config.database, scratch)).toBe(false);
    const db = openDatabase(config.database, { database: scratch });
    try {
      await db.execute('CREATE TABLE t (id INT PRIMARY KEY, at DATETIME NOT NULL)');
      await db.execute('INSERT INTO t VALUES (?, ?), (?, ?)', [1, new Date('2026-01-02T03:04:05Z'), 2, new Date('2026-01-02T03:04:06Z')]);
      const rows = await db.query<{ id: number; at: Date }>('SELECT id, at FROM t ORDER BY id');
      // UTC end to end: what goes in as UTC comes back as the same instant.
      expect(rows.map((r) => [r.id, r.at.toISOString()])).toEqual([
        [1, '2026-01-02T03:04:05.000Z'],
        [2, '2026-01-02T03:04:06.000Z'],
      ]);
      const error = await db.execute('INSERT INTO t VALUES (1, NOW())').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlError);
      expect((error as Error).message).toMatch(/^ER_DUP_ENTRY: Duplicate entry '1'/);
      // A closed handle reopens on its next use: a notebook's exercises still run after its last cell.
      await db.close();
      expect(await db.query('SELECT id FROM t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await db.close();
    }
    await dropDatabase(config.database, scratch);
    const server = openDatabase(config.database, { database: null });
    try {
      expect(await server.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [scratch])).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses a database name carrying SQL before sending anything', async () => {
    await expect(ensureDatabase(config.database, 'x`; DROP DATABASE mysql; --')).rejects.toBeInstanceOf(InvalidIdentifierError);
  });

  it('reports a wrong password in one line without the password', async () => {
    const wrong = { ...config.database, password: 'definitely-wrong-password' };
    const error = await checkDatabase(wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseAuthError);
    expect((error as Error).message).not.toContain('definitely-wrong-password');
    expect((error as Error).message).toContain(`refused user '${config.database.user}'`);
  });

  it('reports an unreachable server within the connect timeout', async () => {
    const started = Date.now();
    const error = await checkDatabase({ ...config.database, host: '127.0.0.1', port: 1 }, 2_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach the database at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
