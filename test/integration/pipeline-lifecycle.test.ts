// The local pipeline's life in one process and beside others: a second batch starts at the
// stored cursor, objects that only look never change a pipeline's state, the lock is held
// while it runs and free once it stops, and each writer loads whatever batch size comes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline, loadConfig, messagesTableDdl, openDatabase, produceLine, produceMessages, type BatchSummary, type PipelineSpec, type WriterName } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

async function messagesPipeline(name: string, options: { partitions?: number; writer?: WriterName } = {}): Promise<LocalPipeline> {
  const topic = await s.topic(options.partitions ?? 1);
  await s.db.execute(messagesTableDdl('mariadb', `m_${name}`).sql);
  const pipeline = new LocalPipeline(s, { name, topic, table: `m_${name}`, format: 'lines', batchIntervalMs: 50 }, { writer: options.writer });
  await pipeline.create();
  return pipeline;
}

const ids = async (table: string) => (await s.db.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
const lockName = (pipeline: string) => `kit_pipeline.${s.database}.${pipeline}`.slice(0, 64);

describe.skipIf(loadConfig().database.target !== 'mariadb')('the local pipeline, run after run (MariaDB)', () => {
  it('starts each later batch at the stored cursor: its first message loads', async () => {
    const pipeline = await messagesPipeline('pcursor');
    try {
      for (const line of ['a0', 'a1']) await produceLine(s.kafka, pipeline.spec.topic, line);
      await pipeline.runForeground(1);
      for (const line of ['b2', 'b3']) await produceLine(s.kafka, pipeline.spec.topic, line);
      const [second] = await pipeline.runForeground(1);
      expect(second).toMatchObject({ rows: 2, skippedDuplicates: 0 });
      await produceLine(s.kafka, pipeline.spec.topic, 'c4');
      await pipeline.start();
      await pipeline.waitUntilCaughtUp({ timeoutMs: 20_000 });
      expect(await ids('m_pcursor')).toEqual(['a0', 'a1', 'b2', 'b3', 'c4']);
      expect((await pipeline.batches()).map((b) => b.rows)).toEqual([1, 2, 2]);
    } finally {
      await pipeline.close();
    }
  });

  it('starts once however often start() is called, and close() stops it', async () => {
    const pipeline = await messagesPipeline('ptwice');
    await pipeline.start();
    await pipeline.start();
    expect(pipeline.running).toBe(true);
    await pipeline.close();
    expect(pipeline.running).toBe(false);
    const observer = new LocalPipeline(s, pipeline.spec);
    try {
      expect((await observer.status())?.state).toBe('Stopped');
    } finally {
      await observer.close();
    }
  });

  it('runs two pipelines of one process side by side', async () => {
    const [first, second] = [await messagesPipeline('pside1'), await messagesPipeline('pside2')];
    try {
      await first.start();
      await second.start();
      expect([first.running, second.running]).toEqual([true, true]);
      await produceLine(s.kafka, first.spec.topic, 'one');
      await produceLine(s.kafka, second.spec.topic, 'two');
      await Promise.all([first.waitUntilCaughtUp({ timeoutMs: 20_000 }), second.waitUntilCaughtUp({ timeoutMs: 20_000 })]);
      expect([await ids('m_pside1'), await ids('m_pside2')]).toEqual([['one'], ['two']]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('leaves the state of a pipeline another process runs alone when an object that only looked closes', async () => {
    const pipeline = await messagesPipeline('pwatched');
    const otherProcess = openDatabase(s.config.database, { connectionLimit: 1 });
    const session = await otherProcess.connect();
    try {
      await session.query('SELECT GET_LOCK(?, 0)', [lockName('pwatched')]);
      await s.db.execute("UPDATE kit_pipelines SET state = 'Running' WHERE pipeline_name = 'pwatched'");
      const observer = new LocalPipeline(s, pipeline.spec);
      expect((await observer.status())?.state).toBe('Running');
      await observer.close();
      await pipeline.close();
      expect(await s.db.query("SELECT state FROM kit_pipelines WHERE pipeline_name = 'pwatched'")).toEqual([{ state: 'Running' }]);
      // Neither can replay it while that process holds it.
      const another = new LocalPipeline(s, pipeline.spec);
      await expect(another.replayFromEarliest()).rejects.toThrow('pipeline pwatched is running: a replay from the earliest offsets needs it stopped');
      await another.close();
    } finally {
      session.release();
      await otherProcess.close();
    }
  });

  it('lets another object replay a pipeline once it stopped, and another process take its lock, for good', async () => {
    const pipeline = await messagesPipeline('preleased');
    await produceLine(s.kafka, pipeline.spec.topic, 'x');
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 20_000 });
    await pipeline.stop();
    const another = new LocalPipeline(s, pipeline.spec);
    const otherProcess = openDatabase(s.config.database, { connectionLimit: 1 });
    const session = await otherProcess.connect();
    try {
      await another.replayFromEarliest();
      expect(await another.cursors()).toEqual([]);
      // Longer than the lock's watch (every 2 s): a stopped pipeline does not take it again.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await session.query('SELECT GET_LOCK(?, 0) AS acquired', [lockName('preleased')])).toEqual([{ acquired: 1 }]);
    } finally {
      session.release();
      await otherProcess.close();
      await another.close();
      await pipeline.close();
    }
  });

  it('holds a lock named within MariaDB’s 64 characters, however long the names', async () => {
    const name = `plong_${'n'.repeat(58)}`;
    const topic = await s.topic();
    await s.db.execute(messagesTableDdl('mariadb', 'm_plong').sql);
    const pipeline = new LocalPipeline(s, { name, topic, table: 'm_plong', format: 'lines' });
    try {
      await pipeline.create();
      await produceLine(s.kafka, topic, 'long');
      await pipeline.start();
      await pipeline.waitUntilCaughtUp({ timeoutMs: 20_000 });
      expect(await ids('m_plong')).toEqual(['long']);
    } finally {
      await pipeline.close();
    }
  });

  it('returns exactly the batches asked for from a foreground run over several partitions', async () => {
    const pipeline = await messagesPipeline('pthree', { partitions: 3 });
    try {
      await produceMessages(s.kafka, pipeline.spec.topic, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${String(i).padStart(2, '0')}` })));
      expect(await pipeline.runForeground(1)).toHaveLength(1);
    } finally {
      await pipeline.close();
    }
  });

  it('stops calling a listener once it unsubscribed', async () => {
    const pipeline = await messagesPipeline('plisten');
    const heard: BatchSummary[] = [];
    try {
      const unsubscribe = pipeline.onBatch((batch) => heard.push(batch));
      await produceLine(s.kafka, pipeline.spec.topic, 'first');
      await pipeline.runForeground(1);
      unsubscribe();
      await produceLine(s.kafka, pipeline.spec.topic, 'second');
      await pipeline.runForeground(1);
      expect(heard.map((b) => b.rows)).toEqual([1]);
    } finally {
      await pipeline.close();
    }
  });

  it.each([
    ['insert', 2_000],
    ['insert', 1],
    ['load-data', 2_000],
  ] as [WriterName, number][])('the %s writer loads a batch of %i lines', async (writer, count) => {
    const name = `pw_${writer.replace('-', '_')}_${count}`;
    const pipeline = await messagesPipeline(name, { writer });
    try {
      await produceMessages(s.kafka, pipeline.spec.topic, Array.from({ length: count }, (_, i) => ({ value: `line-${String(i).padStart(5, '0')}` })));
      await pipeline.start();
      await pipeline.waitUntilCaughtUp({ timeoutMs: 20_000 });
      expect(pipeline.lastError).toBeUndefined();
      const [row] = await s.db.query<{ n: number; first: string; last: string }>(`SELECT COUNT(*) AS n, MIN(id) AS first, MAX(id) AS last FROM m_${name}`);
      expect(row).toEqual({ n: count, first: 'line-00000', last: `line-${String(count - 1).padStart(5, '0')}` });
    } finally {
      await pipeline.close();
    }
  });

  it('stores its definition as SingleStore lists it, and refuses a handle without a database', async () => {
    const pipeline = await messagesPipeline('pdefined');
    await pipeline.close();
    const [row] = await s.db.query<Record<string, unknown>>("SELECT topic, table_name, format, state, batch_interval_ms, config_json FROM kit_pipelines WHERE pipeline_name = 'pdefined'");
    expect(row).toEqual({
      topic: pipeline.spec.topic,
      table_name: 'm_pdefined',
      format: 'lines',
      state: 'Stopped',
      batch_interval_ms: 50,
      config_json: JSON.stringify({ brokers: s.config.kafka.brokers, topic: pipeline.spec.topic }),
    });
    const server = openDatabase(s.config.database, { database: null, connectionLimit: 1 });
    try {
      const spec: PipelineSpec = { name: 'pnodb', topic: 'kit-test-x', table: 't', format: 'lines' };
      expect(() => new LocalPipeline({ db: server, kafka: s.kafka }, spec)).toThrow('a pipeline needs a database: open the handle on one');
    } finally {
      await server.close();
    }
  });

  it('drops a pipeline in a database that never held one', async () => {
    const fresh = await scratch();
    const pipeline = new LocalPipeline(fresh, { name: 'pnever', topic: 'kit-test-never', table: 't', format: 'lines' });
    try {
      await pipeline.drop();
      expect(await pipeline.status()).toBeUndefined();
    } finally {
      await pipeline.close();
      await fresh.cleanup();
    }
  });
});
