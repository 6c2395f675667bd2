/**
 * `npm run bench`: the kit against real peers, side by side in one run, on the same
 * broker and database. Not part of `npm test`. Writes out/bench/results.{json,md} and
 * out/bench/scale.svg; BENCHMARKS.md keeps the latest figures.
 *   1. producer: the kit's producer vs kcat, the same JSON lines to fresh topics
 *   2. ingest: the local pipeline (exactly once) vs LOAD DATA LOCAL INFILE of the same rows
 *   3. freshness: produce-to-visible under a steady 5k events/s
 *   4. queries at scale: naive vs optimized, p50/p95 per query and a full dashboard refresh
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import {
  Campaign, LocalPipeline, DONATION_COLUMN_NAMES, createKafka, createTopic, deleteTopics, dropDatabase, ensureDatabase, produceLine, topicOffsets,
  lineChart, measureDashboard, naiveTableDdl, optimizedTableDdl, percentile, produceCampaign, rowToTsv, transformDonation, tsvChunks,
  uniqueTopicName, formatUtc, ID_BLOCK, campaignsTableDdl, openDatabase, type Database, type KitConfig, type RefreshReport, type Row,
} from '@donations/lib';
import { countFlag, flags, progressLine, endProgress } from './cli.js';
import { ROOT, loadKitConfig, runScript } from './services.js';
import { up } from './up.js';

const USAGE = `usage: npm run bench -- [--events 500k] [--scales 0.1m,1m,3m,10m] [--campaign-rows 200k] [--only producer,ingest,freshness,queries] [--report-only]
  --report-only  rebuild results.md and scale.svg from out/bench/results.json without measuring`;
const OUT = join(ROOT, 'out', 'bench');
const FIXED_TIME = new Date('2026-01-15T12:00:00Z');
const BENCH_CAMPAIGN = 900_001;

interface Results {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; date: string };
  producer?: { events: number; kcatEventsPerSecond: number; kit: { batchSize: number; inFlight: number; eventsPerSecond: number }[]; bestRatio: number };
  ingest?: { rows: number; loadDataRowsPerSecond: number; pipeline: { method: string; rowsPerSecond: number }[]; bestRatio: number };
  freshness?: { rate: number; probes: number; p50Ms: number; p95Ms: number; maxMs: number };
  queries?: { campaignRows: number; scales: { rows: number; naive: RefreshReport; optimized: RefreshReport }[] };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  return work().then((value) => ({ value, seconds: (performance.now() - started) / 1000 }));
}

/** The bench's donations: the same seed every time, so every path loads the same events. */
function benchCampaign(): Campaign {
  return new Campaign({ id: BENCH_CAMPAIGN, seed: 7 });
}

/** `count` bench donations as table rows, transformed as the pipeline does. */
function* benchRows(count: number, at: (i: number) => Date = () => FIXED_TIME, campaign = benchCampaign()): Generator<Row> {
  for (let i = 0; i < count; i++) {
    const t = transformDonation(JSON.stringify(campaign.next(at(i))));
    if (t.ok) yield t.row;
  }
}

async function loadRows(db: Database, table: string, rows: Iterable<Row>, ignore = false): Promise<void> {
  await db.withConnection((connection) =>
    connection.loadData(
      `LOAD DATA LOCAL INFILE 'bench' ${ignore ? 'IGNORE ' : ''}INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`,
      () => Readable.from(tsvChunks(rows)),
    ),
  );
}

