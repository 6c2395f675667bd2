/**
 * Lesson 05's step: the naive table grown campaign by campaign through the real path
 * (producer, Kafka, pipeline), the dashboard measured on the newest campaign at each step.
 * Every campaign it adds holds the same number of donations, so that from one step to the
 * next only the table grows.
 */
import { endCampaign, latestCampaign, startCampaign } from '../campaigns/ledger.js';
import { produceDonations } from '../campaigns/produce.js';
import { measureDashboard, type RefreshReport } from '../dashboard/refresh.js';
import { DONATIONS_TABLE } from '../database/schema.js';
import { formatProgress } from '../kafka/producer.js';
import { htmlTable } from '../notebook/html.js';
import { lineChart } from '../notebook/charts.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Lesson } from '../notebook/lesson.js';
import { mergeReports, upperFigure } from './measure.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { saveLessonFigures } from './record.js';
import { NAIVE_GROWTH } from './shared.js';
import type { Block, Shown } from './screen.js';
import { count, ms, times } from './verdict.js';

export interface GrowthStep {
  rows: number;
  campaignId: number;
  campaignDonations: number;
  /** Rows per second from the step's first donation produced to its last loaded; null for the table as found. */
  produceAndLoadRowsPerSecond: number | null;
  report: RefreshReport;
}

export interface Growth extends Shown {
  campaignRows: number;
  steps: GrowthStep[];
  /** The campaign measured last: lessons 06 to 09 measure it too. */
  campaignId: number;
}

export interface GrowOptions {
  /** Shares of WORKSHOP_ROWS to measure at (default 5%, 10%, 25%, 50%, 75%, 100%). */
  shares?: readonly number[];
  /** Refreshes timed at each step, at least, after one warm-up (default 5; more while they take under 5 s). */
  refreshes?: number;
}

const HOUR = 3_600_000;
const MIN_STEP_MS = 5_000;

