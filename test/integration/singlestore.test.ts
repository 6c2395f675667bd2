// SingleStore-only behaviour: runs when DATABASE_URL points at SingleStore (Helios or the
// dev container); otherwise each test is skipped and its name says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SingleStorePipeline, checkDatabase, loadConfig, naiveTableDdl, optimizedTableDdl, produceLine } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

const onSingleStore = loadConfig().database.target === 'singlestore';
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
    await s.db.execute(naiveTableDdl('singlestore', 'naive').sql);
    await s.db.execute(optimizedTableDdl('singlestore', 'optimized').sql);
    const rows = await s.db.query('SHOW TABLES');
    expect(rows).toHaveLength(2);
  });

  it('runs the quick start pipeline: TEST, FOREGROUND LIMIT 1 BATCHES', async () => {
    const topic = await s.topic();
    await s.db.execute('CREATE TABLE IF NOT EXISTS messages (id TEXT)');
    const pipeline = new SingleStorePipeline(s, { name: 'kafka_msg_consumer', topic, table: 'messages', format: 'lines' });
    await pipeline.create();
    await produceLine(s.kafka, topic, 'msg0');
    expect(await pipeline.test(1)).toHaveLength(1);
    await pipeline.runForeground(1);
    expect(await s.db.query('SELECT id FROM messages')).toEqual([{ id: 'msg0' }]);
    await pipeline.drop();
  });
});
