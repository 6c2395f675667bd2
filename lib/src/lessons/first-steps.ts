/**
 * Steps of lessons 00 to 04: the target, the quick start's table and live counts, the
 * donations topic, the naive table and its pipeline, a campaign collecting live, and the
 * seven queries with their charts. Each shows the statement that runs on this target.
 */
import { ensureCampaignsTable, latestCampaign, resumeCampaign, startCampaign } from '../campaigns/ledger.js';
import { formatReconciliation, reconcileCampaign } from '../campaigns/reconcile.js';
import { produceDonations } from '../campaigns/produce.js';
import type { Campaign } from '../campaigns/generator.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { topicPartitionsFor } from '../targets/index.js';
import { DONATIONS_TABLE, MESSAGES_TABLE, messagesTableDdl, naiveTableDdl, suggestedIndexes } from '../database/schema.js';
import { createTopic } from '../kafka/admin.js';
import { produceLine } from '../kafka/kcat.js';
import { formatProgress, type ProduceSummary } from '../kafka/producer.js';
import { barChart, cityMap, type CityAmount } from '../notebook/charts.js';
import { formatEur, htmlTable, sqlBlock } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import { createPipeline } from '../pipeline/create.js';
import { DONATIONS_PIPELINE } from '../pipeline/donations.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { statementsRun, type Block, type Shown } from './screen.js';
import { count } from './verdict.js';

export function whichTarget(lesson: Lesson): string {
  return lesson.onSingleStore
    ? 'Target: SingleStore. Pipelines, SHARD KEY and SORT KEY run for real.'
    : "Target: MariaDB. SingleStore-only steps show their SQL and run the kit's analog, labelled as such.";
}

/** The DDL a lesson runs: SingleStore's, and beside it the analog where that is what runs. */
function ddlBlocks(lesson: Lesson, singleStore: string, here: string, analogNote: string): Block[] {
  if (lesson.onSingleStore) return [{ markdown: sqlBlock(singleStore, 'Runs as shown:') }];
  return [{ markdown: sqlBlock(singleStore, 'On SingleStore:') }, { markdown: sqlBlock(here, analogNote) }];
}

/** Lesson 02's one-column table. */
export async function createMessagesTable(lesson: Lesson): Promise<Shown> {
  const here = messagesTableDdl(lesson.db.target).sql;
  await lesson.db.execute(here);
  return { blocks: [...ddlBlocks(lesson, messagesTableDdl('singlestore').sql, here, "What runs here, the same table with MariaDB's engine clause:"), `table ${MESSAGES_TABLE} is ready`] };
}