export async function growNaiveTable(lesson: Lesson, pipeline: Pipeline, options: GrowOptions = {}): Promise<Growth> {
  const { db } = lesson;
  const budgetMs = lesson.config.workshop.refreshMs;
  const targetRows = lesson.config.workshop.rows;
  const campaignRows = Math.max(1_000, Math.round(targetRows * 0.05));
  const refreshes = options.refreshes ?? 5;
  const progress = lesson.screen.live();
  const countRows = async (campaignId?: number) =>
    Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${DONATIONS_TABLE}${campaignId === undefined ? '' : ' WHERE campaign_id = ?'}`, campaignId === undefined ? [] : [campaignId]))[0]!.n);
  // At least `refreshes`, and at least 5 s of them: a small table's refreshes are cheap, and
  // more of them keep a busy moment of the machine from setting the step's figure.
  const measure = async (campaignId: number) => {
    const first = await measureDashboard(db, { campaignId, budgetMs, refreshes });
    if (first.elapsedMs >= MIN_STEP_MS) return first;
    const more = await measureDashboard(db, { campaignId, budgetMs, durationMs: MIN_STEP_MS - first.elapsedMs, warmUp: false });
    return mergeReports([first, more], DASHBOARD_QUERIES);
  };

  const steps: GrowthStep[] = [];
  const startRows = await countRows();
  const earlier = await latestCampaign(db);
  if (startRows > 0 && earlier) {
    progress.text(`the table as lessons 03-04 left it: ${count(startRows)} rows, measuring campaign ${earlier.campaignId}...`);
    steps.push({ rows: startRows, campaignId: earlier.campaignId, campaignDonations: await countRows(earlier.campaignId), produceAndLoadRowsPerSecond: null, report: await measure(earlier.campaignId) });
  }
  let targets = (options.shares ?? [0.05, 0.1, 0.25, 0.5, 0.75, 1]).map((share) => Math.round(targetRows * share)).filter((rows) => rows > startRows);
  // A curve needs two points: past every share already, grow by one campaign twice.
  if (targets.length < 2) targets = [startRows + campaignRows, startRows + 2 * campaignRows];

  // Each campaign collected during an hour in the past, the last ending 2 minutes ago; each
  // ends when the next starts, so the last one is still collecting: the dashboard's.
  let toCome = Math.ceil((targets[targets.length - 1]! - startRows) / campaignRows);
  let collecting = earlier?.campaignId;
  let collectingEnds = new Date();
  let rows = startRows;
  for (const target of targets) {
    const before = rows;
    const started = performance.now();
    while (rows < target) {
      toCome = Math.max(0, toCome - 1);
      const ends = Date.now() - toCome * HOUR - 120_000;
      if (collecting !== undefined) await endCampaign(db, collecting, collectingEnds);
      const campaign = await startCampaign(db, { startedAt: new Date(ends - HOUR) });
      await produceDonations(lesson, {
        campaign, count: campaignRows, backdate: { from: new Date(ends - HOUR), to: new Date(ends) },
        onProgress: (p) => progress.text(`step ${steps.length + 1}, campaign ${campaign.id}: ${formatProgress(p)}`),
      });
      collecting = campaign.id;
      collectingEnds = new Date(ends);
      rows += campaignRows;
    }
    await pipeline.waitUntilCaughtUp({ timeoutMs: 1_800_000, onProgress: (loaded, end) => progress.text(`step ${steps.length + 1}, loading: ${count(loaded)} of ${count(end)} messages`) });
    const seconds = (performance.now() - started) / 1000;
    rows = await countRows();
    progress.text(`step ${steps.length + 1}: ${count(rows)} rows, measuring the dashboard on campaign ${collecting}...`);
    steps.push({ rows, campaignId: collecting!, campaignDonations: await countRows(collecting), produceAndLoadRowsPerSecond: Math.round((rows - before) / seconds), report: await measure(collecting!) });
  }
  progress.text('');
  const last = steps[steps.length - 1]!;
  await saveLessonFigures(db, NAIVE_GROWTH, { campaignId: last.campaignId, rows: last.rows, campaignDonations: last.campaignDonations, report: last.report });
  return { campaignRows, steps, campaignId: collecting!, blocks: await growthBlocks(steps, campaignRows, budgetMs) };
}

async function growthBlocks(steps: readonly GrowthStep[], campaignRows: number, budgetMs: number): Promise<(Block | string)[]> {
  const table = htmlTable(steps.map((s) => ({
    rows: s.rows,
    campaign: s.campaignId,
    'its donations': s.campaignDonations,
    'produce and load rows/s': s.produceAndLoadRowsPerSecond ?? '(03-04)',
    refreshes: s.report.refreshes,
    ...Object.fromEntries(s.report.perPanel.map((p) => [`Q${p.number}`, p.p50Ms])),
    'refresh median ms': s.report.p50Ms,
    'slowest ms': s.report.worstMs,
    [`over ${budgetMs} ms`]: `${s.report.late} of ${s.report.refreshes}`,
  })), { caption: "The dashboard on the naive table, the 7 panels at once: each panel's median (Q1-Q7, ms), the refresh's median and slowest, after a warm-up" });
  // The curve only: a point measured on another campaign's size is in the table, not on the line.
  const chart = await lineChart(comparableSteps(steps, campaignRows).flatMap((s) => [
    { x: s.rows, y: s.report.p50Ms, series: 'full refresh, median' },
    { x: s.rows, y: s.report.worstMs, series: 'full refresh, slowest' },
  ]), { title: `A full refresh of the seven panels as the table grows (dashed: the ${budgetMs} ms refresh)`, xTitle: 'rows in the table', yTitle: 'ms', budget: budgetMs });
  return [{ html: table }, { html: chart }, { markdown: growthVerdict(steps, campaignRows, budgetMs) }];
}

/** The steps on one curve: those measuring a campaign of the lesson's size (the table as found may hold another). */
function comparableSteps(steps: readonly GrowthStep[], campaignRows: number): GrowthStep[] {
  const same = steps.filter((s) => s.produceAndLoadRowsPerSecond !== null || s.campaignDonations === campaignRows);
  return same.length >= 2 ? same : [...steps];
}

/** What the curve says, computed from it: where the median crosses the budget, and how time grew with rows. */
export function growthVerdict(steps: readonly GrowthStep[], campaignRows: number, budgetMs: number): string {
  const curve = comparableSteps(steps, campaignRows);
  const first = curve[0]!;
  const last = curve[curve.length - 1]!;
  const over = (s: GrowthStep) => s.report.p50Ms > budgetMs;
  // The crossing: the last step within the budget, and the first over it after that one.
  const lastFit = curve.map((s) => !over(s)).lastIndexOf(true);
  const slowest = [...last.report.perPanel].sort((a, b) => b.p50Ms - a.p50Ms)[0];
  const lines: string[] = [];
  if (!curve.some(over)) {
    lines.push(`At ${count(last.rows)} rows the naive table still fits: a refresh takes ${ms(last.report.p50Ms)} (median). Raise \`WORKSHOP_ROWS\` to see the stall.`);
  } else if (lastFit === -1) {
    lines.push(`This machine is past the budget already at the first point of the curve, ${count(first.rows)} rows (median ${ms(first.report.p50Ms)}): on a faster or idler machine the crossing falls later on it.`);
  } else if (lastFit < curve.length - 1) {
    const fit = curve[lastFit]!;
    const late = curve[lastFit + 1]!;
    lines.push(`The median refresh crosses the ${budgetMs} ms budget between ${count(fit.rows)} rows (${ms(fit.report.p50Ms)}) and ${count(late.rows)} rows (${ms(late.report.p50Ms)}).`);
  }
  const upper = upperFigure(last.report);
  const againstBudget = over(last) ? `${times(last.report.p50Ms / budgetMs)} the budget` : 'within the budget';
  lines.push(`At ${count(last.rows)} rows a refresh takes ${ms(last.report.p50Ms)} (median; ${upper.label}: ${ms(upper.ms)}), ${againstBudget}` +
    (slowest ? `; its slowest panel is Q${slowest.number}, ${slowest.title} (${ms(slowest.p50Ms)}).` : '.'));
  if (curve.length > 1 && first.report.p50Ms > 0) {
    lines.push(`From ${count(first.rows)} rows to ${count(last.rows)}, the table grew ${times(last.rows / first.rows)} and the median refresh ${times(last.report.p50Ms / first.report.p50Ms)}.`);
  }
  lines.push(`Each step the lesson grew measured a campaign of ${count(campaignRows)} donations: the campaign did not grow, the table did.`);
  const found = steps[0]!;
  if (!curve.includes(found)) {
    lines.push(`The first point, the table as lessons 03-04 left it, measured lesson 04's campaign of ${count(found.campaignDonations)} donations (median ${ms(found.report.p50Ms)}): ` +
      `its panels group ${found.campaignDonations > campaignRows ? 'more' : 'fewer'} rows, so it stands beside the curve, not on it.` +
      (!over(found) && over(first) ? ` It was within the budget, the curve's first point is not: the crossing lies between ${count(found.rows)} and ${count(first.rows)} rows.` : ''));
  }
  return lines.map((l) => `- ${l}`).join('\n');
}
