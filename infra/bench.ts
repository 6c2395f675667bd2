/**
 * `npm run bench`: the kit against the true limits and the peers users would pick, side by
 * side in one run, on the same broker, database and donations. Not part of `npm test`.
 * Writes out/bench/results.{json,md}, out/bench/scale.svg and CPU profiles in
 * out/bench/profiles; BENCHMARKS.md keeps the method and the latest figures.
 *   producer   the kit's producer vs kcat, the same JSON lines
 *   ingest     raw LOAD DATA of a ready file (the database's limit) vs the kit's pipeline
 *              (Kafka to table, exactly once), with and without the totals of lesson 09
 *   peers      Kafka Connect + Debezium's JDBC sink vs the kit's pipeline: rows/s, and
 *              lost/duplicated rows after a kill -9 mid-load
 *   e2e        produce and load at once, in one process, as notebook 05 does
 *   freshness  produce-to-visible under a steady 5k events/s
 *   queries    naive vs optimized layout vs totals, 7 panels at once, 0.1 M to 10 M rows
 *   live-writes  the kit's layout while rows arrive: into the campaign the panels read, into
 *              another campaign, and through the producer and the pipeline, as lesson 07
 * Every measured run of the kit's code runs in a fresh process (infra/bench/worker.ts).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import {
  LESSON_REFRESHES,
  LocalPipeline,
  DONATION_COLUMN_NAMES,
  DASHBOARD_QUERIES,
  TOTALS_QUERIES,
  checkDatabase,
  checkTotals,
  isKafkaReachable,
  createKafka,
  createTopic,
  deleteTopics,
  dropDatabase,
  ensureCampaignsTable,
  ensureDatabase,
  ensureTotalsTables,
  formatUtc,
  layoutDdl,
  lineChart,
  measureDashboard,
  openDatabase,
  percentile,
  produceCampaign,
  produceLine,
  rebuildTotalsSql,
  recordProduced,
  reconcileCampaign,
  startCampaign,
  topicOffsets,
  timeQuery,
  tsvChunks,
  uniqueTopicName,
  type Database,
  type KitConfig,
  type ProduceSummary,
  type RefreshReport,
  type Row,
} from '@donations/lib';
import { $ } from 'zx';
import { countFlag, endProgress, flags, progressLine } from './cli.js';
import { ROOT, loadKitConfig, runScript } from './services.js';
import { up } from './up.js';
import { BENCH_CLOCK, FIXED_TIME, benchCampaign, campaignRows, encodeEnvelope } from './bench/events.js';
import { connectFailure, ensureConnectJars, startConnectWorker, stopConnectWorker, type ConnectWorker } from './bench/connect.js';
import { load, round2, runWorker, servicePids, sleep, spread, startWorker, timed, withServiceCpu, type Services } from './bench/measure.js';
import { summariseProfile, type ProfileSummary } from './bench/profile.js';
import { markdown, type Results, type Spread } from './bench/report.js';

const USAGE = `usage: npm run bench -- [--events 500k] [--repeat 3] [--scales 0.1m,1m,3m,10m] [--campaign-rows 200k] [--connect-batch 5000]
                       [--only producer,ingest,peers,e2e,freshness,queries,live-writes] [--no-profile] [--report-only]
  --report-only  rebuild results.md and scale.svg from out/bench/results.json without measuring`;
const OUT = join(ROOT, 'out', 'bench');
const PROFILES = join(OUT, 'profiles');
const BENCH_DATABASE = 'kit_bench';
const SEED = 7;
const PARTS = ['producer', 'ingest', 'peers', 'e2e', 'freshness', 'queries', 'live-writes'] as const;

const n = (x: number) => Math.round(x).toLocaleString('en-US');

interface Bench {
  config: KitConfig;
  db: Database;
  services: Services;
  events: number;
  repeat: number;
  profile: boolean;
  connectBatch: number;
  /** The bench campaign in the ledger: every topic below carries its events. */
  campaignId: number;
  topics: string[];
  /** A topic holding the campaign's events as the kit's JSON, produced by the kit's producer. */
  source?: string;
}

const workerEnv = { BENCH_DATABASE };

async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.query<{ c: number }>(`SELECT COUNT(*) AS c FROM ${table}`);
  return Number(row!.c);
}

