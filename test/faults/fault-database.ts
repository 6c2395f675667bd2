// Kept apart from fault-services.ts: the suite's global setup imports that one, and
// vitest's hooks cannot be imported there.
import { afterAll, beforeAll } from 'vitest';
import { createPool, ensureDatabase, type KitConfig, type Pool } from '@donations/lib';
import { faultConfig } from './fault-services.js';

/**
 * The suite's config and a pool on its database, for one test file: the database is
 * created before the file's tests and the pool closed after them.
 */
export function useFaultDatabase(connectionLimit = 2): { config: KitConfig; pool: Pool } {
  const config = faultConfig();
  const pool = createPool(config.database, { connectionLimit });
  beforeAll(async () => {
    await ensureDatabase(config.database);
  });
  afterAll(async () => {
    await pool.end();
  });
  return { config, pool };
}
