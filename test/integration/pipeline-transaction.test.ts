// The local pipeline's batch transaction at its edges: a batch that fails again and again is
// rolled back and its connection returned each time, and messages without a value are
// recorded with their size, not loaded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline, loadConfig, produceMessages, startCampaign } from '@donations/lib';
import { heapTableDdl } from '../heap-table.js';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

describe.skipIf(loadConfig().database.target !== 'mariadb')("the local pipeline's batch transaction (MariaDB)", () => {
  it('rolls back and returns its connection at each failure: five failed commits in a row, then the batch loads once', async () => {
    const topic = await s.topic();
    await s.db.execute(heapTableDdl('heap_retried'));
    const campaign = await startCampaign(s.db, { seed: 41 });
    const events = Array.from({ length: 10 }, () => campaign.next(new Date('2026-11-25T10:00:00Z')));
    await produceMessages(s.kafka, topic, events.map((e) => ({ value: JSON.stringify(e) })));
    const pipeline = new LocalPipeline(s, { name: 'pretried', topic, table: 'heap_retried', format: 'donations-json', batchIntervalMs: 50 });
    await pipeline.create();
    // Five cursor writes fail in a row: more than the pipeline's pool holds connections (3),
    // so a failed attempt that kept its connection, or left its transaction open, would
    // leave the next ones waiting.
    await s.db.execute('CREATE TABLE cursor_writes_fail (armed INT NOT NULL) ENGINE=MyISAM');
    await s.db.execute('INSERT INTO cursor_writes_fail VALUES (5)');
    await s.db.execute(`CREATE TRIGGER cursor_writes_fail_five BEFORE INSERT ON kit_pipelines_cursors FOR EACH ROW
      BEGIN
        IF (SELECT armed FROM cursor_writes_fail) > 0 THEN
          UPDATE cursor_writes_fail SET armed = armed - 1;
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the test fails this cursor write';
        END IF;
      END`);
    const failures: string[] = [];
    try {
      await pipeline.start();
      // Retries wait 200, 400, 800, 1600, 3200 ms: about 6 s in all.
      await pipeline.waitUntilCaughtUp({
        timeoutMs: 30_000,
        onProgress: () => void (pipeline.lastError && !failures.includes(pipeline.lastError.message) && failures.push(pipeline.lastError.message)),
      });
      expect(pipeline.lastError).toBeUndefined();
      await pipeline.stop();
    } finally {
      await pipeline.close();
      await s.db.execute('DROP TRIGGER cursor_writes_fail_five');
    }
    // Each failure was seen, named, while the batch was retried.
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((message) => message.includes('the test fails this cursor write'))).toBe(true);
    expect(await s.db.query('SELECT armed FROM cursor_writes_fail')).toEqual([{ armed: 0 }]);
    const held = await s.db.query<{ id: number }>('SELECT transaction_id AS id FROM heap_retried ORDER BY transaction_id');
    expect(held.map((r) => Number(r.id))).toEqual(events.map((e) => e.transaction_id));
    expect((await pipeline.batches()).map((b) => [b.state, b.rows])).toEqual([['Succeeded', 10]]);
    // Nothing of the failed attempts is left open: no transaction of this database runs.
    const [open] = await s.db.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = DATABASE()',
    );
    expect(Number(open!.n)).toBe(0);
  });

  it('records messages without a value as empty, with their size, and counts only the bytes it read', async () => {
    const topic = await s.topic();
    await s.db.execute(heapTableDdl('heap_empty'));
    const campaign = await startCampaign(s.db, { seed: 42 });
    const [first, second] = [campaign.next(new Date('2026-11-25T10:00:00Z')), campaign.next(new Date('2026-11-25T10:00:00Z'))];
    const values = [JSON.stringify(first), null, '', JSON.stringify(second)];
    await produceMessages(s.kafka, topic, values.map((value) => ({ value })));
    const pipeline = new LocalPipeline(s, { name: 'pempty', topic, table: 'heap_empty', format: 'donations-json' });
    try {
      await pipeline.create();
      const [batch] = await pipeline.runForeground(1);
      expect(batch).toMatchObject({ state: 'Succeeded', rows: 2, rejected: 2 });
    } finally {
      await pipeline.close();
    }
    const errors = await s.db.query<Record<string, unknown>>(
      "SELECT message_offset, error_kind, error_message, message_bytes, message_head FROM kit_pipelines_errors WHERE pipeline_name = 'pempty' ORDER BY message_offset",
    );
    expect(errors.map((e) => [Number(e.message_offset), e.error_kind, e.error_message, Number(e.message_bytes), e.message_head === null ? null : String(e.message_head)])).toEqual([
      [1, 'empty', 'empty message (no value)', 0, null],
      [2, 'empty', 'empty message (no value)', 0, ''],
    ]);
    expect((await pipeline.errors()).map((e) => e.input)).toEqual(['', null]);
    const [summary] = await s.db.query<{ bytes: number }>("SELECT bytes FROM kit_pipelines_batches WHERE pipeline_name = 'pempty'");
    expect(Number(summary!.bytes)).toBe(values[0]!.length + values[3]!.length);
  });
});
