// SingleStore-only behaviour: runs when DATABASE_URL points at SingleStore (Helios or the
// dev container); otherwise each test is skipped and its name says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SingleStorePipeline, checkDatabase, execute, loadConfig, naiveTableDdl, optimizedTableDdl, produceLine, queryRows, withDotEnv } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

const onSingleStore = loadConfig(withDotEnv(process.env)).database.target === 'singlestore';
const reason = onSingleStore ? '' : ' (skipped: DATABASE_URL is not a SingleStore database; set singlestore://... to run)';

describe.skipIf(!onSingleStore)(`SingleStore${reason}`, () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratch();
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it('is a SingleStore server', async () => {
    expect((await checkDatabase(s.config.database)).flavour).toBe('singlestore');
  });

  it('creates the naive and optimized tables', async () => {
    await execute(s.pool, s.config.database, naiveTableDdl('singlestore', 'naive').sql);
    await execute(s.pool, s.config.database, optimizedTableDdl('singlestore', 'optimized').sql);
    const rows = await queryRows(s.pool, s.config.database, 'SHOW TABLES');
    expect(rows).toHaveLength(2);
  });

  it('runs the quick start pipeline: TEST, FOREGROUND LIMIT 1 BATCHES', async () => {
    const topic = await s.topic();
    await execute(s.pool, s.config.database, 'CREATE TABLE IF NOT EXISTS messages (id TEXT)');
    const pipeline = new SingleStorePipeline(s.config, { name: 'kafka_msg_consumer', topic, table: 'messages', format: 'lines' }, s.pool);
    await pipeline.create();
    await produceLine(s.kafka, s.config.kafka, topic, 'msg0');
    expect(await pipeline.test(1)).toHaveLength(1);
    await pipeline.runForeground(1);
    expect(await queryRows(s.pool, s.config.database, 'SELECT id FROM messages')).toEqual([{ id: 'msg0' }]);
    await pipeline.drop();
  });
});
