// Crashes and restarts while a campaign is produced and ingested: the pipeline killed with
// -9 inside its transactions, the database crashed, the broker restarted. Afterwards every
// acknowledged donation is in the table exactly once, and no message was applied twice: the
// table holds each message of the topic once (a producer retry can write a donation twice
// into the topic; the suite counts those and expects exactly that many skipped duplicates,
// none otherwise), and two scenarios load a table without a unique key, where a batch
// applied twice would stay twice instead of being skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATED_TABLE,
  LocalPipeline,
  checkTotals,
  consume,
  ensureTotalsTables,
  produceMessages,
  createKafka,
  createTopic,
  naiveTableDdl,
  produceCampaign,
  reconcileCampaign,
  recordProduced,
  startCampaign,
  uniqueTopicName,
  topicOffsets,
  type ProduceSummary,
} from '@donations/lib';
import { ROOT, waitUntil } from '../../infra/services.js';
import { heapTableDdl } from '../heap-table.js';
import { faultEnv, restartService } from './fault-services.js';
import { useFaultDatabase } from './fault-database.js';
import { recordFigures } from './figures.js';
import type { WorkerEvent } from './pipeline-worker.js';

const { config, db } = useFaultDatabase(4);
const kafka = createKafka(config.kafka);

/**
 * A fresh topic and table for one scenario: the naive table (primary key on transaction_id,
 * duplicates skipped and counted), or a heap table (no unique key: a double-apply shows).
 */
async function scenario(prefix: string, table: 'naive' | 'heap' = 'naive', partitions = 2) {
  const topic = uniqueTopicName(`kit-faults-${prefix}`);
  const name = `${prefix}_${topic.slice(-6).replace(/\W/g, '')}`;
  const pipeline = `${prefix}_pipeline_${topic.slice(-6).replace(/\W/g, '')}`;
  await createTopic(kafka, { topic, partitions });
  await db.execute(table === 'heap' ? heapTableDdl(name) : naiveTableDdl('mariadb', name).sql);
  return { topic, table: name, pipeline };
}

interface Worker {
  child: ChildProcess;
  events: WorkerEvent[];
  waitFor(match: (event: WorkerEvent) => boolean, options?: { after?: number; timeoutMs?: number }): Promise<WorkerEvent>;
  exited: Promise<number | null>;
  stderr(): string;
}