async function freshTable(db: Database, table: string, layoutKey: 'naive' | 'optimized' = 'naive'): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${table}`);
  await db.execute(layoutDdl('mariadb', layoutKey, table).sql);
}

/** The naive table without its key: a row loaded twice stays twice, so that reconciliation can count it. */
async function keylessTable(db: Database, table: string): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${table}`);
  const ddl = layoutDdl('mariadb', 'naive', table).sql.replace(/,\s*PRIMARY KEY \(transaction_id\)/, '');
  if (ddl.includes('PRIMARY KEY')) throw new Error('the naive DDL changed: the keyless copy still has its key');
  await db.execute(ddl);
}

async function newTopic(bench: Bench, prefix: string): Promise<string> {
  const topic = uniqueTopicName(prefix);
  bench.topics.push(topic);
  await createTopic(createKafka(bench.config.kafka), { topic });
  return topic;
}

async function topicEnd(bench: Bench, topic: string): Promise<number> {
  return (await topicOffsets(createKafka(bench.config.kafka), topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

function profileFile(name: string): string {
  return join(PROFILES, `${name}.cpuprofile`);
}

async function produceWithKit(bench: Bench, topic: string, options: { envelope?: boolean; profileAs?: string } = {}): Promise<ProduceSummary & { cpuSeconds: number }> {
  const profile = options.profileAs ? profileFile(options.profileAs) : undefined;
  const args = ['--topic', topic, '--campaign', String(bench.campaignId), '--seed', String(SEED), '--count', String(bench.events), ...(options.envelope ? ['--envelope'] : [])];
  const summary = await runWorker<ProduceSummary>('produce', args, { env: workerEnv, profile });
  if (summary.acknowledged !== bench.events || (await topicEnd(bench, topic)) !== bench.events) throw new Error(`the kit's producer delivered ${summary.acknowledged} of ${bench.events} events to ${topic}`);
  return summary;
}

/** The JSON topic the loaders read, produced once by the kit's producer; its tally goes to the ledger. */
async function sourceTopic(bench: Bench): Promise<string> {
  if (bench.source) return bench.source;
  const topic = await newTopic(bench, 'kit-bench-source');
  const summary = await produceWithKit(bench, topic);
  await recordProduced(bench.db, summary);
  bench.source = topic;
  return topic;
}

// ------------------------------------------------------------------ producer vs kcat

async function benchProducer(bench: Bench): Promise<NonNullable<Results['producer']>> {
  const loadBefore = load();
  const file = join(OUT, 'events.tsv');
  const out = createWriteStream(file);
  const generator = benchCampaign(bench.campaignId, SEED);
  for (let i = 0; i < bench.events; i++) {
    const event = generator.next(FIXED_TIME);
    if (!out.write(`${event.transaction_id}\t${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const kcat: number[] = [];
  const kit: number[] = [];
  const kitCpu: number[] = [];
  for (let run = 0; run < bench.repeat; run++) {
    const kcatTopic = await newTopic(bench, 'kit-bench-kcat');
    const started = performance.now();
    await $`kcat -P -b ${bench.config.kafka.brokers.join(',')} -t ${kcatTopic} -K ${'\t'} -X acks=all -l ${file}`;
    kcat.push(bench.events / ((performance.now() - started) / 1000));
    if ((await topicEnd(bench, kcatTopic)) !== bench.events) throw new Error('kcat did not deliver every event');

    const topic = await newTopic(bench, 'kit-bench-kit');
    const summary = await produceWithKit(bench, topic);
    kit.push(summary.eventsPerSecond);
    kitCpu.push(summary.cpuSeconds);
    if (!bench.source) {
      await recordProduced(bench.db, summary);
      bench.source = topic;
    }
    console.log(`producer, run ${run + 1}: kcat ${n(kcat[run]!)} events/s, kit ${n(kit[run]!)} events/s`);
  }
  let profile: ProfileSummary | undefined;
  if (bench.profile) {
    await produceWithKit(bench, await newTopic(bench, 'kit-bench-prof'), { profileAs: 'producer' });
    profile = summariseProfile(profileFile('producer'));
  }
  const kcatSpread = spread(kcat);
  const kitSpread = spread(kit);
  return {
    events: bench.events,
    load: [loadBefore, load()],
    kcat: kcatSpread,
    kit: kitSpread,
    kitCpuSecondsPerMillion: round2((Math.min(...kitCpu) / bench.events) * 1e6),
    ratio: round2(kitSpread.best / kcatSpread.best),
    profile,
  };
}

// ------------------------------------------------------------------ ingest vs raw LOAD DATA

/** mariadb's own client, LOAD DATA LOCAL INFILE of a ready file: no Kafka, no JavaScript, the database's limit. */
async function rawLoadData(bench: Bench, file: string, table: string): Promise<number> {
  const { host, port, user, password } = bench.config.database;
  const sql = `LOAD DATA LOCAL INFILE '${file}' INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`;
  const started = performance.now();
  // The password goes through the environment, never the command line (ps would show it).
  await $({ env: { ...process.env, MYSQL_PWD: password } })`mariadb --local-infile=1 -h ${host} -P ${port} -u ${user} ${BENCH_DATABASE} -e ${sql}`;
  return (performance.now() - started) / 1000;
}

async function pipelineRun(bench: Bench, topic: string, table: string, options: { layout?: 'naive' | 'optimized'; totals?: boolean; writer?: string; profileAs?: string } = {}) {
  await freshTable(bench.db, table, options.layout ?? 'naive');
  if (options.totals) {
    await ensureTotalsTables(bench.db);
    for (const sql of rebuildTotalsSql(table).slice(0, 5)) await bench.db.execute(sql, [bench.campaignId]);
  }
  const profile = options.profileAs ? profileFile(options.profileAs) : undefined;
  const args = ['--topic', topic, '--table', table, '--name', `bench_${table}`, ...(options.totals ? ['--totals'] : []), ...(options.writer ? ['--writer', options.writer] : [])];
  const run = await withServiceCpu(bench.services, () => runWorker<{ seconds: number; batches: number }>('ingest', args, { env: workerEnv, profile }));
  const loaded = await count(bench.db, table);
  if (loaded !== bench.events) throw new Error(`the pipeline loaded ${loaded} of ${bench.events} rows into ${table}`);
  return {
    rowsPerSecond: bench.events / run.value.seconds,
    batches: run.value.batches,
    cpu: { node: round2(run.value.cpuSeconds), database: run.databaseCpuSeconds, broker: run.brokerCpuSeconds },
  };
}

async function benchIngest(bench: Bench): Promise<NonNullable<Results['ingest']>> {
  const loadBefore = load();
  const topic = await sourceTopic(bench);
  // The same rows, once, as a ready file: what the pipeline would write.
  const file = join(OUT, 'donations.tsv');
  const out = createWriteStream(file);
  for (const chunk of tsvChunks(campaignRows(benchCampaign(bench.campaignId, SEED), bench.events))) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');

  const raw: number[] = [];
  const rawDatabaseCpu: number[] = [];
  const pipeline: number[] = [];
  const pipelineCpu: { node: number; database: number; broker: number }[] = [];
  let batches = 0;
  for (let run = 0; run < bench.repeat; run++) {
    const table = `ingest_raw_${run}`;
    await freshTable(bench.db, table);
    const rawRun = await withServiceCpu(bench.services, () => rawLoadData(bench, file, table));
    if ((await count(bench.db, table)) !== bench.events) throw new Error(`LOAD DATA loaded a different count into ${table}`);
    raw.push(bench.events / rawRun.value);
    rawDatabaseCpu.push(rawRun.databaseCpuSeconds);
    await bench.db.execute(`DROP TABLE ${table}`);

    const kit = await pipelineRun(bench, topic, `ingest_pipeline_${run}`);
    pipeline.push(kit.rowsPerSecond);
    pipelineCpu.push(kit.cpu);
    batches = kit.batches;
    await bench.db.execute(`DROP TABLE ingest_pipeline_${run}`);
    console.log(`ingest, run ${run + 1}: raw LOAD DATA ${n(raw[run]!)} rows/s, pipeline ${n(pipeline[run]!)} rows/s`);
  }

  // Breakdown: the old reference (LOAD DATA streamed through the kit's JavaScript transform, no Kafka), and the INSERT writer.
  await freshTable(bench.db, 'ingest_js_reference');
  const js = await timed(() =>
    bench.db.withConnection((connection) =>
      connection.loadData(`LOAD DATA LOCAL INFILE 'bench' INTO TABLE ingest_js_reference CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`, () =>
        Readable.from(tsvChunks(campaignRows(benchCampaign(bench.campaignId, SEED), bench.events))),
      ),
    ),
  );
  const insertWriter = await pipelineRun(bench, topic, 'ingest_insert_writer', { writer: 'insert' });

  // Lesson 09's question: what do totals kept in each batch's transaction cost? Same layout (the kit's), alternated.
  const withoutTotals: number[] = [];
  const withTotals: number[] = [];
  let totalsExact = true;
  for (let run = 0; run < Math.max(2, bench.repeat); run++) {
    withoutTotals.push((await pipelineRun(bench, topic, 'ingest_optimized', { layout: 'optimized' })).rowsPerSecond);
    withTotals.push((await pipelineRun(bench, topic, 'ingest_totals', { layout: 'optimized', totals: true })).rowsPerSecond);
    totalsExact &&= (await checkTotals(bench.db, 'ingest_totals', bench.campaignId)).exact;
  }

  let profile: ProfileSummary | undefined;
  if (bench.profile) {
    const profiled = await pipelineRun(bench, topic, 'ingest_profiled', { profileAs: 'pipeline' });
    profile = summariseProfile(profileFile('pipeline'));
    console.log(`ingest, profiled run: ${n(profiled.rowsPerSecond)} rows/s (slower: the profiler samples)`);
  }
  const rawSpread = spread(raw);
  const pipelineSpread = spread(pipeline);
  const best = pipelineCpu[pipeline.indexOf(Math.max(...pipeline))]!;
  const without = spread(withoutTotals);
  const withT = spread(withTotals);
  return {
    rows: bench.events,
    load: [loadBefore, load()],
    rawLoadData: { ...rawSpread, databaseCpuSeconds: round2(Math.min(...rawDatabaseCpu)) },
    pipeline: { ...pipelineSpread, batches, cpu: best },
    jsReferenceRowsPerSecond: Math.round(bench.events / js.seconds),
    insertWriterRowsPerSecond: Math.round(insertWriter.rowsPerSecond),
    totals: { without, with: withT, ratio: round2(withT.best / without.best), exact: totalsExact },
    ratio: round2(pipelineSpread.best / rawSpread.best),
    profile,
  };
}

// ------------------------------------------------------------------ peers: Kafka Connect + Debezium JDBC sink

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

async function benchPeers(bench: Bench, kitRowsPerSecond: Spread | undefined): Promise<NonNullable<Results['peers']>> {
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

// ------------------------------------------------------------------ end to end

async function benchEndToEnd(bench: Bench): Promise<NonNullable<Results['endToEnd']>> {
  const loadBefore = load();
  const rates: number[] = [];
  const cpu: { seconds: number; node: number; database: number; broker: number }[] = [];
  for (let run = 0; run < bench.repeat; run++) {
    const topic = await newTopic(bench, 'kit-bench-e2e');
    await freshTable(bench.db, `e2e_${run}`);
    const measured = await withServiceCpu(bench.services, () =>
      runWorker<{ seconds: number; produceSeconds: number; acknowledged: number }>(
        'e2e',
        ['--topic', topic, '--table', `e2e_${run}`, '--name', `bench_e2e_${run}`, '--campaign', String(bench.campaignId), '--seed', String(SEED), '--count', String(bench.events)],
        { env: workerEnv },
      ),
    );
    const result = measured.value;
    if ((await count(bench.db, `e2e_${run}`)) !== bench.events) throw new Error('produce-and-load did not load every row');
    rates.push(bench.events / result.seconds);
    cpu.push({ seconds: round2(result.seconds), node: round2(result.cpuSeconds), database: measured.databaseCpuSeconds, broker: measured.brokerCpuSeconds });
    console.log(`end to end, run ${run + 1}: ${n(rates[run]!)} rows/s (producing took ${result.produceSeconds.toFixed(1)} s of ${result.seconds.toFixed(1)} s; Node used ${result.cpuSeconds.toFixed(1)} CPU s)`);
    await bench.db.execute(`DROP TABLE e2e_${run}`);
  }
  return { rows: bench.events, load: [loadBefore, load()], rowsPerSecond: spread(rates), cpu: cpu[rates.indexOf(Math.max(...rates))]! };
}

// ------------------------------------------------------------------ freshness

async function benchFreshness(bench: Bench, rate = 5_000, seconds = 20): Promise<NonNullable<Results['freshness']>> {
  const loadBefore = load();
  const kafka = createKafka(bench.config.kafka);
  const topic = await newTopic(bench, 'kit-bench-fresh');
  await freshTable(bench.db, 'freshness');
  const local = new LocalPipeline({ db: bench.db, kafka }, { name: 'bench_freshness', topic, table: 'freshness', format: 'donations-json' });
  await local.drop();
  await local.create();
  await local.start();
  const stream = produceCampaign(kafka, { topic, campaign: await startCampaign(bench.db, { seed: 3 }), rate, durationMs: seconds * 1000 });
  const probes = await startCampaign(bench.db, { seed: 4 });
  const latencies: number[] = [];
  const deadline = performance.now() + (seconds - 1) * 1000;
  await sleep(1_000);
  while (performance.now() < deadline) {
    const event = probes.next();
    const sentAt = performance.now();
    await produceLine(kafka, topic, JSON.stringify(event), String(event.transaction_id));
    for (;;) {
      const rows = await bench.db.query('SELECT 1 FROM freshness WHERE transaction_id = ?', [event.transaction_id]);
      if (rows.length) break;
      if (performance.now() - sentAt > 10_000) throw new Error('a probe was not visible after 10 s');
      await sleep(5);
    }
    latencies.push(performance.now() - sentAt);
    await sleep(200);
  }
  await stream;
  await local.close();
  const result = { rate, probes: latencies.length, p50Ms: Math.round(percentile(latencies, 50)), p95Ms: Math.round(percentile(latencies, 95)), maxMs: Math.round(Math.max(...latencies)), load: [loadBefore, load()] as [number, number] };
  console.log(`freshness at ${n(rate)} events/s: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms over ${result.probes} probes`);
  return result;
}

// ------------------------------------------------------------------ queries at scale

const SCALE_TABLES = { naive: 'scale_naive', optimized: 'scale_optimized' } as const;

/**
 * Fills both tables to `target` rows with LOAD DATA of the same rows (the pipeline's own
 * transform), campaign after campaign, each started in the ledger and its tally recorded;
 * the last one live (ending just after now). The totals of
 * each campaign are rebuilt from its rows (rebuildTotalsSql, one transaction).
 */
async function fillTo(bench: Bench, target: number, campaignSize: number, state: { rows: number; campaigns: number[] }): Promise<void> {
  while (state.rows < target) {
    const size = Math.min(campaignSize, target - state.rows);
    const isLast = state.rows + size >= target;
    const index = state.campaigns.length + 1;
    // An hour of donations each; the last one live: it ends 2 minutes from now, so that the
    // last-seconds panels (Q6, Q7) find rows while the three layouts are measured (~1 min).
    const span = 3_600_000;
    const base = isLast ? Date.now() + 120_000 - span : FIXED_TIME.getTime() - (1_000 - index) * 86_400_000;
    const campaign = await startCampaign(bench.db, { seed: 1_000 + index, startedAt: new Date(base) });
    const chunks: Buffer[] = [];
    let amount = 0;
    const rows: Row[] = [];
    for (const row of campaignRows(campaign, size, (i) => new Date(base + Math.floor((i / size) * span)))) {
      rows.push(row);
      amount += row[6];
    }
    for (const chunk of tsvChunks(rows)) chunks.push(chunk);
    for (const table of Object.values(SCALE_TABLES)) {
      await bench.db.withConnection((connection) =>
        connection.loadData(`LOAD DATA LOCAL INFILE 'bench' INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`, () => Readable.from(chunks)),
      );
    }
    const first = campaign.firstTransactionId();
    await recordProduced(bench.db, { campaignId: campaign.id, acknowledged: size, amountAcknowledged: amount, lastTransactionId: first + size - 1 } as ProduceSummary);
    await bench.db.withConnection(async (connection) => {
      await connection.execute('START TRANSACTION');
      for (const sql of rebuildTotalsSql(SCALE_TABLES.optimized)) await connection.execute(sql, [campaign.id]);
      await connection.execute('COMMIT');
    });
    state.rows += size;
    state.campaigns.push(campaign.id);
    progressLine(`queries: loaded ${n(state.rows)} of ${n(target)} rows into both tables`);
  }
  endProgress();
  for (const table of Object.values(SCALE_TABLES)) await bench.db.execute(`ANALYZE TABLE ${table}`);
}

async function benchQueries(bench: Bench, scales: number[], campaignSize: number): Promise<NonNullable<Results['queries']>> {
  const loadBefore = load();
  await freshTable(bench.db, SCALE_TABLES.naive, 'naive');
  await freshTable(bench.db, SCALE_TABLES.optimized, 'optimized');
  await ensureTotalsTables(bench.db);
  // The ledger's campaigns of the other parts stay; the totals start empty.
  for (const sql of rebuildTotalsSql(SCALE_TABLES.optimized).slice(0, 5)) await bench.db.execute(sql.replace(' WHERE campaign_id = ?', ''));
  const state = { rows: 0, campaigns: [] as number[] };
  const results: NonNullable<Results['queries']>['scales'] = [];
  for (const scale of [...scales].sort((a, b) => a - b)) {
    await fillTo(bench, scale, campaignSize, state);
    const campaignId = state.campaigns[state.campaigns.length - 1]!;
    const scaleLoad = load();
    // The lessons' measure: one warm-up refresh, then up to 20 refreshes for at most 10 s.
    const naive = await measureDashboard(bench.db, { campaignId, table: SCALE_TABLES.naive, budgetMs: 250, ...LESSON_REFRESHES });
    const optimized = await measureDashboard(bench.db, { campaignId, table: SCALE_TABLES.optimized, budgetMs: 250, ...LESSON_REFRESHES });
    const totals = await measureDashboard(bench.db, { campaignId, budgetMs: 250, queries: TOTALS_QUERIES, ...LESSON_REFRESHES });
    // What bounds a refresh: each panel alone, one after another (5 times, median). Seven
    // panels at once on this machine's cores cannot finish before their sum / cores.
    const alone = [];
    for (const query of DASHBOARD_QUERIES) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await timeQuery(bench.db, query, { campaignId }, SCALE_TABLES.optimized)).ms);
      alone.push({ number: query.number, p50Ms: round2(percentile(times, 50)) });
    }
    const aloneSumMs = round2(alone.reduce((sum, p) => sum + p.p50Ms, 0));
    results.push({ rows: state.rows, campaigns: state.campaigns.length, load: scaleLoad, naive: strip(naive), optimized: strip(optimized), totals: strip(totals), optimizedAlone: { perPanel: alone, sumMs: aloneSumMs } });
    console.log(`queries at ${n(state.rows)} rows: full refresh p95 naive ${naive.p95Ms} ms, optimized ${optimized.p95Ms} ms, totals ${totals.p95Ms} ms`);
  }
  // Every campaign's totals against its rows, exactly.
  let mismatched = 0;
  for (const id of state.campaigns) if (!(await checkTotals(bench.db, SCALE_TABLES.optimized, id)).exact) mismatched += 1;
  return { campaignRows: campaignSize, load: [loadBefore, load()], scales: results, totalsChecked: state.campaigns.length, totalsMismatched: mismatched };
}

// ------------------------------------------------------------------ live writes

/**
 * Why lesson 07's live part slows the kit's layout: 500k rows in campaigns of 25k (an hour
 * each, the last ending now), then the dashboard on the last campaign, measured as in the
 * lessons, while nothing writes; while 1,000 rows/s are inserted into that campaign; while
 * they go to another campaign (the same work for the server, on other pages); and while the
 * kit's producer and pipeline, in this process as in the lesson, bring them into it.
 */
async function benchLiveWrites(bench: Bench, rows = 500_000, campaignSize = 25_000, rate = 1_000): Promise<NonNullable<Results['liveWrites']>> {
  const loadBefore = load();
  const table = 'live_optimized';
  await freshTable(bench.db, table, 'optimized');
  const campaigns: Awaited<ReturnType<typeof startCampaign>>[] = [];
  const hour = 3_600_000;
  for (let loaded = 0; loaded < rows; loaded += campaignSize) {
    const ends = Date.now() - Math.floor((rows - loaded - campaignSize) / campaignSize) * hour - 60_000;
    const campaign = await startCampaign(bench.db, { seed: 2_000 + campaigns.length, startedAt: new Date(ends - hour) });
    const chunks = [...tsvChunks([...campaignRows(campaign, campaignSize, (i) => new Date(ends - hour + Math.floor((i / campaignSize) * hour)))])];
    await bench.db.withConnection((connection) =>
      connection.loadData(`LOAD DATA LOCAL INFILE 'bench' INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`, () => Readable.from(chunks)),
    );
    campaigns.push(campaign);
    progressLine(`live writes: loaded ${n(loaded + campaignSize)} of ${n(rows)} rows`);
  }
  endProgress();
  await bench.db.execute(`ANALYZE TABLE ${table}`);
  const measured = campaigns[campaigns.length - 1]!;
  const other = await startCampaign(bench.db, { seed: 2_999 });
  const measure = () => measureDashboard(bench.db, { campaignId: measured.id, table, budgetMs: 250, ...LESSON_REFRESHES });
  // Rows inserted by a connection of their own, in autocommit batches of 50 every 50 ms.
  const inserting = async (campaign: typeof measured, signal: AbortSignal) => {
    const writer = openDatabase(bench.config.database, { connectionLimit: 1 });
    try {
      while (!signal.aborted) {
        const batch = Array.from({ length: rate / 20 }, () => campaign.next(new Date())).map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));
        await writer.execute(`INSERT INTO ${table} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [batch]);
        await sleep(50);
      }
    } finally {
      await writer.close();
    }
  };
  const during = async (work: (signal: AbortSignal) => Promise<unknown>) => {
    const controller = new AbortController();
    const running = work(controller.signal);
    await sleep(1_000);
    const report = await measure();
    controller.abort();
    await running;
    return report;
  };
  const kafka = createKafka(bench.config.kafka);
  // A fresh topic each time: a new pipeline reads its topic from the first offset.
  const throughPipeline = async (signal: AbortSignal) => {
    const topic = await newTopic(bench, 'kit-bench-live');
    const local = new LocalPipeline({ db: bench.db, kafka }, { name: 'bench_live', topic, table, format: 'donations-json' });
    await local.drop();
    await local.create();
    await local.start();
    await produceCampaign(kafka, { topic, campaign: measured, rate, signal });
    await local.waitUntilCaughtUp({ timeoutMs: 120_000 });
    await local.close();
  };
  // The same, with the producer and the pipeline each in a process of its own, as a Grafana
  // dashboard would watch a pipeline that runs elsewhere: the measuring process only measures.
  let apartRuns = 0;
  const inOtherProcesses = async (signal: AbortSignal) => {
    const name = `bench_live_apart_${(apartRuns += 1)}`;
    const topic = await newTopic(bench, 'kit-bench-live');
    const pipeline = await startWorker('pipeline', ['--topic', topic, '--table', table, '--name', name], { BENCH_DATABASE: bench.config.database.database });
    const seconds = 14;
    const producing = runWorker('produce', [
      '--topic', topic, '--campaign', String(measured.id), '--seed', String(measured.seed), '--count', String(rate * seconds),
      '--rate', String(rate), '--live', '--first-sequence', String(measured.generated + 1),
    ], { env: { BENCH_DATABASE: bench.config.database.database } });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await producing;
    for (let i = 0; i < rate * seconds; i++) measured.next();
    pipeline.child.kill('SIGTERM');
    await pipeline.exited;
  };
  const cases: NonNullable<Results['liveWrites']>['cases'] = [];
  const record = (name: string, round: number, r: RefreshReport) => {
    cases.push({ case: name, round, p50Ms: r.p50Ms, p95Ms: r.p95Ms, refreshes: r.refreshes, late: r.late });
    console.log(`live writes, round ${round}, ${name}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms (${r.late} of ${r.refreshes} late)`);
  };
  for (const round of [1, 2]) {
    record('nothing writes', round, await measure());
    record(`INSERT ${n(rate)} rows/s into the measured campaign`, round, await during((signal) => inserting(measured, signal)));
    record(`INSERT ${n(rate)} rows/s into another campaign`, round, await during((signal) => inserting(other, signal)));
    record(`producer and pipeline in this process, ${n(rate)} rows/s into the measured campaign (lesson 07)`, round, await during(throughPipeline));
    record(`producer and pipeline in processes of their own, ${n(rate)} rows/s into the measured campaign`, round, await during(inOtherProcesses));
  }
  return { rows, campaignRows: campaignSize, rate, load: [loadBefore, load()], cases };
}

/** The report keeps the summary, not every refresh's timings. */
function strip(report: RefreshReport): RefreshReport {
  return { ...report, timings: [] };
}

// ------------------------------------------------------------------ chart and entry point

async function scaleChart(results: Results): Promise<void> {
  if (!results.queries) return;
  const points = results.queries.scales.flatMap((s) => [
    { x: s.rows, y: Math.max(s.naive.p95Ms, 0.1), series: 'naive layout: full refresh p95' },
    { x: s.rows, y: Math.max(s.optimized.p95Ms, 0.1), series: "the kit's layout: full refresh p95" },
    { x: s.rows, y: Math.max(s.totals.p95Ms, 0.1), series: 'totals kept at ingest: full refresh p95' },
  ]);
  writeFileSync(join(OUT, 'scale.svg'), await lineChart(points, { title: 'Dashboard refresh as rows grow, 7 panels at once (dashed: 250 ms)', xTitle: 'rows in the table', yTitle: 'ms (log)', budget: 250, logY: true, width: 560 }));
}

await runScript(async () => {
  const args = flags(
    {
      events: { type: 'string' },
      repeat: { type: 'string' },
      scales: { type: 'string' },
      'campaign-rows': { type: 'string' },
      'connect-batch': { type: 'string' },
      only: { type: 'string' },
      'no-profile': { type: 'boolean' },
      'report-only': { type: 'boolean' },
    },
    USAGE,
  );
  if (args.help) return console.log(USAGE);
  mkdirSync(PROFILES, { recursive: true });
  if (args['report-only']) {
    const saved = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8')) as Results;
    writeFileSync(join(OUT, 'results.md'), markdown(saved));
    await scaleChart(saved);
    return console.log(`rebuilt ${OUT}/results.md and scale.svg`);
  }
  const only = typeof args.only === 'string' ? args.only.split(',') : [...PARTS];
  const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--only: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  // The bench needs the broker and the database only: start them when they do not answer.
  const base = loadKitConfig();
  const ready = (await isKafkaReachable(base.kafka)) && (await checkDatabase(base.database, 3_000).then(() => true, () => false));
  if (!ready) await up({ quiet: true });
  const config: KitConfig = { ...base, database: { ...base.database, database: BENCH_DATABASE } };
  await dropDatabase(config.database, BENCH_DATABASE);
  await ensureDatabase(config.database);
  const db = openDatabase(config.database, { connectionLimit: 10 });
  await ensureCampaignsTable(db);
  const cpu = cpus();
  const results: Results = {
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: formatUtc(new Date()), loadAtStart: load() },
    parts: only,
  };
  const bench: Bench = {
    config,
    db,
    services: await servicePids(config),
    events: countFlag(args.events, 'events') ?? 500_000,
    repeat: countFlag(args.repeat, 'repeat') ?? 3,
    profile: !args['no-profile'],
    connectBatch: countFlag(args['connect-batch'], 'connect-batch') ?? 5_000,
    campaignId: (await startCampaign(db, { seed: SEED, startedAt: FIXED_TIME })).id,
    topics: [],
  };
  const scales = typeof args.scales === 'string' ? args.scales.split(',').map((s) => countFlag(s, 'scales')!) : [100_000, 1_000_000, 3_000_000, 10_000_000];
  const campaignSize = countFlag(args['campaign-rows'], 'campaign-rows') ?? 200_000;
  const save = () => writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  try {
    if (only.includes('producer')) results.producer = await benchProducer(bench);
    save();
    if (only.includes('ingest')) results.ingest = await benchIngest(bench);
    save();
    if (only.includes('peers')) results.peers = await benchPeers(bench, results.ingest?.pipeline);
    save();
    if (only.includes('e2e')) results.endToEnd = await benchEndToEnd(bench);
    save();
    if (only.includes('freshness')) results.freshness = await benchFreshness(bench);
    save();
    if (only.includes('queries')) results.queries = await benchQueries(bench, scales, campaignSize);
    save();
    if (only.includes('live-writes')) results.liveWrites = await benchLiveWrites(bench);
    save();
  } finally {
    await deleteTopics(createKafka(config.kafka), bench.topics).catch(() => undefined);
    for (const file of ['events.tsv', 'donations.tsv']) if (existsSync(join(OUT, file))) rmSync(join(OUT, file));
    await db.close();
  }
  const md = markdown(results);
  writeFileSync(join(OUT, 'results.md'), md);
  await scaleChart(results);
  console.log(`\n${md}\nwritten to ${OUT}/results.{json,md}${results.queries ? ', scale.svg' : ''} and profiles/`);
});
