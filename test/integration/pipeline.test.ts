// The kit's local pipeline on real Kafka and MariaDB: every donation accounted for.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DONATION_COLUMN_NAMES,
  LocalPipeline,
  loadConfig,
  naiveTableDdl,
  openDatabase,
  produceCampaign,
  produceLine,
  produceMessages,
  reconcileCampaign,
  recordProduced,
  startCampaign,
  messagesTableDdl,
  JSON_DEFAULTS,
  readEnvironment,
  type BatchSummary,
  type DonationEvent,
  type PipelineSpec,
  type WriterName,
} from '@donations/lib';
import { ROOT, waitUntil } from '../../infra/services.js';
import { heapTableDdl } from '../heap-table.js';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s.cleanup();
});

async function donationsPipeline(name: string, table: string, topic: string, extra: Partial<PipelineSpec> = {}) {
  await s.db.execute(naiveTableDdl('mariadb', table).sql);
  const pipeline = new LocalPipeline(s, { name, topic, table, format: 'donations-json', ...extra });
  await pipeline.create();
  return pipeline;
}

/** The next batch the pipeline reports, whatever its state. */
function nextBatch(pipeline: LocalPipeline): Promise<BatchSummary> {
  return new Promise((resolve) => {
    const unsubscribe = pipeline.onBatch((batch) => {
      unsubscribe();
      resolve(batch);
    });
  });
}

const asMessages = (events: DonationEvent[]) => events.map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) }));
const asRows = (events: DonationEvent[]) => events.map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));

async function heldIds(table: string): Promise<number[]> {
  return (await s.db.query<{ id: number }>(`SELECT transaction_id AS id FROM ${table} ORDER BY transaction_id`)).map((r) => Number(r.id));
}