function startWorker(pipeline: string, topic: string, table: string, pauseInBatchMs: number, keepTotals = false): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/faults/pipeline-worker.ts'), pipeline, topic, table], {
    cwd: ROOT,
    env: faultEnv({ FAULT_PAUSE_IN_BATCH_MS: String(pauseInBatchMs), FAULT_KEEP_TOTALS: keepTotals ? '1' : '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as WorkerEvent);
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    events,
    exited,
    stderr: () => stderr,
    waitFor(match, options = {}) {
      const after = options.after ?? 0;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(after).find(match);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the pipeline worker did not report the awaited event within ${options.timeoutMs ?? 60_000} ms; its events: ${JSON.stringify(events.slice(-5))}; stderr: ${stderr.slice(-500)}`));
        }, options.timeoutMs ?? 60_000);
        listeners.add(check);
        check();
      });
    },
  };
}

async function tableCount(table: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(row!.n);
}

async function batchTotals(pipeline: string): Promise<{ inserted: number; skipped: number; rejected: number }> {
  const [row] = await db.query<{ inserted: number | null; skipped: number | null; rejected: number | null }>(
    'SELECT SUM(rows_inserted) AS inserted, SUM(rows_skipped_duplicates) AS skipped, SUM(rows_rejected) AS rejected FROM kit_pipelines_batches WHERE pipeline_name = ?',
    [pipeline],
  );
  return { inserted: Number(row?.inserted ?? 0), skipped: Number(row?.skipped ?? 0), rejected: Number(row?.rejected ?? 0) };
}

/**
 * Starts the pipeline in a worker process `kills` times; each life commits a batch, then is
 * killed with -9 between writing the next batch's rows and COMMIT. `afterEach` checks what
 * the rollback left. Returns the rows each killed transaction had written.
 */
async function killInsideBatches(
  run: { pipeline: string; topic: string; table: string; kills: number; keepTotals?: boolean },
  afterEach: () => Promise<void>,
): Promise<number[]> {
  const rolledBack: number[] = [];
  const observer = new LocalPipeline({ db, kafka }, { name: run.pipeline, topic: run.topic, table: run.table, format: 'donations-json', batchIntervalMs: 50 });
  try {
    for (let i = 0; i < run.kills; i++) {
      const worker = startWorker(run.pipeline, run.topic, run.table, 150, run.keepTotals);
      await worker.waitFor((e) => e.event === 'batch');
      const rowsWritten = (await worker.waitFor((e) => e.event === 'rows-written', { after: worker.events.length })) as { rows: number };
      worker.child.kill('SIGKILL');
      await worker.exited;
      // MariaDB frees the dead worker's lock only once it has rolled back the open transaction:
      // until then the pipeline rightly counts as running, and the next life would be refused.
      await waitUntil('the lock of the killed worker', async () => (await observer.status())?.state !== 'Running', { timeoutMs: 60_000 });
      rolledBack.push(rowsWritten.rows);
      await afterEach();
    }
  } finally {
    await observer.close();
  }
  return rolledBack;
}

/** Loads what is left with an in-process pipeline, until the topic's end. */
async function drain(pipeline: string, topic: string, table: string, keepTotals = false): Promise<void> {
  const local = new LocalPipeline({ db, kafka }, { name: pipeline, topic, table, format: 'donations-json', batchIntervalMs: 50 }, { keepTotals });
  try {
    await local.create();
    await local.start();
    await local.waitUntilCaughtUp({ timeoutMs: 90_000 });
  } finally {
    await local.close();
  }
}

/**
 * What the topic holds: its messages, and how many of them repeat a transaction id already
 * in it (a producer retry after a lost acknowledgement). The keys are the transaction ids.
 */
async function topicTally(topic: string): Promise<{ messages: number; repeated: number }> {
  const end = (await topicOffsets(kafka, topic)).reduce((sum, p) => sum + Number(p.high - p.low), 0);
  const { messages } = await consume(kafka, topic, { from: 'beginning', timeoutMs: 90_000 });
  expect(messages.length, 'the whole topic was read').toBe(end);
  return { messages: messages.length, repeated: messages.length - new Set(messages.map((m) => m.key)).size };
}

/** Ids the broker acknowledged that are not in the table, counting the reported unacknowledged ranges apart. */
async function accountFor(table: string, summary: ProduceSummary) {
  const first = summary.firstTransactionId!;
  const last = summary.lastTransactionId!;
  // Distinct ids: a donation the topic holds twice (a producer retry) counts once here.
  const ids = async (from: number, to: number) => {
    const [row] = await db.query<{ n: number }>(`SELECT COUNT(DISTINCT transaction_id) AS n FROM \`${table}\` WHERE transaction_id BETWEEN ? AND ?`, [from, to]);
    return Number(row!.n);
  };
  let unacknowledgedLanded = 0;
  for (const range of summary.unacknowledged) unacknowledgedLanded += await ids(range.from, range.to);
  const unacknowledged = summary.unacknowledged.reduce((sum, r) => sum + (r.to - r.from + 1), 0);
  const acknowledgedHeld = (await ids(first, last)) - unacknowledgedLanded;
  const [outside] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE transaction_id NOT BETWEEN ? AND ?`, [first, last]);
  return { lost: summary.acknowledged - acknowledgedHeld, unacknowledged, unacknowledgedLanded, outside: Number(outside!.n) };
}

describe('faults: crashes and restarts', () => {
  it('kill -9 of the pipeline inside a batch, four times while a campaign is produced: nothing lost, nothing twice', async () => {
    const { topic, table, pipeline } = await scenario('kill');
    const campaign = await startCampaign(db, { seed: 11 });
    // Produces until the kills are done: every life of the worker has new messages to load.
    const stopProducing = new AbortController();
    const producing = produceCampaign(kafka, { topic, campaign, rate: 4_000, batchSize: 200, signal: stopProducing.signal });

    const kills = 4;
    const rolledBack = await killInsideBatches({ pipeline, topic, table, kills }, async () => {
      // The uncommitted rows are gone: the table holds exactly what committed batches say.
      const totals = await batchTotals(pipeline);
      expect(await tableCount(table)).toBe(totals.inserted);
    });

    stopProducing.abort();
    const summary = await producing;
    await recordProduced(db, summary);
    await drain(pipeline, topic, table);

    const result = await reconcileCampaign(db, campaign.id, { table });
    const totals = await batchTotals(pipeline);
    recordFigures({
      scenario: 'pipeline killed',
      faults: `${kills} x kill -9 of the pipeline process inside a batch's transaction (${rolledBack.join(', ')} written rows rolled back)`,
      produced: summary.sent,
      acknowledged: summary.acknowledged,
      lost: result.missing,
      duplicated: result.duplicated,
      rejected: totals.rejected,
      skippedDuplicates: totals.skipped,
    });
    expect(rolledBack.every((rows) => rows > 0)).toBe(true);
    expect(summary.acknowledged).toBeGreaterThan(4_000);
    expect(summary.failed).toBe(0);
    expect(result).toMatchObject({ missing: 0, duplicated: 0, unexpected: 0, held: summary.acknowledged, exact: true });
    expect(totals.inserted).toBe(summary.acknowledged);
    // A rolled-back batch loads again once, in full: the only duplicates skipped are those
    // the topic itself holds (none unless the producer retried a send).
    expect(totals.skipped).toBe((await topicTally(topic)).repeated);
  });

  it("kill -9 of a pipeline keeping lesson 09's totals, inside its batches, with duplicates and bad messages in the topic: the totals equal the rows", async () => {
    // The totals tables are the lesson's (one set per database); the campaign keeps them apart.
    await ensureTotalsTables(db);
    const topic = uniqueTopicName('kit-faults-totals');
    const pipeline = `totals_pipeline_${topic.slice(-6).replace(/\W/g, '')}`;
    await createTopic(kafka, { topic, partitions: 2 });
    const campaign = await startCampaign(db, { seed: 15 });
    // Before the campaign: donations sent twice and bad messages, which no total may count.
    const early = Array.from({ length: 300 }, () => campaign.next(new Date()));
    const repeated = early.flatMap((e, i) => (i % 3 === 0 ? [e, e] : [e])).map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) }));
    const bad = Array.from({ length: 12 }, (_, i) => ({ key: 'bad', value: i % 2 ? '{not json' : JSON.stringify({ ...early[i], total_amount: -1 }) }));
    await produceMessages(kafka, topic, [...repeated, ...bad]);
    const stopProducing = new AbortController();
    const producing = produceCampaign(kafka, { topic, campaign, rate: 4_000, batchSize: 200, signal: stopProducing.signal });

    const rolledBack = await killInsideBatches({ pipeline, topic, table: AGGREGATED_TABLE, kills: 2, keepTotals: true }, async () => {
      // What the killed transaction wrote, to the rows and to the totals, rolled back together.
      expect((await checkTotals(db, AGGREGATED_TABLE, campaign.id)).differences).toEqual([]);
    });
    stopProducing.abort();
    const summary = await producing;
    await drain(pipeline, topic, AGGREGATED_TABLE, true);

    const check = await checkTotals(db, AGGREGATED_TABLE, campaign.id);
    const [held] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${AGGREGATED_TABLE} WHERE campaign_id = ?`, [campaign.id]);
    const totals = await batchTotals(pipeline);
    recordFigures({
      scenario: 'totals kept, pipeline killed',
      faults: `2 x kill -9 inside a batch's transaction (${rolledBack.join(', ')} written rows rolled back, with their totals); 100 donations twice and 12 bad messages in the topic`,
      produced: summary.sent + early.length,
      acknowledged: summary.acknowledged + early.length,
      lost: summary.acknowledged + early.length - Number(held!.n),
      duplicated: 0,
      rejected: totals.rejected,
      skippedDuplicates: totals.skipped,
      notes: `totals checked against the rows in ${Object.values(check.groups).reduce((a, b) => a + b, 0)} groups: ${check.differences.length} differences`,
    });
    expect(rolledBack.every((rows) => rows > 0)).toBe(true);
    expect(summary.failed).toBe(0);
    expect(Number(held!.n)).toBe(summary.acknowledged + early.length);
    expect(totals.rejected).toBe(12);
    // Skipped: the 100 sent twice, and any a producer retry wrote twice. The 12 bad messages
    // share one key, 11 repeats of it that are not donations.
    expect(totals.skipped).toBe((await topicTally(topic)).repeated - 11);
    expect(totals.skipped).toBeGreaterThanOrEqual(100);
    expect(check.differences).toEqual([]);
    expect(check.exact).toBe(true);
  });

  it('the database crashes (kill -9) during ingestion: the pipeline retries and resumes, nothing lost', async () => {
    await ingestThroughRestart('mariadb:SIGKILL', 12);
  });

  it('the broker restarts during production and ingestion: the producer retries or names what was not acknowledged, the pipeline resumes', async () => {
    await ingestThroughRestart('kafka:SIGTERM', 13);
  });

  it('the broker crashes (kill -9) and the producer gives up on some events: it names them by id range, and the pipeline resumes', async () => {
    await ingestThroughRestart('kafka:SIGKILL', 14);
  });
});

