/** The peers part: Kafka Connect + Debezium's JDBC sink vs the kit's pipeline: rows/s, and lost/duplicated rows after a kill -9 mid-load. */
import { join } from 'node:path';
import { reconcileCampaign } from '@donations/lib';
import { endProgress, progressLine } from '../cli.js';
import { FIXED_TIME, benchCampaign, encodeEnvelope } from './events.js';
import { connectFailure, ensureConnectJars, startConnectWorker, stopConnectWorker, type ConnectWorker } from './connect.js';
import { load, round2, sleep, spread, startWorker, withServiceCpu } from './measure.js';
import type { Results, Spread } from './report.js';
import { OUT, SEED, count, freshTable, keylessTable, n, newTopic, produceWithKit, sourceTopic, workerEnv, type Bench } from './context.js';

interface LoadWatch {
  firstRowSeconds: number;
  doneSeconds: number;
}

/** Polls a table until `done` says so; times from `started` to the first row and to done. */
async function watchTable(bench: Bench, table: string, started: number, done: (rows: number) => Promise<boolean>, failure: () => string | undefined, timeoutMs = 600_000): Promise<LoadWatch> {
  let firstRowSeconds = Number.NaN;
  for (let poll = 0; ; poll++) {
    const rows = await count(bench.db, table);
    const now = (performance.now() - started) / 1000;
    if (rows > 0 && Number.isNaN(firstRowSeconds)) firstRowSeconds = now;
    if (await done(rows)) return { firstRowSeconds, doneSeconds: now };
    const problem = failure();
    if (problem) throw new Error(problem);
    if (now * 1000 > timeoutMs) throw new Error(`${table} holds ${rows} rows after ${Math.round(now)} s: the load did not finish`);
    if (process.stdout.isTTY || poll % 20 === 0) progressLine(`  ${table}: ${n(rows)} rows after ${now.toFixed(1)} s`);
    await sleep(250);
  }
}

async function connectRun(bench: Bench, java: string, topic: string, table: string, mode: 'insert' | 'upsert') {
  const name = `bench-${table}-${Date.now().toString(36)}`;
  const started = performance.now();
  const pid = { jvm: 0 };
  const run = await withServiceCpu(bench.services, async () => {
    const worker = startConnectWorker(java, bench.config, { name, topic, table, mode, batchSize: bench.connectBatch }, join(OUT, 'connect'));
    pid.jvm = worker.pid;
    try {
      return await watchTable(bench, table, started, async (rows) => rows >= bench.events, () => connectFailure(worker));
    } finally {
      endProgress();
      await stopConnectWorker(worker, 'SIGTERM');
    }
  });
  const watch = run.value;
  return {
    rowsPerSecond: bench.events / (watch.doneSeconds - watch.firstRowSeconds),
    fromStartRowsPerSecond: bench.events / watch.doneSeconds,
    startupSeconds: round2(watch.firstRowSeconds),
    cpu: { database: run.databaseCpuSeconds, broker: run.brokerCpuSeconds },
  };
}

interface KillResult {
  killedAtRows: number;
  lost: number;
  duplicated: number;
  held: number;
  exact: boolean;
}

/** kill -9 a loader once 40% of the rows are in, start it again, let it finish, reconcile against the ledger. */
async function killAndReconcile(bench: Bench, table: string, start: () => Promise<{ kill: () => Promise<void>; stop: () => Promise<void>; failure: () => string | undefined }>, finished: () => Promise<boolean>): Promise<KillResult> {
  await keylessTable(bench.db, table);
  const started = performance.now();
  const first = await start();
  await watchTable(bench, table, started, async (rows) => rows >= bench.events * 0.4, first.failure);
  await first.kill();
  endProgress();
  const killedAtRows = await count(bench.db, table);
  const second = await start();
  try {
    await watchTable(bench, table, performance.now(), async () => finished(), second.failure);
  } finally {
    endProgress();
    await second.stop();
  }
  const check = await reconcileCampaign(bench.db, bench.campaignId, { table });
  return { killedAtRows, lost: check.missing, duplicated: check.duplicated, held: check.held, exact: check.exact };
}