// The local pipeline is the MariaDB target's; SingleStore runs its own (singlestore.test.ts).
describe.skipIf(loadConfig().database.target !== 'mariadb')('local pipeline (MariaDB)', () => {
  // Under mutation testing (npm run test:mutation) the two campaigns of tens of thousands of
  // events stand aside: each takes seconds per mutant, and the quicker tests below catch
  // what they catch.
  it.skipIf(process.env.MUTATION_RUN)('loads a 50k-event campaign exactly: counts and sums reconcile', async () => {
    const topic = await s.topic(2);
    const campaign = await startCampaign(s.db, { seed: 11 });
    const pipeline = await donationsPipeline('p50k', 'donations_50k', topic);
    const sent = await produceCampaign(s.kafka, { topic, campaign, count: 50_000 });
    expect(sent.acknowledged).toBe(50_000);
    await recordProduced(s.db, sent);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 90_000 });
    await pipeline.stop();
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'donations_50k', pipeline });
    expect(result).toMatchObject({ sent: 50_000, held: 50_000, missing: 0, duplicated: 0, unexpected: 0, rejected: 0, exact: true });
    expect(result.amountHeld).toBe(sent.amountAcknowledged);
    const batches = await pipeline.batches(1000);
    expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(50_000);
    expect(new Set(batches.map((b) => b.partition))).toEqual(new Set([0, 1]));
  });

  it('backdates a campaign evenly over a past span, in order, and loads it in UTC', async () => {
    const topic = await s.topic();
    const campaign = await startCampaign(s.db, { seed: 14 });
    const to = new Date(Date.now() - 10 * 60_000);
    const from = new Date(to.getTime() - 60 * 60_000);
    const sent = await produceCampaign(s.kafka, { topic, campaign, count: 1_000, backdate: { from, to } });
    expect(sent.acknowledged).toBe(1_000);
    const pipeline = await donationsPipeline('pback', 'donations_back', topic);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await pipeline.stop();
    const rows = await s.db.query<{ id: number; at: number }>(
      'SELECT transaction_id AS id, UNIX_TIMESTAMP(transaction_date) AS at FROM donations_back ORDER BY transaction_id',
    );
    expect(rows).toHaveLength(1_000);
    const seconds = rows.map((r) => Number(r.at));
    expect(seconds[0]).toBe(Math.floor(from.getTime() / 1000));
    expect(seconds.at(-1)).toBeLessThan(to.getTime() / 1000);
    expect(seconds.at(-1)).toBeGreaterThan(to.getTime() / 1000 - 60);
    // Ids and stamps rise together: the campaign collected in order.
    expect(seconds.every((t, i) => i === 0 || t >= seconds[i - 1]!)).toBe(true);
    await expect(produceCampaign(s.kafka, { topic, campaign, backdate: { from, to }, durationMs: 1 })).rejects.toThrow(/give a count/);
  });

  it('skips and counts duplicates in the topic', async () => {
    const topic = await s.topic();
    const campaign = await startCampaign(s.db, { seed: 12 });
    const events = Array.from({ length: 100 }, () => campaign.next());
    // Every event twice, and the first ten a third time.
    const doubled = [...events, ...events, ...events.slice(0, 10)];
    await produceMessages(s.kafka, topic, doubled.map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) })));
    const pipeline = await donationsPipeline('pdup', 'donations_dup', topic);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await pipeline.stop();
    const batches = await pipeline.batches();
    expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(100);
    expect(batches.reduce((sum, b) => sum + (b.skippedDuplicates ?? 0), 0)).toBe(110);
    const [row] = await s.db.query<{ n: number; amount: number }>('SELECT COUNT(*) AS n, SUM(total_amount) AS amount FROM donations_dup');
    expect(row).toEqual({ n: 100, amount: events.reduce((sum, e) => sum + e.total_amount, 0) });
  });

  it('records malformed messages with reason, partition and offset while good rows load', async () => {
    const topic = await s.topic();
    const campaign = await startCampaign(s.db, { seed: 13 });
    const good = Array.from({ length: 6 }, () => campaign.next());
    const lines = [
      JSON.stringify(good[0]),
      '{not json',
      JSON.stringify(good[1]),
      JSON.stringify({ ...good[2], transaction_id: undefined }),
      JSON.stringify(good[3]),
      JSON.stringify({ ...good[4], total_amount: -5 }),
      JSON.stringify(good[5]),
    ];
    for (const line of lines) await produceLine(s.kafka, topic, line);
    const pipeline = await donationsPipeline('pbad', 'donations_bad', topic);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await pipeline.stop();
    const ids = await s.db.query<{ transaction_id: number }>('SELECT transaction_id FROM donations_bad ORDER BY transaction_id');
    expect(ids.map((r) => r.transaction_id)).toEqual([good[0], good[1], good[3], good[5]].map((e) => e!.transaction_id));
    const errors = (await pipeline.errors()).sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(errors.map((e) => [e.partition, e.offset, e.kind])).toEqual([
      [0, '1', 'invalid-json'],
      [0, '3', 'missing-field'],
      [0, '5', 'out-of-range'],
    ]);
    expect(errors[1]!.reason).toBe('transaction_id is missing');
  });

  it.skipIf(process.env.MUTATION_RUN)('resumes from the stored offsets after a stop mid-stream and still reconciles exactly', async () => {
    const topic = await s.topic();
    const campaign = await startCampaign(s.db, { seed: 14 });
    const pipeline = await donationsPipeline('prestart', 'donations_restart', topic, { batchIntervalMs: 50 });
    const producing = produceCampaign(s.kafka, { topic, campaign, count: 30_000, rate: 15_000, batchSize: 500 });
    const firstBatch = nextBatch(pipeline);
    await pipeline.start();
    await firstBatch;
    await pipeline.stop();
    const midway = await pipeline.cursors();
    expect(Number(midway[0]!.loadedOffset)).toBeGreaterThan(0);
    expect(Number(midway[0]!.loadedOffset)).toBeLessThan(30_000);
    // A fresh instance, like a new process: it must start from the database's cursor.
    const again = new LocalPipeline(s, pipeline.spec);
    await again.start();
    const sent = await producing;
    await recordProduced(s.db, sent);
    await again.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await again.stop();
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'donations_restart' });
    expect(result).toMatchObject({ sent: 30_000, held: 30_000, missing: 0, duplicated: 0, exact: true });
    const skipped = (await again.batches(1000)).reduce((sum, b) => sum + (b.skippedDuplicates ?? 0), 0);
    expect(skipped).toBe(0);
  });

  it('stores NULL and 0 for the optional fields a message lacks, as the SingleStore mapping\'s DEFAULTs do', async () => {
    const topic = await s.topic();
    const campaign = await startCampaign(s.db, { seed: 15 });
    const event = campaign.next();
    const bare = Object.fromEntries(Object.entries(event).filter(([key]) => !(key in JSON_DEFAULTS)));
    await produceLine(s.kafka, topic, JSON.stringify(bare));
    const pipeline = await donationsPipeline('pdefaults', 'donations_defaults', topic);
    await pipeline.runForeground(1);
    const rows = await s.db.query<Record<string, unknown>>('SELECT latitude, longitude, organization, is_campaign_active FROM donations_defaults');
    expect(rows).toEqual([{ latitude: null, longitude: null, organization: null, is_campaign_active: 0 }]);
    expect(await pipeline.errorCount()).toBe(0);
  });

  it('replays a topic from its first offset: a stopped pipeline re-reads it and skips what the table holds', async () => {
    const topic = await s.topic(2);
    const campaign = await startCampaign(s.db, { seed: 16 });
    const events = Array.from({ length: 40 }, () => campaign.next());
    await produceMessages(s.kafka, topic, events.map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) })));
    const pipeline = await donationsPipeline('preplay', 'donations_replay', topic);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await expect(pipeline.replayFromEarliest()).rejects.toThrow(/is running: a replay from the earliest offsets needs it stopped/);
    await pipeline.stop();
    await s.db.execute('DELETE FROM donations_replay WHERE transaction_id <= ?', [events[9]!.transaction_id]);
    await pipeline.replayFromEarliest();
    expect(await pipeline.cursors()).toEqual([]);
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await pipeline.stop();
    const [row] = await s.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM donations_replay');
    expect(row!.n).toBe(40);
    // The second pass re-read all 40: the 10 deleted load again, the other 30 are duplicates.
    const batches = await pipeline.batches(1000);
    expect(batches.reduce((sum, b) => sum + (b.skippedDuplicates ?? 0), 0)).toBe(30);
    expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(50);
  });

  it('refuses a replay of a pipeline that does not exist', async () => {
    const topic = await s.topic();
    const ghost = new LocalPipeline(s, { name: 'pghost', topic, table: 'donations_ghost', format: 'donations-json' });
    await expect(ghost.replayFromEarliest()).rejects.toThrow(/pipeline pghost does not exist: create it first/);
  });

  it('replaced with another topic, starts that topic from its beginning; the same topic keeps its cursor', async () => {
    const first = await s.topic();
    const second = await s.topic();
    for (const line of ['a0', 'a1', 'a2']) await produceLine(s.kafka, first, line);
    for (const line of ['b0', 'b1']) await produceLine(s.kafka, second, line);
    await s.db.execute(messagesTableDdl('mariadb', 'messages_moved').sql);
    const onFirst = new LocalPipeline(s, { name: 'pmoved', topic: first, table: 'messages_moved', format: 'lines' });
    await onFirst.create();
    await onFirst.runForeground(1);
    await onFirst.create();
    expect((await onFirst.cursors()).map((c) => c.loadedOffset)).toEqual(['3']);
    const onSecond = new LocalPipeline(s, { ...onFirst.spec, topic: second });
    await onSecond.create();
    expect(await onSecond.cursors()).toEqual([]);
    await onSecond.runForeground(1);
    expect((await s.db.query('SELECT id FROM messages_moved ORDER BY id')).map((r) => r.id)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
  });

  it('runs in one process at a time: while another connection holds its lock, a runner is refused', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_once').sql);
    const spec: PipelineSpec = { name: 'ponce', topic, table: 'messages_once', format: 'lines' };
    const pipeline = new LocalPipeline(s, spec);
    await pipeline.create();
    // What another process running the pipeline holds: the named lock, on a session of its own.
    const otherProcess = openDatabase(s.config.database, { connectionLimit: 1 });
    const session = await otherProcess.connect();
    try {
      await session.query('SELECT GET_LOCK(?, 0)', [`kit_pipeline.${s.database}.ponce`]);
      await expect(pipeline.start()).rejects.toThrow('pipeline ponce is already running in another process: stop it there first');
      session.release();
      await otherProcess.close();
      await pipeline.start();
      expect((await pipeline.status())?.state).toBe('Running');
    } finally {
      await pipeline.close();
      await otherProcess.close();
    }
  });

  it('a second object for the same pipeline in one process (a re-run notebook cell) stops the first, and stop() reaches the one that runs', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_rerun').sql);
    const spec: PipelineSpec = { name: 'prerun', topic, table: 'messages_rerun', format: 'lines' };
    const first = new LocalPipeline(s, spec);
    await first.create();
    await first.start();
    const second = new LocalPipeline(s, spec);
    await second.create();
    expect(first.running).toBe(false);
    await second.start();
    expect(second.running).toBe(true);
    const third = new LocalPipeline(s, spec);
    await third.stop();
    expect(second.running).toBe(false);
    expect((await third.status())?.state).toBe('Stopped');
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it('TEST shows what messages would become and inserts nothing; FOREGROUND LIMIT 1 BATCHES loads one batch', async () => {
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'messages_q').sql);
    const pipeline = new LocalPipeline(s, { name: 'pmsg', topic, table: 'messages_q', format: 'lines' });
    await pipeline.create();
    await produceLine(s.kafka, topic, 'msg0');
    await produceLine(s.kafka, topic, 'msg1');
    expect((await pipeline.test(1)).map((r) => r.row)).toEqual([{ id: 'msg0' }]);
    expect(await s.db.query('SELECT * FROM messages_q')).toEqual([]);
    const batches = await pipeline.runForeground(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.rows).toBe(2);
    expect(await s.db.query('SELECT id FROM messages_q ORDER BY id')).toEqual([{ id: 'msg0' }, { id: 'msg1' }]);
    expect((await pipeline.status())?.state).toBe('Stopped');
  });
  it('skips a batch that another writer committed first: the cursor is read and locked inside the transaction (a table without a unique key)', async () => {
    const topic = await s.topic();
    await s.db.execute(heapTableDdl('heap_guard'));
    const campaign = await startCampaign(s.db, { seed: 17 });
    const events = Array.from({ length: 20 }, () => campaign.next(new Date('2026-11-25T10:00:00Z')));
    await produceMessages(s.kafka, topic, asMessages(events.slice(0, 10)));
    const pipeline = new LocalPipeline(s, { name: 'pguard', topic, table: 'heap_guard', format: 'donations-json', batchIntervalMs: 50 });
    await pipeline.create();
    await pipeline.start();
    const other = await s.db.connect();
    try {
      await pipeline.waitUntilCaughtUp();
      // Another writer holds the partition's cursor, as a batch's transaction does...
      await other.execute('START TRANSACTION');
      await other.query("SELECT cursor_offset FROM kit_pipelines_cursors WHERE pipeline_name = 'pguard' AND source_partition_id = 0 FOR UPDATE");
      const next = nextBatch(pipeline);
      await produceMessages(s.kafka, topic, asMessages(events.slice(10)));
      // ...while the pipeline's next batch waits for it.
      await waitUntil(
        "the pipeline's batch waiting for the cursor",
        async () => {
          const [row] = await s.db.query<{ n: number }>(
            "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%kit_pipelines_cursors%'",
          );
          return Number(row!.n) > 0;
        },
        { timeoutMs: 20_000 },
      );
      // That writer loads the same messages and moves the cursor past them, then commits.
      await other.execute(`INSERT INTO heap_guard (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [asRows(events.slice(10))]);
      await other.execute("UPDATE kit_pipelines_cursors SET cursor_offset = 20 WHERE pipeline_name = 'pguard' AND source_partition_id = 0");
      await other.execute('COMMIT');
      // The pipeline's batch then finds nothing past the cursor, and loads nothing.
      expect(await next).toEqual({ batchId: 0, state: 'Skipped', partition: 0, rows: 0, rowsCounted: 'loaded', skippedDuplicates: 0, rejected: 0, batchTimeMs: 0, rowsPerSecond: 0, startedAt: null });
    } finally {
      other.release();
      await pipeline.close();
    }
    expect(await heldIds('heap_guard')).toEqual(events.map((e) => e.transaction_id));
    expect((await pipeline.batches()).map((b) => [b.rows, b.skippedDuplicates])).toEqual([[10, 0]]);
    expect((await pipeline.cursors()).map((c) => c.loadedOffset)).toEqual(['20']);
  });

  it('rolls a batch back whole when its cursor cannot be written, and loads it once on the retry (a table without a unique key)', async () => {
    const topic = await s.topic();
    await s.db.execute(heapTableDdl('heap_cursor_fails'));
    const campaign = await startCampaign(s.db, { seed: 18 });
    const events = Array.from({ length: 10 }, () => campaign.next(new Date('2026-11-25T10:00:00Z')));
    await produceMessages(s.kafka, topic, asMessages(events));
    const pipeline = new LocalPipeline(s, { name: 'pcursorfails', topic, table: 'heap_cursor_fails', format: 'donations-json', batchIntervalMs: 50 });
    await pipeline.create();
    // The first cursor write fails, as a lost connection would make it fail. The switch is a
    // MyISAM table, which no rollback undoes: the trigger fires once.
    await s.db.execute('CREATE TABLE cursor_write_fails (armed INT NOT NULL) ENGINE=MyISAM');
    await s.db.execute('INSERT INTO cursor_write_fails VALUES (1)');
    await s.db.execute(`CREATE TRIGGER cursor_write_fails_once BEFORE INSERT ON kit_pipelines_cursors FOR EACH ROW
      BEGIN
        IF (SELECT armed FROM cursor_write_fails) > 0 THEN
          UPDATE cursor_write_fails SET armed = armed - 1;
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the test fails this cursor write';
        END IF;
      END`);
    try {
      await pipeline.start();
      await pipeline.waitUntilCaughtUp();
      await pipeline.stop();
    } finally {
      await pipeline.close();
      await s.db.execute('DROP TRIGGER cursor_write_fails_once');
    }
    expect(await s.db.query('SELECT armed FROM cursor_write_fails')).toEqual([{ armed: 0 }]);
    expect(await heldIds('heap_cursor_fails')).toEqual(events.map((e) => e.transaction_id));
    // The failed attempt left no record: one batch, its rows loaded once.
    expect((await pipeline.batches()).map((b) => [b.state, b.rows, b.skippedDuplicates])).toEqual([['Succeeded', 10, 0]]);
  });

  it.each(['insert', 'load-data'] as WriterName[])('loads exactly and skips duplicates with the %s writer, text with tabs, newlines and backslashes included', async (writer) => {
    const topic = await s.topic();
    const table = `writer_${writer.replace('-', '_')}`;
    await s.db.execute(naiveTableDdl('mariadb', table).sql);
    const campaign = await startCampaign(s.db, { seed: 19 });
    const events = Array.from({ length: 2_500 }, () => campaign.next(new Date('2026-11-25T10:00:00Z')));
    events[0] = { ...events[0]!, city: 'Tab\there', organization: 'Back\\slash \\N' };
    events[1] = { ...events[1]!, city: 'New\nline', organization: null as unknown as string };
    // 2,500 donations, then the first 100 again: more than one INSERT of 2,000 rows.
    await produceMessages(s.kafka, topic, asMessages([...events, ...events.slice(0, 100)]));
    const pipeline = new LocalPipeline(s, { name: `p${table}`, topic, table, format: 'donations-json' }, { writer });
    await pipeline.create();
    await pipeline.start();
    await pipeline.waitUntilCaughtUp();
    await pipeline.stop();
    const batches = await pipeline.batches(1_000);
    expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(2_500);
    expect(batches.reduce((sum, b) => sum + (b.skippedDuplicates ?? 0), 0)).toBe(100);
    const rows = await s.db.query<Record<string, unknown>>(`SELECT city, organization FROM ${table} WHERE transaction_id IN (?) ORDER BY transaction_id`, [
      [events[0]!.transaction_id, events[1]!.transaction_id],
    ]);
    expect(rows).toEqual([
      { city: 'Tab\there', organization: 'Back\\slash \\N' },
      { city: 'New\nline', organization: null },
    ]);
    const [sums] = await s.db.query<{ n: number; amount: number }>(`SELECT COUNT(*) AS n, SUM(total_amount) AS amount FROM ${table}`);
    expect(sums).toEqual({ n: 2_500, amount: events.reduce((sum, e) => sum + e.total_amount, 0) });
  });

  it('reads "Stopped (its process is gone)" for a pipeline whose process was killed', async () => {
    const topic = await s.topic();
    await s.db.execute(naiveTableDdl('mariadb', 'donations_gone').sql);
    const url = new URL(readEnvironment().DATABASE_URL!);
    url.pathname = `/${s.database}`;
    const worker = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/faults/pipeline-worker.ts'), 'pgone', topic, 'donations_gone'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString(), KAFKA_BROKERS: s.config.kafka.brokers.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => worker.on('exit', resolve));
    const observer = new LocalPipeline(s, { name: 'pgone', topic, table: 'donations_gone', format: 'donations-json' });
    try {
      const started = await new Promise<string>((resolve) => createInterface({ input: worker.stdout! }).on('line', resolve));
      expect(JSON.parse(started)).toEqual({ event: 'started' });
      expect((await observer.status())?.state).toBe('Running');
      worker.kill('SIGKILL');
      await exited;
      // The server drops the killed process's connection, and its lock with it.
      await waitUntil('the lock of the killed pipeline to be free', async () => (await observer.status())?.state !== 'Running', { timeoutMs: 20_000 });
      expect(await observer.status()).toEqual({ name: 'pgone', state: 'Stopped (its process is gone)', topic, table: 'donations_gone' });
    } finally {
      worker.kill('SIGKILL');
      await observer.close();
    }
  });
});