/**
 * Each fault: its name, what it does, and how long the producer retries. With a short retry
 * the broker's absence outlasts it, so that the producer must name what was not acknowledged.
 */
const FAULTS = {
  'mariadb:SIGKILL': { name: 'database crashed', words: 'kill -9 of mariadbd during production and ingestion (crash recovery on restart)', producerRetries: 15, table: 'heap' },
  'kafka:SIGTERM': { name: 'broker restarted', words: 'Kafka stopped (SIGTERM) and started again during production and ingestion; the producer retries through it', producerRetries: 15, table: 'heap' },
  'kafka:SIGKILL': { name: 'broker crashed', words: 'kill -9 of the Kafka JVM during production and ingestion; the producer gives up after 2 retries', producerRetries: 2, table: 'naive' },
} as const;

/**
 * Produces a campaign into a running in-process pipeline, takes `service` down with `signal`
 * once rows flow, brings it back, and accounts for every event.
 */
async function ingestThroughRestart(fault: keyof typeof FAULTS, seed: number): Promise<void> {
  const { name, words, producerRetries, table: kind } = FAULTS[fault];
  const [service, signal] = fault.split(':') as ['mariadb' | 'kafka', NodeJS.Signals];
  const { topic, table, pipeline } = await scenario(`${service}_${signal.slice(3).toLowerCase()}`, kind);
  // 15 retries outlast a broker restart (about 40 s of backoff in all).
  const producerKafka = createKafka(config.kafka, { retries: producerRetries });
  const campaign = await startCampaign(db, { seed });
  const local = new LocalPipeline({ db, kafka }, { name: pipeline, topic, table, format: 'donations-json', batchIntervalMs: 50 });
  await local.create();
  // Batches met again below the stored cursor (a consumer that fetched again after the
  // fault): the transaction's cursor check skips them whole.
  let redelivered = 0;
  local.onBatch((batch) => void (batch.state === 'Skipped' && redelivered++));
  await local.start();
  const producing = produceCampaign(producerKafka, { topic, campaign, count: 40_000, rate: 4_000, batchSize: 200 });

  await waitUntil('5,000 rows in the table', async () => (await tableCount(table)) > 5_000, { timeoutMs: 30_000 });
  const { downMs } = await restartService(service, signal);
  const summary = await producing;
  // The campaign's tally goes in once the database is back.
  await recordProduced(db, summary);
  await local.waitUntilCaughtUp({ timeoutMs: 120_000 });
  expect((await local.status())?.state).toBe('Running');
  // Seen from another object, it runs: it holds its lock again after a database restart.
  const observer = new LocalPipeline({ db, kafka }, local.spec);
  await waitUntil('the pipeline, seen from another object,', async () => (await observer.status())?.state === 'Running', { timeoutMs: 10_000 });
  await observer.close();
  await local.close();

  const accounted = await accountFor(table, summary);
  const result = await reconcileCampaign(db, campaign.id, { table });
  const totals = await batchTotals(pipeline);
  const inTopic = await topicTally(topic);
  recordFigures({
    scenario: name,
    faults: `${words}, away ${(downMs / 1000).toFixed(1)} s`,
    produced: summary.sent,
    acknowledged: summary.acknowledged,
    lost: accounted.lost,
    // Rows held more than the topic holds their message: a message applied twice.
    duplicated: result.duplicated - (kind === 'heap' ? inTopic.repeated : 0),
    rejected: totals.rejected,
    skippedDuplicates: totals.skipped,
    notes:
      `${kind === 'heap' ? 'a table without a unique key; ' : ''}${accounted.unacknowledged} not acknowledged and reported by id range, ` +
      `${accounted.unacknowledgedLanded} of those landed; ${inTopic.repeated} donations written twice into the topic by a producer retry; ` +
      `${redelivered} batches met again below the cursor and skipped whole`,
  });
  expect(accounted.lost).toBe(0);
  expect(accounted.outside).toBe(0);
  // Each message of the topic applied once: on the heap table a donation the topic holds
  // twice is held twice, and nothing else is; on the naive table it is skipped once.
  expect(totals.inserted + totals.skipped).toBe(inTopic.messages);
  if (kind === 'heap') {
    expect(totals.skipped).toBe(0);
    expect(result.duplicated).toBe(inTopic.repeated);
  } else {
    expect(result.duplicated).toBe(0);
    expect(totals.skipped).toBe(inTopic.repeated);
  }
  // Every event is either acknowledged or inside a reported range.
  expect(summary.acknowledged + accounted.unacknowledged).toBe(summary.sent);
  expect(summary.sent).toBe(40_000);
  if (producerRetries >= 15) {
    // The producer retried through the fault: everything was acknowledged, and is held once.
    expect(summary.failed).toBe(0);
    expect(result).toMatchObject({ missing: 0, unexpected: 0, held: 40_000 + (kind === 'heap' ? inTopic.repeated : 0) });
    expect(result.exact).toBe(inTopic.repeated === 0);
  } else {
    // The short-retry producer met the dead broker: it names what was not acknowledged, and
    // the table holds the acknowledged events plus those of the named ones that landed.
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.unacknowledged.length).toBeGreaterThan(0);
    expect(result).toMatchObject({
      held: summary.acknowledged + accounted.unacknowledgedLanded + (kind === 'heap' ? inTopic.repeated : 0),
      missing: accounted.unacknowledged - accounted.unacknowledgedLanded,
      unexpected: 0,
      exact: false,
    });
  }
}
