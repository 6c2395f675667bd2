// Kept apart from fault-services.ts: the suite's global setup imports that one, and
// vitest's hooks cannot be imported there.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { dropDatabase, ensureDatabase, openDatabase, type Database, type KitConfig } from '@donations/lib';
import { faultConfig, setFaultDatabase } from './fault-services.js';

/**
 * The suite's config and a handle on a database of this test file's own (kit_faults_ and a
 * random suffix): faultEnv() hands it to the processes the file starts. It is created before
 * the file's tests and dropped after them.
 */
export function useFaultDatabase(connectionLimit = 2): { config: KitConfig; db: Database } {
  setFaultDatabase(`kit_faults_${randomBytes(4).toString('hex')}`);
  const config = faultConfig();
  const db = openDatabase(config.database, { connectionLimit });
  beforeAll(async () => {
    await ensureDatabase(config.database);
  });
  afterAll(async () => {
    await db.close();
    await dropDatabase(config.database, config.database.database);
  });
  return { config, db };
}