async function topicEnd(config: KitConfig, topic: string): Promise<number> {
  return (await topicOffsets(createKafka(config.kafka), topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.query<{ c: number }>(`SELECT COUNT(*) AS c FROM ${table}`);
  return Number(row!.c);
}

function runCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.trim().slice(-300)}`))));
  });
}

// ------------------------------------------------------------------ 1. producer vs kcat

async function benchProducer(config: KitConfig, events: number, topics: string[]): Promise<NonNullable<Results['producer']>> {
  const kafka = createKafka(config.kafka);
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'events.tsv');
  const out = createWriteStream(file);
  const generator = benchCampaign();
  for (let i = 0; i < events; i++) {
    const event = generator.next(FIXED_TIME);
    if (!out.write(`${event.transaction_id}\t${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const kcatTopic = uniqueTopicName('kit-bench-kcat');
  topics.push(kcatTopic);
  await createTopic(kafka, { topic: kcatTopic });
  const kcat = await timed(() => runCommand('kcat', ['-P', '-b', config.kafka.brokers.join(','), '-t', kcatTopic, '-K', '\t', '-X', 'acks=all', '-l', file]));
  const kcatRate = events / kcat.seconds;
  if ((await topicEnd(config, kcatTopic)) !== events) throw new Error('kcat did not deliver every event');
  console.log(`producer: kcat ${n(kcatRate)} events/s`);

  const kit: NonNullable<Results['producer']>['kit'] = [];
  for (const [batchSize, inFlight] of [
    [2_000, 4],
    [5_000, 4],
    [5_000, 8],
  ] as const) {
    const topic = uniqueTopicName('kit-bench-kit');
    topics.push(topic);
    await createTopic(kafka, { topic });
    const summary = await produceCampaign(kafka, { topic, campaign: benchCampaign(), count: events, batchSize, inFlight, clock: () => FIXED_TIME });
    if (summary.acknowledged !== events || (await topicEnd(config, topic)) !== events) throw new Error('the kit producer did not deliver every event');
    kit.push({ batchSize, inFlight, eventsPerSecond: Math.round((events * 1000) / summary.elapsedMs) });
    console.log(`producer: kit (batch ${batchSize}, ${inFlight} in flight) ${n(kit[kit.length - 1]!.eventsPerSecond)} events/s`);
  }
  const best = Math.max(...kit.map((k) => k.eventsPerSecond));
  return { events, kcatEventsPerSecond: Math.round(kcatRate), kit, bestRatio: Math.round((best / kcatRate) * 100) / 100 };
}

// ------------------------------------------------------------------ 2. ingest vs LOAD DATA

async function benchIngest(config: KitConfig, db: Database, events: number, sourceTopic: string): Promise<NonNullable<Results['ingest']>> {
  const kafka = createKafka(config.kafka);
  const pipeline: NonNullable<Results['ingest']>['pipeline'] = [];
  for (const writer of ['load-data', 'insert'] as const) {
    const table = `ingest_${writer.replace('-', '_')}`;
    await db.execute(`DROP TABLE IF EXISTS ${table}`);
    await db.execute(naiveTableDdl('mariadb', table).sql);
    const local = new LocalPipeline({ db, kafka }, { name: `bench_${table}`, topic: sourceTopic, table, format: 'donations-json' }, { writer });
    await local.drop();
    await local.create();
    const run = await timed(async () => {
      await local.start();
      await local.waitUntilCaughtUp({ timeoutMs: 600_000 });
    });
    await local.close();
    const loaded = await count(db, table);
    if (loaded !== events) throw new Error(`pipeline (${writer}) loaded ${loaded} of ${events} rows`);
    pipeline.push({ method: writer, rowsPerSecond: Math.round(events / run.seconds) });
    console.log(`ingest: pipeline (${writer}) ${n(events / run.seconds)} rows/s`);
  }

  await db.execute('DROP TABLE IF EXISTS ingest_reference');
  await db.execute(naiveTableDdl('mariadb', 'ingest_reference').sql);
  const load = await timed(() => loadRows(db, 'ingest_reference', benchRows(events), true));
  const loadRate = events / load.seconds;
  console.log(`ingest: LOAD DATA LOCAL INFILE ${n(loadRate)} rows/s`);
  const best = Math.max(...pipeline.map((p) => p.rowsPerSecond));
  return { rows: events, loadDataRowsPerSecond: Math.round(loadRate), pipeline, bestRatio: Math.round((best / loadRate) * 100) / 100 };
}

// ------------------------------------------------------------------ 3. freshness

async function benchFreshness(config: KitConfig, db: Database, topics: string[], rate = 5_000, seconds = 20): Promise<NonNullable<Results['freshness']>> {
  const kafka = createKafka(config.kafka);
  const topic = uniqueTopicName('kit-bench-fresh');
  topics.push(topic);
  await createTopic(kafka, { topic });
  await db.execute('DROP TABLE IF EXISTS freshness');
  await db.execute(naiveTableDdl('mariadb', 'freshness').sql);
  const local = new LocalPipeline({ db, kafka }, { name: 'bench_freshness', topic, table: 'freshness', format: 'donations-json' });
  await local.drop();
  await local.create();
  await local.start();
  const stream = produceCampaign(kafka, { topic, campaign: new Campaign({ id: BENCH_CAMPAIGN + 1, seed: 3 }), rate, durationMs: seconds * 1000 });
  const probes = new Campaign({ id: BENCH_CAMPAIGN + 2, seed: 4 });
  const latencies: number[] = [];
  const deadline = performance.now() + (seconds - 1) * 1000;
  await new Promise((r) => setTimeout(r, 1_000));
  while (performance.now() < deadline) {
    const event = probes.next();
    const sentAt = performance.now();
    await produceLine(kafka, topic, JSON.stringify(event), String(event.transaction_id));
    for (;;) {
      const rows = await db.query('SELECT 1 FROM freshness WHERE transaction_id = ?', [event.transaction_id]);
      if (rows.length) break;
      if (performance.now() - sentAt > 10_000) throw new Error('a probe was not visible after 10 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - sentAt);
    await new Promise((r) => setTimeout(r, 200));
  }
  await stream;
  await local.close();
  const result = { rate, probes: latencies.length, p50Ms: Math.round(percentile(latencies, 50)), p95Ms: Math.round(percentile(latencies, 95)), maxMs: Math.round(Math.max(...latencies)) };
  console.log(`freshness at ${n(rate)} events/s: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms over ${result.probes} probes`);
  return result;
}

// ------------------------------------------------------------------ 4. queries at scale

/**
 * Fills both tables to `target` rows with LOAD DATA from the same generator: campaigns of
 * `campaignRows` donations, the last one spread around now so that the windows hold rows.
 */
async function fillTo(db: Database, target: number, campaignRows: number, state: { rows: number; campaign: number }): Promise<void> {
  while (state.rows < target) {
    const count = Math.min(campaignRows, target - state.rows);
    const campaign = new Campaign({ id: state.campaign, seed: state.campaign });
    const isLast = state.rows + count >= target;
    const base = isLast ? Date.now() - 1_800_000 : FIXED_TIME.getTime() - (1_000 - state.campaign) * 86_400_000;
    const span = 3_600_000;
    for (const table of ['scale_naive', 'scale_optimized']) {
      const twin = new Campaign({ id: state.campaign, seed: state.campaign, cities: campaign.cities });
      await loadRows(db, table, benchRows(count, (i) => new Date(base + Math.floor((i / count) * span)), twin));
    }
    await db.execute('INSERT INTO campaigns (campaign_id, cities, seed, started_at, events_sent, first_transaction_id, last_transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      state.campaign, campaign.cities.map((c) => c.city).join(','), state.campaign, new Date(base), count, state.campaign * ID_BLOCK + 1, state.campaign * ID_BLOCK + count,
    ]);
    state.rows += count;
    state.campaign += 1;
    progressLine(`queries: loaded ${n(state.rows)} of ${n(target)} rows into both tables`);
  }
  endProgress();
  for (const table of ['scale_naive', 'scale_optimized']) await db.execute(`ANALYZE TABLE ${table}`);
}

async function benchQueries(db: Database, scales: number[], campaignRows: number): Promise<NonNullable<Results['queries']>> {
  for (const table of ['scale_naive', 'scale_optimized', 'campaigns']) await db.execute(`DROP TABLE IF EXISTS ${table}`);
  await db.execute(naiveTableDdl('mariadb', 'scale_naive').sql);
  await db.execute(optimizedTableDdl('mariadb', 'scale_optimized').sql);
  await db.execute(campaignsTableDdl('mariadb').sql);
  const state = { rows: 0, campaign: 1 };
  const results: NonNullable<Results['queries']>['scales'] = [];
  for (const scale of [...scales].sort((a, b) => a - b)) {
    await fillTo(db, scale, campaignRows, state);
    const campaignId = state.campaign - 1;
    // One warm-up refresh, then the measured ones: fewer where each takes seconds.
    const measure = (table: string) => measureDashboard(db, { campaignId, table, budgetMs: 250, refreshes: table === 'scale_naive' && scale >= 3_000_000 ? 5 : 20 });
    const naive = await measure('scale_naive');
    const optimized = await measure('scale_optimized');
    results.push({ rows: state.rows, naive, optimized });
    console.log(`queries at ${n(state.rows)} rows: full refresh p95 naive ${naive.p95Ms} ms, optimized ${optimized.p95Ms} ms`);
  }
  return { campaignRows, scales: results };
}

// ------------------------------------------------------------------ report

function markdown(results: Results): string {
  const lines: string[] = [];
  const m = results.machine;
  lines.push(`Measured ${m.date} on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; Kafka 3.9.1 and MariaDB 10.11 as local processes (\`npm run up\`).`, '');
  const goal = (ok: boolean) => (ok ? 'reached' : 'missed');
  if (results.producer) {
    const p = results.producer;
    lines.push(`### Producer: the kit vs kcat, ${n(p.events)} identical JSON events`, '', '| producer | settings | events/s | ratio to kcat |', '|---|---|---:|---:|');
    lines.push(`| kcat | librdkafka defaults, acks=all | ${n(p.kcatEventsPerSecond)} | 1.00 |`);
    for (const k of p.kit) lines.push(`| kit (kafkajs) | batch ${n(k.batchSize)}, ${k.inFlight} in flight, acks=all | ${n(k.eventsPerSecond)} | ${(k.eventsPerSecond / p.kcatEventsPerSecond).toFixed(2)} |`);
    lines.push('', `Goal >= 0.8x kcat: **${goal(p.bestRatio >= 0.8)}** (best ${p.bestRatio.toFixed(2)}x).`, '');
  }
  if (results.ingest) {
    const i = results.ingest;
    lines.push(`### Ingest: the local pipeline vs LOAD DATA, ${n(i.rows)} rows into the naive schema`, '', '| path | rows/s | ratio to LOAD DATA |', '|---|---:|---:|');
    lines.push(`| LOAD DATA LOCAL INFILE (one statement, no Kafka) | ${n(i.loadDataRowsPerSecond)} | 1.00 |`);
    for (const p of i.pipeline) lines.push(`| pipeline, Kafka to table, exactly once (${p.method}) | ${n(p.rowsPerSecond)} | ${(p.rowsPerSecond / i.loadDataRowsPerSecond).toFixed(2)} |`);
    lines.push('', `Goal >= 0.7x LOAD DATA: **${goal(i.bestRatio >= 0.7)}** (best ${i.bestRatio.toFixed(2)}x).`, '');
  }
  if (results.freshness) {
    const f = results.freshness;
    lines.push(`### Freshness: produce to visible in a query, under ${n(f.rate)} events/s`, '', `${f.probes} probes: p50 **${f.p50Ms} ms**, p95 **${f.p95Ms} ms**, max ${f.maxMs} ms. Goal p95 <= 1 s: **${goal(f.p95Ms <= 1000)}**.`, '');
  }
  if (results.queries) {
    const q = results.queries;
    lines.push(`### Queries at scale (campaigns of ${n(q.campaignRows)} rows; 7 panels in parallel, 250 ms refresh)`, '');
    for (const s of q.scales) {
      lines.push(`#### ${n(s.rows)} rows`, '', '| query | naive p50 | naive p95 | optimized p50 | optimized p95 | speed-up (p50) |', '|---|---:|---:|---:|---:|---:|');
      s.naive.perPanel.forEach((nq, idx) => {
        const oq = s.optimized.perPanel[idx]!;
        lines.push(`| Q${nq.number} ${nq.title} | ${nq.p50Ms} | ${nq.p95Ms} | ${oq.p50Ms} | ${oq.p95Ms} | ${(nq.p50Ms / Math.max(oq.p50Ms, 0.01)).toFixed(1)}x |`);
      });
      lines.push(`| **full refresh** | ${s.naive.p50Ms} | ${s.naive.p95Ms} | ${s.optimized.p50Ms} | ${s.optimized.p95Ms} | ${(s.naive.p50Ms / Math.max(s.optimized.p50Ms, 0.01)).toFixed(1)}x |`, '');
    }
    const top = q.scales[q.scales.length - 1];
    if (top) {
      const worstQuery = Math.max(...top.optimized.perPanel.map((x) => x.p95Ms));
      const aggregates = top.naive.perPanel.slice(0, 5).map((nq, idx) => nq.p50Ms / Math.max(top.optimized.perPanel[idx]!.p50Ms, 0.01));
      lines.push(`At ${n(top.rows)} rows: every optimized query p95 <= 50 ms: **${goal(worstQuery <= 50)}** (worst ${worstQuery} ms); full refresh p95 <= 250 ms: **${goal(top.optimized.p95Ms <= 250)}** (${top.optimized.p95Ms} ms); speed-up >= 20x on the campaign aggregates (Q1-Q5): **${goal(Math.min(...aggregates) >= 20)}** (${aggregates.map((a) => `${a.toFixed(0)}x`).join(', ')}).`, '');
    }
  }
  return lines.join('\n');
}

async function scaleChart(results: Results): Promise<void> {
  if (!results.queries) return;
  const points = results.queries.scales.flatMap((s) => [
    { x: s.rows, y: Math.max(s.naive.p95Ms, 0.1), series: 'naive: full refresh p95' },
    { x: s.rows, y: Math.max(s.optimized.p95Ms, 0.1), series: 'optimized: full refresh p95' },
    { x: s.rows, y: Math.max(Math.max(...s.naive.perPanel.map((q) => q.p50Ms)), 0.1), series: 'naive: slowest query p50' },
    { x: s.rows, y: Math.max(Math.max(...s.optimized.perPanel.map((q) => q.p50Ms)), 0.1), series: 'optimized: slowest query p50' },
  ]);
  writeFileSync(join(OUT, 'scale.svg'), await lineChart(points, { title: 'Dashboard latency as rows grow (dashed: 250 ms)', xTitle: 'rows', yTitle: 'ms (log)', budget: 250, logY: true, width: 560 }));
}

await runScript(async () => {
  const args = flags({ events: { type: 'string' }, scales: { type: 'string' }, 'campaign-rows': { type: 'string' }, only: { type: 'string' }, 'report-only': { type: 'boolean' } }, USAGE);
  if (args.help) return console.log(USAGE);
  if (args['report-only']) {
    const saved = JSON.parse(readFileSync(join(OUT, 'results.json'), 'utf8')) as Results;
    writeFileSync(join(OUT, 'results.md'), markdown(saved));
    await scaleChart(saved);
    return console.log(`rebuilt ${OUT}/results.md and scale.svg`);
  }
  await up({ quiet: true });
  const base = loadKitConfig();
  const config: KitConfig = { ...base, database: { ...base.database, database: 'kit_bench' } };
  const events = countFlag(args.events, 'events') ?? 500_000;
  const scales = typeof args.scales === 'string' ? args.scales.split(',').map((s) => countFlag(s, 'scales')!) : [100_000, 1_000_000, 3_000_000, 10_000_000];
  const campaignRows = countFlag(args['campaign-rows'], 'campaign-rows') ?? 200_000;
  const only = typeof args.only === 'string' ? args.only.split(',') : ['producer', 'ingest', 'freshness', 'queries'];
  await dropDatabase(config.database, 'kit_bench');
  await ensureDatabase(config.database);
  const db = openDatabase(config.database, { connectionLimit: 10 });
  const kafka = createKafka(config.kafka);
  const topics: string[] = [];
  const cpu = cpus();
  const results: Results = { machine: { cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: formatUtc(new Date()) } };
  mkdirSync(OUT, { recursive: true });
  try {
    if (only.includes('producer') || only.includes('ingest')) results.producer = await benchProducer(config, events, topics);
    if (only.includes('ingest')) results.ingest = await benchIngest(config, db, events, topics[1]!);
    if (only.includes('freshness')) results.freshness = await benchFreshness(config, db, topics);
    if (only.includes('queries')) results.queries = await benchQueries(db, scales, campaignRows);
  } finally {
    await deleteTopics(kafka, topics).catch(() => undefined);
    await db.close();
  }
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2));
  const md = markdown(results);
  writeFileSync(join(OUT, 'results.md'), md);
  await scaleChart(results);
  console.log(`\n${md}\nwritten to ${OUT}/results.{json,md}${results.queries ? ' and scale.svg' : ''}`);
});