/** Produces a timestamp every 250 ms for 3 s while counting the table's rows every half second. */
export async function produceWhileCounting(lesson: Lesson, pipeline: Pipeline, topic = lesson.testTopic): Promise<Shown> {
  const counts: { second: number; rows: number }[] = [];
  const started = Date.now();
  const producing = (async () => {
    for (let i = 0; i < 12; i++) {
      await produceLine(lesson.kafka, topic, new Date().toISOString());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  while (Date.now() - started < 4_000) {
    const [row] = await lesson.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${MESSAGES_TABLE}`);
    counts.push({ second: Math.round((Date.now() - started) / 100) / 10, rows: Number(row!.n) });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await producing;
  await pipeline.waitUntilCaughtUp();
  return { blocks: [{ html: htmlTable(counts, { caption: `rows in ${MESSAGES_TABLE} while producing` }) }] };
}

/** The donations topic, with as many partitions as the database has, and the campaigns table. */
export async function prepareDonations(lesson: Lesson): Promise<Shown> {
  const partitions = await topicPartitionsFor(lesson.db);
  const created = await createTopic(lesson.kafka, { partitions });
  await ensureCampaignsTable(lesson.db);
  return { blocks: [`topic ${lesson.kafka.topic}: ${created.created ? 'created' : 'already there'}, ${partitions} partition(s), one per database partition`] };
}

/** The original's table: a primary key and nothing else. */
export async function createNaiveTable(lesson: Lesson): Promise<Shown> {
  const here = naiveTableDdl(lesson.db.target).sql;
  await lesson.db.execute(here);
  return { blocks: [...ddlBlocks(lesson, naiveTableDdl('singlestore').sql, here, "What runs here, the same table with MariaDB's engine clause:"), `${DONATIONS_TABLE} is ready`] };
}

/** The donations pipeline into `table`, created (or kept) and stopped; shows its CREATE PIPELINE. */
export async function createDonationsPipeline(lesson: Lesson, table = DONATIONS_TABLE, name = DONATIONS_PIPELINE): Promise<Pipeline> {
  const pipeline = createPipeline(lesson, { name, topic: lesson.kafka.topic, table, format: 'donations-json' });
  lesson.show({ markdown: sqlBlock(pipeline.statements.create(), lesson.runsHere) });
  await pipeline.create();
  // TEST needs a stopped pipeline (it may still run from an earlier run of the lesson).
  await pipeline.stop();
  return pipeline;
}

/** TEST PIPELINE: the first messages as rows, without loading them. */
export async function testPipeline(lesson: Lesson, pipeline: Pipeline, limit = 3): Promise<Shown> {
  const tested = await pipeline.test(limit);
  const partitions = new Set(tested.map((t) => t.partition)).size;
  const where = partitions > 1
    ? "of each partition: messages are keyed by transaction id, so a partition's ids skip the ids of the others"
    : "of the topic's one partition, in offset order";
  return {
    blocks: [
      { markdown: sqlBlock(pipeline.statements.test(limit), lesson.runsHere) },
      { html: htmlTable(tested.map((t) => ({ partition: t.partition, offset: t.offset, ...(t.row ?? { error: t.error }) })), { caption: `TEST PIPELINE ... LIMIT ${limit}: the first messages ${where}` }) },
    ],
  };
}

/** Starts the pipeline and waits until it has loaded everything in the topic. */
export async function startAndCatchUp(lesson: Lesson, pipeline: Pipeline, table = DONATIONS_TABLE): Promise<Shown> {
  const progress = lesson.screen.live();
  await pipeline.start();
  await pipeline.waitUntilCaughtUp({ timeoutMs: 600_000, onProgress: (loaded, end) => progress.text(`${count(loaded)} of ${count(end)} messages loaded`) });
  progress.text('');
  const [row] = await lesson.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return { blocks: [`the pipeline caught up with the topic: ${count(Number(row!.n))} rows in ${table}`] };
}

export interface LiveCollection extends Shown {
  campaign: Campaign;
  summary: ProduceSummary;
}

/** The latest campaign keeps collecting for `seconds` at `rate`, while the pipeline loads. */
export async function collectLive(lesson: Lesson, pipeline: Pipeline, options: { rate: number; seconds: number }): Promise<LiveCollection> {
  const latest = await latestCampaign(lesson.db);
  const campaign = latest ? await resumeCampaign(lesson.db, latest.campaignId) : await startCampaign(lesson.db);
  const progress = lesson.screen.live();
  await pipeline.start();
  const summary = await produceDonations(lesson, { campaign, rate: options.rate, durationMs: options.seconds * 1000, onProgress: (p) => progress.text(`live: ${formatProgress(p)}`) });
  await pipeline.waitUntilCaughtUp();
  progress.text('');
  const cities = campaign.cities.map((c) => c.city).join(', ');
  return { campaign, summary, blocks: [`campaign ${campaign.id} (${cities}): ${count(summary.acknowledged)} live donations added over ${(summary.elapsedMs / 1000).toFixed(0)} s`] };
}

/** The producer's acknowledged tally against a table, with the count it ran. */
export async function reconcile(lesson: Lesson, campaignId: number, options: { pipeline?: Pipeline; table?: string } = {}): Promise<Shown & { exact: boolean }> {
  const result = await reconcileCampaign(lesson.db, campaignId, options);
  return { exact: result.exact, blocks: [formatReconciliation(result), statementsRun('The SQL it ran', [result.statement])] };
}

export interface QueryResults extends Shown {
  campaignId: number;
  rows: Map<number, Record<string, unknown>[]>;
}

/** The seven queries on one campaign, each with its SQL and its result. */
export async function runDashboardQueries(lesson: Lesson, campaignId: number, table?: string): Promise<QueryResults> {
  const rows = new Map<number, Record<string, unknown>[]>();
  const blocks: Block[] = [];
  for (const query of DASHBOARD_QUERIES) {
    const result = await query.run(lesson.db, { campaignId }, table);
    rows.set(query.number, result);
    blocks.push({ markdown: `### ${query.number} · ${query.title}\n\n${sqlBlock(query.sql(table))}` }, { html: htmlTable(result, { maxRows: 10, empty: 'no rows: nothing in this window' }) });
  }
  return { campaignId, rows, blocks };
}

/** Query 4 on a map; query 5 against query 7 per organization, and query 6 per city. */
export async function campaignCharts(results: QueryResults): Promise<Shown> {
  // In name order, so that the same organization sits on the same row in both charts.
  const bars = (n: number, label: string) => results.rows.get(n)!.map((r) => ({ label: String(r[label]), value: Number(r.total_donation_amount) })).sort((a, b) => a.label.localeCompare(b.label));
  const whole = Number(results.rows.get(2)![0]?.total_donation_amount ?? 0);
  const window35 = results.rows.get(6)!.reduce((sum, r) => sum + Number(r.total_donation_amount), 0);
  return {
    blocks: [
      { html: await cityMap(results.rows.get(4) as unknown as CityAmount[], { title: `Campaign ${results.campaignId}: donations per city` }) },
      { html: await barChart(bars(5, 'organization'), { title: 'Query 5: the whole campaign per organization', valueTitle: 'EUR', format: ',.0f' }) },
      { html: await barChart(bars(7, 'organization'), { title: 'Query 7: the last 28 s per organization', valueTitle: 'EUR', format: ',.0f' }) },
      { html: await barChart(bars(6, 'city'), { title: 'Query 6: the last 35 s per city', valueTitle: 'EUR', format: ',.0f' }) },
      `the campaign holds ${formatEur(whole)}; its last 35 s, ${formatEur(window35)}`,
    ],
  };
}

export function suggestedIndexesTable(): Shown {
  return { blocks: [{ html: htmlTable(suggestedIndexes().map((i) => ({ query: i.query, 'the original': i.original, 'the kit (MariaDB)': `${i.sql};` }))) }] };
}
