/** `npm run bench`'s options, and the run: the parts asked for, in order, then the report. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { checkDatabase, createKafka, deleteTopics, dropDatabase, ensureCampaignsTable, ensureDatabase, formatUtc, isKafkaReachable, openDatabase, startCampaign, type KitConfig } from '@donations/lib';
import { countFlag, flags } from '../cli.js';
import { loadKitConfig } from '../services.js';
import { up } from '../up.js';
import { KAFKA_RELEASES, lockedKafkaVersion, readJarLock } from '../kafka-jars.js';
import { CONNECT_LOCKS } from '../connect/lock-jars.js';
import { FIXED_TIME } from './events.js';
import { load, servicePids } from './measure.js';
import { markdown, scaleChart, type Results } from './report.js';
import { BENCH_DATABASE, OUT, PROFILES, SEED, type Bench } from './context.js';
import { benchProducer } from './producer.js';
import { benchIngest } from './ingest.js';
import { benchPeers } from './peers.js';
import { benchEndToEnd } from './e2e.js';
import { benchFreshness } from './freshness.js';
import { benchQueries } from './queries.js';
import { benchLiveWrites } from './live-writes.js';

const USAGE = `usage: npm run bench -- [--events 500k] [--repeat 3] [--scales 0.1m,1m,3m,10m] [--campaign-rows 200k] [--connect-batch 5000]
                       [--only producer,ingest,peers,e2e,freshness,queries,live-writes] [--no-profile] [--report-only]
  --report-only  rebuild results.md and scale.svg from out/bench/results.json without measuring`;
const PARTS = ['producer', 'ingest', 'peers', 'e2e', 'freshness', 'queries', 'live-writes'] as const;

export async function main(): Promise<void> {
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
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? '?',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      date: formatUtc(new Date()),
      loadAtStart: load(),
      // The locked releases: the broker's line (KIT_KAFKA_VERSION) and the Connect worker's.
      kafka: lockedKafkaVersion(readJarLock(KAFKA_RELEASES[config.kit.kafkaVersion].lock)),
      connect: readJarLock(CONNECT_LOCKS.runtime.lock).jars.find((jar) => jar.id.startsWith('org.apache.kafka:connect-runtime:'))?.id.split(':')[2],
    },
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
}
