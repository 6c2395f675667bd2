// Kept apart from fault-services.ts: the suite's global setup imports that one, and
// vitest's hooks cannot be imported there.
import { afterAll, beforeAll } from 'vitest';
import { ensureDatabase, openDatabase, type Database, type KitConfig } from '@donations/lib';
import { faultConfig } from './fault-services.js';

/**
 * The suite's config and a handle on its database, for one test file: the database is
 * created before the file's tests and the handle closed after them.
 */
export function useFaultDatabase(connectionLimit = 2): { config: KitConfig; db: Database } {
  const config = faultConfig();
  const db = openDatabase(config.database, { connectionLimit });
  beforeAll(async () => {
    await ensureDatabase(config.database);
  });
  afterAll(async () => {
    await db.close();
  });
  return { config, db };
}
