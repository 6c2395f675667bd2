// The local pipeline's bookkeeping and refusals, as a notebook reads them: its status,
// batches, errors, cursors and TEST output, and the one-line errors of a misuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline, loadConfig, messagesTableDdl, naiveTableDdl, openDatabase, produceLine, produceMessages, startCampaign, topicOffsets, type PipelineSpec } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

describe.skipIf(loadConfig().database.target !== 'mariadb')('local pipeline bookkeeping (MariaDB)', () => {
  it('has no status before it is created, even where the pipeline tables do not exist yet', async () => {
    const ghost = new LocalPipeline(s, { name: 'pnone', topic: 'kit-test-none', table: 'nothing', format: 'lines' });
    try {
      expect(await ghost.status()).toBeUndefined();
      await expect(ghost.start()).rejects.toThrow('pipeline pnone does not exist: create it first');
    } finally {
      await ghost.close();
    }
  });

  it('records each batch and each rejected message with its batch, partition, offset, time and first bytes', async () => {
    const topic = await s.topic();
    await s.db.execute(naiveTableDdl('mariadb', 'donations_books').sql);
    const campaign = await startCampaign(s.db, { seed: 31 });
    const good = campaign.next(new Date('2026-11-25T10:00:00Z'));
    const before = new Date(Date.now() - 1_000);
    const values = [JSON.stringify(good), '{"transaction_id": 1,', JSON.stringify({ ...good, transaction_id: 7, city: 'x'.repeat(60) })];
    await produceMessages(s.kafka, topic, values.map((value) => ({ value })));
    const pipeline = new LocalPipeline(s, { name: 'pbooks', topic, table: 'donations_books', format: 'donations-json' });
    try {
      await pipeline.create();
      const [batch] = await pipeline.runForeground(1);
      expect(batch).toMatchObject({ state: 'Succeeded', partition: 0, rows: 1, skippedDuplicates: 0, rejected: 2 });
      const [stored] = await pipeline.batches();
      expect(stored).toMatchObject({ batchId: batch!.batchId, state: 'Succeeded', partition: 0, rows: 1, skippedDuplicates: 0, rejected: 2, batchTimeMs: batch!.batchTimeMs });
      expect(stored!.startedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect(stored!.startedAt!.getTime()).toBeLessThanOrEqual(Date.now());
      // A batch of three messages on an idle machine: well under 10 s.
      expect(batch!.batchTimeMs).toBeGreaterThanOrEqual(0);
      expect(batch!.batchTimeMs).toBeLessThan(10_000);
      expect(batch!.rowsPerSecond).toBe(batch!.batchTimeMs > 0 ? Math.round(1_000 / batch!.batchTimeMs) : 1);
      // What SingleStore's PIPELINES_BATCHES_SUMMARY would say of it.
      const [summary] = await s.db.query<Record<string, unknown>>(
        "SELECT earliest_offset, latest_offset, messages, rows_inserted, rows_skipped_duplicates, rows_rejected, bytes FROM kit_pipelines_batches WHERE pipeline_name = 'pbooks'",
      );
      expect(Object.fromEntries(Object.entries(summary!).map(([k, v]) => [k, Number(v)]))).toEqual({
        earliest_offset: 0,
        latest_offset: 2,
        messages: 3,
        rows_inserted: 1,
        rows_skipped_duplicates: 0,
        rows_rejected: 2,
        bytes: values.join('').length,
      });
      expect(await pipeline.errorCount()).toBe(2);
      const errors = await pipeline.errors();
      // Latest first.
      expect(errors.map((e) => [e.batchId, e.partition, e.offset, e.kind, e.input])).toEqual([
        [batch!.batchId, 0, '2', 'too-long', JSON.stringify({ ...good, transaction_id: 7, city: 'x'.repeat(60) })],
        [batch!.batchId, 0, '1', 'invalid-json', '{"transaction_id": 1,'],
      ]);
      expect(errors[0]!.reason).toBe('city is 60 characters, the column holds 50');
      expect(errors[0]!.at!.getTime()).toBe(stored!.startedAt!.getTime());
      expect(await pipeline.errors(1)).toHaveLength(1);
      // The cursor stands after the batch, at the topic's end.
      expect(await pipeline.cursors()).toEqual([{ partition: 0, loadedOffset: '3', latestOffset: '3' }]);
    } finally {
      await pipeline.close();
    }
  });

  it('keeps the first kilobyte of a long rejected message', async () => {
    const topic = await s.topic();
    await s.db.execute(naiveTableDdl('mariadb', 'donations_long').sql);
    await produceLine(s.kafka, topic, `[${'1,'.repeat(1_000)}1]`);
    const pipeline = new LocalPipeline(s, { name: 'plong', topic, table: 'donations_long', format: 'donations-json' });
    try {
      await pipeline.create();
      await pipeline.runForeground(1);
      const [error] = await pipeline.errors();
      expect(error!.kind).toBe('not-an-object');
      expect(error!.input).toBe(`[${'1,'.repeat(1_000)}1]`.slice(0, 1_024));
    } finally {
      await pipeline.close();
    }
  });

  it('TEST PIPELINE starts at the stored cursor, and shows rows by column and rejections by kind', async () => {
    const topic = await s.topic();
    await s.db.execute(naiveTableDdl('mariadb', 'donations_test').sql);
    const campaign = await startCampaign(s.db, { seed: 32 });
    const [first, second] = [campaign.next(new Date('2026-11-25T10:00:00Z')), campaign.next(new Date('2026-11-25T10:00:01Z'))];
    await produceMessages(s.kafka, topic, [{ value: JSON.stringify(first) }]);
    const pipeline = new LocalPipeline(s, { name: 'ptest', topic, table: 'donations_test', format: 'donations-json' });
    try {
      await pipeline.create();
      await pipeline.runForeground(1);
      await produceMessages(s.kafka, topic, [{ value: JSON.stringify(second) }, { value: 'nope' }]);
      const shown = await pipeline.test(5);
      expect(shown).toEqual([
        { partition: 0, offset: '1', row: second },
        // The parser's own words follow (they differ between Node versions).
        { partition: 0, offset: '2', error: expect.stringMatching(/^invalid-json: invalid JSON: \S/) },
      ]);
      expect(await pipeline.test(1)).toHaveLength(1);
      // TEST loads nothing.
      expect(await s.db.query('SELECT COUNT(*) AS n FROM donations_test')).toEqual([{ n: 1 }]);
    } finally {
      await pipeline.close();
    }
  });

  it('refuses a replace that was not asked for, a foreground run while running, and a replay while another object runs it', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_refusals').sql);
    const spec: PipelineSpec = { name: 'prefuse', topic, table: 'messages_refusals', format: 'lines' };
    const pipeline = new LocalPipeline(s, spec);
    const other = new LocalPipeline(s, spec);
    try {
      await pipeline.create({ replace: false });
      await expect(pipeline.create({ replace: false })).rejects.toThrow('pipeline prefuse exists already: drop it, or create it with replace');
      await pipeline.start();
      await expect(pipeline.runForeground(1)).rejects.toThrow('pipeline prefuse is running: stop it before a foreground run');
      await expect(other.replayFromEarliest()).rejects.toThrow('pipeline prefuse is running: a replay from the earliest offsets needs it stopped (await pipeline.stop())');
    } finally {
      await other.close();
      await pipeline.close();
    }
  });

  it('refuses to replace a pipeline another process runs', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_elsewhere').sql);
    const spec: PipelineSpec = { name: 'pelsewhere', topic, table: 'messages_elsewhere', format: 'lines' };
    const pipeline = new LocalPipeline(s, spec);
    const otherProcess = openDatabase(s.config.database, { connectionLimit: 1 });
    const session = await otherProcess.connect();
    try {
      await pipeline.create();
      await s.db.execute("UPDATE kit_pipelines SET state = 'Running' WHERE pipeline_name = 'pelsewhere'");
      await session.query('SELECT GET_LOCK(?, 0)', [`kit_pipeline.${s.database}.pelsewhere`]);
      await expect(pipeline.create()).rejects.toThrow('pipeline pelsewhere is running in another process: stop it before replacing it');
      expect((await pipeline.status())?.state).toBe('Running');
    } finally {
      session.release();
      await otherProcess.close();
      await pipeline.close();
    }
  });

  it('returns the batches it loaded when a foreground run times out first', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_idle').sql);
    await produceLine(s.kafka, topic, 'only');
    const pipeline = new LocalPipeline(s, { name: 'pidle', topic, table: 'messages_idle', format: 'lines', batchIntervalMs: 50 });
    try {
      await pipeline.create();
      const started = performance.now();
      const batches = await pipeline.runForeground(3, { timeoutMs: 1_500 });
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_500);
      expect(batches.map((b) => b.rows)).toEqual([1]);
      expect(pipeline.running).toBe(false);
      expect((await pipeline.status())?.state).toBe('Stopped');
    } finally {
      await pipeline.close();
    }
  });

  it('drops its definition, cursors, batches and errors, and nothing of another pipeline', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_drop').sql);
    for (const line of ['d0', 'd1']) await produceLine(s.kafka, topic, line);
    const doomed = new LocalPipeline(s, { name: 'pdrop', topic, table: 'messages_drop', format: 'lines' });
    const kept = new LocalPipeline(s, { name: 'pkept', topic, table: 'messages_drop', format: 'lines' });
    try {
      for (const pipeline of [doomed, kept]) {
        await pipeline.create();
        await pipeline.runForeground(1);
      }
      await doomed.drop();
      expect(await doomed.status()).toBeUndefined();
      expect(await doomed.cursors()).toEqual([]);
      expect(await doomed.batches()).toEqual([]);
      expect((await kept.status())?.state).toBe('Stopped');
      expect(await kept.cursors()).toEqual([{ partition: 0, loadedOffset: '2', latestOffset: '2' }]);
      expect(await kept.batches()).toHaveLength(1);
    } finally {
      await doomed.close();
      await kept.close();
    }
  });

  it('waits until caught up with every partition, and names what it loaded when it is not running', async () => {
    const topic = await s.topic(3);
    await s.db.execute(messagesTableDdl('mariadb', 'messages_wait').sql);
    await produceMessages(s.kafka, topic, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })));
    const ends = (await topicOffsets(s.kafka, topic)).map((p) => String(p.high));
    const pipeline = new LocalPipeline(s, { name: 'pwait', topic, table: 'messages_wait', format: 'lines', batchIntervalMs: 50 });
    try {
      await pipeline.create();
      await expect(pipeline.waitUntilCaughtUp({ timeoutMs: 300 })).rejects.toThrow('the pipeline loaded 0 of 30 messages before the timeout: is it running?');
      await pipeline.start();
      await pipeline.waitUntilCaughtUp({ timeoutMs: 30_000 });
      expect((await pipeline.cursors()).map((c) => c.loadedOffset)).toEqual(ends);
      expect(await s.db.query('SELECT COUNT(*) AS n FROM messages_wait')).toEqual([{ n: 30 }]);
    } finally {
      await pipeline.close();
    }
  });
});
