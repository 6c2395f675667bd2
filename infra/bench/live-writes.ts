/** The live-writes part: the kit's layout while rows arrive, as lesson 07. */
import { Readable } from 'node:stream';
import { LESSON_REFRESHES, LocalPipeline, DONATION_COLUMN_NAMES, createKafka, measureDashboard, openDatabase, produceCampaign, startCampaign, tsvChunks, type RefreshReport } from '@donations/lib';
import { endProgress, progressLine } from '../cli.js';
import { campaignRows } from './events.js';
import { load, runWorker, sleep, startWorker } from './measure.js';
import type { Results } from './report.js';
import { freshTable, n, newTopic, type Bench } from './context.js';

/**
 * Why lesson 07's live part slows the kit's layout: 500k rows in campaigns of 25k (an hour
 * each, the last ending now), then the dashboard on the last campaign, measured as in the
 * lessons, while nothing writes; while 1,000 rows/s are inserted into that campaign; while
 * they go to another campaign (the same work for the server, on other pages); and while the
 * kit's producer and pipeline, in this process as in the lesson, bring them into it.
 */
export async function benchLiveWrites(bench: Bench, rows = 500_000, campaignSize = 25_000, rate = 1_000): Promise<NonNullable<Results['liveWrites']>> {
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
