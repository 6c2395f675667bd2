/**
 * One measured run of `npm run bench`, in a process of its own: a fresh JIT and heap for
 * every path, a CPU profile when started with `node --cpu-prof`, and a pid to kill -9.
 *
 *   node --import tsx infra/bench/worker.ts produce  --topic T --campaign ID --seed S --count N [--envelope] [--batch 2000] [--in-flight 4]
 *                                                    [--rate R --live --first-sequence Q]  (R events/s, stamped now, from sequence Q)
 *   node --import tsx infra/bench/worker.ts ingest   --topic T --table X --name P [--totals] [--writer load-data|insert]
 *   node --import tsx infra/bench/worker.ts e2e      --topic T --table X --name P --campaign ID --seed S --count N
 *   node --import tsx infra/bench/worker.ts pipeline --topic T --table X --name P      (runs until killed)
 *
 * --profile FILE writes a V8 CPU profile of the measured work only (not the process's start,
 * module loading included), as `node --cpu-prof` would.
 * The database comes from BENCH_DATABASE (the bench's scratch database), the rest from .env.
 * The last line on stdout is `RESULT {json}`; `pipeline` prints `BATCH {json}` per batch.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { LocalPipeline, createKafka, describeError, openDatabase, produceCampaign, produceCampaignOffThread, type ProduceSummary, type WriterName } from '@donations/lib';
import { BENCH_CLOCK, FIXED_TIME, benchCampaign, encodeEnvelope } from './events.js';
import { loadKitConfig } from '../services.js';

const [mode, ...rest] = process.argv.slice(2);
const { values: args } = parseArgs({
  args: rest,
  options: {
    topic: { type: 'string' },
    table: { type: 'string' },
    name: { type: 'string' },
    campaign: { type: 'string' },
    seed: { type: 'string' },
    count: { type: 'string' },
    batch: { type: 'string' },
    'in-flight': { type: 'string' },
    writer: { type: 'string' },
    envelope: { type: 'boolean' },
    totals: { type: 'boolean' },
    profile: { type: 'string' },
    rate: { type: 'string' },
    live: { type: 'boolean' },
    'first-sequence': { type: 'string' },
  },
});

function required(name: keyof typeof args): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`worker ${mode}: --${name} is required`);
  return value;
}

const base = loadKitConfig();
const config = { ...base, database: { ...base.database, database: process.env.BENCH_DATABASE ?? 'kit_bench' } };
const kafka = createKafka(config.kafka);
const db = openDatabase(config.database);

/** CPU seconds this process used since `from` (user + system), for the measured window only. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

function result(value: object, cpuFrom: NodeJS.CpuUsage): void {
  process.stdout.write(`RESULT ${JSON.stringify({ ...value, cpuSeconds: cpuSince(cpuFrom) })}\n`);
}

async function produce(): Promise<ProduceSummary> {
  const campaign = benchCampaign(Number(required('campaign')), Number(required('seed')), args['first-sequence'] ? Number(args['first-sequence']) : 1);
  const summary = await produceCampaign(kafka, {
    topic: required('topic'),
    campaign,
    count: Number(required('count')),
    rate: args.rate ? Number(args.rate) : undefined,
    batchSize: args.batch ? Number(args.batch) : undefined,
    inFlight: args['in-flight'] ? Number(args['in-flight']) : undefined,
    clock: args.live ? undefined : BENCH_CLOCK,
    encode: args.envelope ? encodeEnvelope : undefined,
  });
  return summary;
}

function pipelineFor(): LocalPipeline {
  return new LocalPipeline(
    { db, kafka },
    { name: required('name'), topic: required('topic'), table: required('table'), format: 'donations-json' },
    { writer: (args.writer as WriterName | undefined) ?? 'load-data', keepTotals: args.totals ?? false },
  );
}

async function ingest(): Promise<{ seconds: number; batches: number }> {
  const pipeline = pipelineFor();
  await pipeline.drop();
  await pipeline.create();
  let batches = 0;
  pipeline.onBatch(() => (batches += 1));
  const started = performance.now();
  await pipeline.start();
  await pipeline.waitUntilCaughtUp({ timeoutMs: 1_200_000 });
  const seconds = (performance.now() - started) / 1000;
  await pipeline.close();
  return { seconds, batches };
}

/** Produce and load at once, in one process, as notebook 05 does: the producer in a thread of its own, the pipeline on the main one. */
async function endToEnd(): Promise<{ seconds: number; produceSeconds: number; acknowledged: number }> {
  const pipeline = pipelineFor();
  await pipeline.drop();
  await pipeline.create();
  await pipeline.start();
  const started = performance.now();
  // Every donation stamped FIXED_TIME, as the other paths' (a clock cannot cross to the thread, a time span can).
  const count = Number(required('count'));
  const summary = await produceCampaignOffThread(kafka, { topic: required('topic'), campaign: benchCampaign(Number(required('campaign')), Number(required('seed'))), count, backdate: { from: FIXED_TIME, to: FIXED_TIME } });
  const produceSeconds = (performance.now() - started) / 1000;
  await pipeline.waitUntilCaughtUp({ timeoutMs: 1_200_000 });
  const seconds = (performance.now() - started) / 1000;
  await pipeline.close();
  return { seconds, produceSeconds, acknowledged: summary.acknowledged };
}

/** Runs until killed; one line per committed batch, so that the bench can kill it mid-load. */
async function runPipeline(): Promise<never> {
  const pipeline = pipelineFor();
  await pipeline.create();
  pipeline.onBatch((batch) => process.stdout.write(`BATCH ${JSON.stringify({ rows: batch.rows, partition: batch.partition })}\n`));
  await pipeline.start();
  process.stdout.write('STARTED\n');
  return new Promise<never>(() => undefined);
}

/** Runs `work` under the V8 sampling profiler when --profile is given. */
async function profiled<T>(work: () => Promise<T>): Promise<T> {
  if (!args.profile) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const value = await work();
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(args.profile, JSON.stringify(profile));
  session.disconnect();
  return value;
}

try {
  const cpuFrom = process.cpuUsage();
  if (mode === 'produce') result(await profiled(produce), cpuFrom);
  else if (mode === 'ingest') result(await profiled(ingest), cpuFrom);
  else if (mode === 'e2e') result(await profiled(endToEnd), cpuFrom);
  else if (mode === 'pipeline') await runPipeline();
  else throw new Error(`worker: unknown mode "${mode}" (produce, ingest, e2e, pipeline)`);
  await db.close();
  process.exit(0);
} catch (error) {
  console.error(`error: ${describeError(error)}`);
  process.exit(1);
}