export async function benchPeers(bench: Bench, kitRowsPerSecond: Spread | undefined): Promise<NonNullable<Results['peers']>> {
  const loadBefore = load();
  const java = await ensureConnectJars();
  const jsonTopic = await sourceTopic(bench);
  const envelopeTopic = await newTopic(bench, 'kit-bench-envelope');
  const envelopeProducer = await produceWithKit(bench, envelopeTopic, { envelope: true });
  const sample = benchCampaign(bench.campaignId, SEED);
  let jsonBytes = 0;
  let envelopeBytes = 0;
  for (let i = 0; i < 1_000; i++) {
    const event = sample.next(FIXED_TIME);
    jsonBytes += Buffer.byteLength(JSON.stringify(event));
    envelopeBytes += Buffer.byteLength(encodeEnvelope(event));
  }

  const connect: number[] = [];
  let last: Awaited<ReturnType<typeof connectRun>> | undefined;
  for (let run = 0; run < bench.repeat; run++) {
    await freshTable(bench.db, 'peer_connect');
    last = await connectRun(bench, java, envelopeTopic, 'peer_connect', 'upsert');
    connect.push(last.rowsPerSecond);
    if ((await reconcileCampaign(bench.db, bench.campaignId, { table: 'peer_connect' })).exact !== true) throw new Error('the Connect sink did not load the campaign exactly');
    console.log(`peers, run ${run + 1}: Connect JDBC sink (upsert) ${n(last.rowsPerSecond)} rows/s once running (${n(last.fromStartRowsPerSecond)} rows/s from the worker's start)`);
  }

  // kill -9 mid-load: insert mode on a keyless table, so that a redelivered record shows as a second row.
  const connectName = `bench-kill-${Date.now().toString(36)}`;
  const connectKill = await killAndReconcile(
    bench,
    'peer_connect_kill',
    async () => {
      const worker: ConnectWorker = startConnectWorker(java, bench.config, { name: connectName, topic: envelopeTopic, table: 'peer_connect_kill', mode: 'insert', batchSize: bench.connectBatch }, join(OUT, 'connect'));
      return { kill: () => stopConnectWorker(worker, 'SIGKILL'), stop: () => stopConnectWorker(worker, 'SIGTERM'), failure: () => connectFailure(worker) };
    },
    async () => {
      // Done when every id is in and the redeliveries (which come first) are over: the count holds still.
      const [row] = await bench.db.query<{ ids: number; held: number }>('SELECT COUNT(DISTINCT transaction_id) AS ids, COUNT(*) AS held FROM peer_connect_kill');
      if (Number(row!.ids) < bench.events) return false;
      await sleep(3_000);
      return (await count(bench.db, 'peer_connect_kill')) === Number(row!.held);
    },
  );
  console.log(`peers: Connect killed at ${n(connectKill.killedAtRows)} rows: ${connectKill.lost} lost, ${connectKill.duplicated} duplicated`);

  const kitName = `bench_kit_kill_${Date.now().toString(36)}`;
  const kitKill = await killAndReconcile(
    bench,
    'peer_kit_kill',
    async () => {
      const worker = await startWorker('pipeline', ['--topic', jsonTopic, '--table', 'peer_kit_kill', '--name', kitName], workerEnv);
      const kill = async () => {
        worker.child.kill('SIGKILL');
        await worker.exited;
      };
      const stop = async () => {
        worker.child.kill('SIGTERM');
        await Promise.race([worker.exited, sleep(10_000)]);
        worker.child.kill('SIGKILL');
      };
      return { kill, stop, failure: () => (worker.child.exitCode !== null ? `the pipeline worker exited (${worker.child.exitCode})` : undefined) };
    },
    async () => {
      const [row] = await bench.db.query<{ loaded: number | null }>('SELECT SUM(cursor_offset) AS loaded FROM kit_pipelines_cursors WHERE pipeline_name = ?', [kitName]);
      return Number(row?.loaded ?? 0) >= bench.events;
    },
  );
  console.log(`peers: kit pipeline killed at ${n(kitKill.killedAtRows)} rows: ${kitKill.lost} lost, ${kitKill.duplicated} duplicated`);

  const connectSpread = spread(connect);
  return {
    rows: bench.events,
    load: [loadBefore, load()],
    envelope: { jsonBytesPerEvent: Math.round(jsonBytes / 1_000), envelopeBytesPerEvent: Math.round(envelopeBytes / 1_000), producerEventsPerSecond: envelopeProducer.eventsPerSecond },
    connect: { ...connectSpread, fromStartRowsPerSecond: Math.round(last!.fromStartRowsPerSecond), startupSeconds: last!.startupSeconds, batchSize: bench.connectBatch, cpu: last!.cpu, kill: connectKill },
    kit: { rowsPerSecond: kitRowsPerSecond, kill: kitKill },
    ratio: kitRowsPerSecond ? round2(kitRowsPerSecond.best / connectSpread.best) : undefined,
  };
}
