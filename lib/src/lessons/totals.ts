/**
 * Lesson 09's steps: the topic replayed twice (rows only, then rows and totals) to price
 * the totals at ingest, then the dashboard on the totals measured side by side with the
 * kit's layout, beside lesson 07's baseline.
 */
import { resetTotals, setUpTotalsPipeline } from '../aggregates/setup.js';
import { checkTotals, formatTotalsCheck } from '../aggregates/check.js';
import { TOTALS_QUERIES } from '../aggregates/queries.js';
import { AGGREGATED_TABLE, TOTALS_TABLES, totalsTablesDdl } from '../aggregates/tables.js';
import { totalsProcedureSql } from '../aggregates/procedure.js';
import { firstRow } from '../dashboard/live.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { OPTIMIZED_TABLE, layoutDdl } from '../database/schema.js';
import { barChart } from '../notebook/charts.js';
import { htmlTable, sqlBlock } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import { createPipeline } from '../pipeline/create.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { baselineOf, type Baseline } from './layouts.js';
import { measureSideBySide, upperFigure, type Measured } from './measure.js';
import { statementsRun, type Shown } from './screen.js';
import type { SharedCampaign } from './shared.js';
import { comparedWith, count, ms } from './verdict.js';

export const ROWS_ONLY_TABLE = 'donations_rows_only';

export function totalsOverview(lesson: Lesson): Shown {
  const ddl = totalsTablesDdl(lesson.db.target);
  const names = Object.values(TOTALS_TABLES);
  return {
    blocks: [
      { html: htmlTable(ddl.map((t, i) => ({ table: names[i]!, answers: t.purpose }))) },
      { markdown: sqlBlock(ddl[names.indexOf(TOTALS_TABLES.second)]!.sql, lesson.onSingleStore ? 'One of them, the per-second totals, run as shown:' : "One of them, the per-second totals, as MariaDB runs it (SingleStore's is the same without the ENGINE clause):") },
      { markdown: sqlBlock(totalsProcedureSql(AGGREGATED_TABLE), lesson.onSingleStore ? 'The procedure, run as shown:' : "The procedure, SingleStore SQL; on MariaDB the kit's pipeline does the same in its batch transaction:") },
    ],
  };
}

export interface Replays extends Shown {
  rowsOnly: { seconds: number; rowsPerSecond: number };
  withTotals: { seconds: number; rowsPerSecond: number };
  /** The totals pipeline, stopped: the live part runs it again. */
  totalsPipeline: Pipeline;
}

/** The whole topic replayed into a fresh table of the kit's layout, rows only, then rows and totals. */
export async function replayTwice(lesson: Lesson, shared: SharedCampaign): Promise<Replays> {
  const { db } = lesson;
  await db.execute(`DROP TABLE IF EXISTS ${ROWS_ONLY_TABLE}`);
  await db.execute(layoutDdl(db.target, 'optimized', ROWS_ONLY_TABLE).sql);
  const rowsOnly = createPipeline(lesson, { name: 'donations_rows_only_consumer', topic: lesson.kafka.topic, table: ROWS_ONLY_TABLE, format: 'donations-json' });
  await rowsOnly.create();
  const totalsPipeline = await setUpTotalsPipeline(lesson, { name: 'donations_totals_consumer' });
  const replay = async (pipeline: Pipeline, name: string) => {
    await pipeline.stop();
    await pipeline.replayFromEarliest();
    const progress = lesson.screen.live();
    const started = performance.now();
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 3_600_000, onProgress: (loaded, end) => progress.text(`${name}: ${count(loaded)} of ${count(end)} messages`) });
    const seconds = (performance.now() - started) / 1000;
    await pipeline.stop();
    progress.text('');
    return { seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(shared.tableRows / seconds) };
  };
  await resetTotals(lesson);
  // At once: both replays see the same machine (a busy laptop slows both), and each loads on a core of its own.
  const [only, both] = await Promise.all([replay(rowsOnly, 'rows only'), replay(totalsPipeline, 'rows and totals')]);
  return {
    rowsOnly: only, withTotals: both, totalsPipeline,
    blocks: [
      { html: htmlTable([
        { pipeline: 'rows only', table: ROWS_ONLY_TABLE, seconds: only.seconds, 'rows/s': only.rowsPerSecond },
        { pipeline: 'rows and totals', table: AGGREGATED_TABLE, seconds: both.seconds, 'rows/s': both.rowsPerSecond },
      ], { caption: `The same ${count(shared.tableRows)} donations replayed from the topic into the kit's layout, the two replays at once` }) },
      `keeping the totals runs ingest at ${(both.rowsPerSecond / Math.max(1, only.rowsPerSecond)).toFixed(2)}x the speed of the rows alone`,
    ],
  };
}

export async function totalsAgainstRows(lesson: Lesson, shared: SharedCampaign): Promise<Shown & { exact: boolean }> {
  const check = await checkTotals(lesson.db, AGGREGATED_TABLE, shared.campaignId);
  return { exact: check.exact, blocks: [formatTotalsCheck(check), statementsRun('The SQL it ran, a pair per grouping', check.statements)] };
}

/** Each panel's first row from the rows and from the totals; queries 6 and 7 over the last day. */
export async function sameAnswers(lesson: Lesson, shared: SharedCampaign): Promise<Shown> {
  const params = { campaignId: shared.campaignId, windowSeconds: 24 * 3_600 };
  const rows = [];
  for (const [i, query] of DASHBOARD_QUERIES.entries()) {
    const fromRows = await query.run(lesson.db, params, AGGREGATED_TABLE);
    const fromTotals = await TOTALS_QUERIES[i]!.run(lesson.db, params);
    rows.push({ panel: `Q${query.number} ${query.title}${query.number >= 6 ? ' (widened to the last day)' : ''}`, 'from the rows': firstRow(fromRows), 'from the totals': firstRow(fromTotals), rows: `${fromRows.length} / ${fromTotals.length}` });
  }
  return {
    blocks: [
      { markdown: sqlBlock(TOTALS_QUERIES[3]!.sql(), "Query 4 on the totals (compare with lesson 04's):") },
      statementsRun('All seven queries on the totals', TOTALS_QUERIES.map((q) => `-- ${q.number} · ${q.title}\n${q.sql()}`)),
      { html: htmlTable(rows, { caption: `Campaign ${shared.campaignId}: the first row of each panel, from the rows and from the totals (queries 6 and 7 over the last day)` }) },
    ],
  };
}

export interface TotalsMeasure extends Shown {
  kit: Measured;
  totals: Measured;
}

/** The kit's layout and the totals side by side now, shown beside lesson 07's baseline. */
export async function measureTotals(lesson: Lesson, shared: SharedCampaign, baseline: Baseline | undefined): Promise<TotalsMeasure> {
  const budgetMs = lesson.config.workshop.refreshMs;
  const progress = lesson.screen.live();
  const [kit, totals] = await measureSideBySide(lesson.db, [
    { key: 'optimized', label: "kit's layout", table: OPTIMIZED_TABLE },
    { key: 'totals', label: 'totals', queries: TOTALS_QUERIES },
  ], { campaignId: shared.campaignId, budgetMs, onProgress: (line) => progress.text(line) }) as [Measured, Measured];
  const row = (label: string, when: string, report: Measured['report']) => ({ layout: label, measured: when, refreshes: report.refreshes, 'median ms': report.p50Ms, 'slowest ms': report.worstMs, [`over ${budgetMs} ms`]: `${report.late} of ${report.refreshes}` });
  const rows = [
    ...(baseline ? [row('naive', "lesson 07's baseline", baselineOf(baseline, 'naive').report), row("kit's layout", "lesson 07's baseline", baselineOf(baseline, 'optimized').report)] : []),
    row("kit's layout", 'now, side by side', kit.report),
    row('totals', 'now, side by side', totals.report),
  ];
  const lines = [`- The totals: median ${ms(totals.report.p50Ms)}, ${comparedWith(totals.report.p50Ms, kit.report.p50Ms)} the kit's layout measured beside them (${ms(kit.report.p50Ms)}).`];
  if (baseline) {
    const before = baselineOf(baseline, 'optimized').report;
    const grew = shared.campaignRows - baseline.campaignRows;
    lines.push(`- The kit's layout measured ${ms(kit.report.p50Ms)} now and ${ms(before.p50Ms)} in lesson 07 (${comparedWith(kit.report.p50Ms, before.p50Ms)} it): ` +
      `${grew > 0 ? `the campaign has gained ${count(grew)} donations since (07's live part), and ` : ''}the two measures ran minutes apart on a machine doing other things, so the comparison with the totals uses the one measured beside them.`);
  }
  // Only what was measured side by side: the baseline's naive figures are in the table above.
  const chartRows = [
    { group: "kit's layout", report: kit.report },
    { group: 'totals', report: totals.report },
  ];
  const chart = await barChart(chartRows.flatMap(({ group, report }) => report.perPanel.map((p) => ({ label: `Q${p.number}`, value: Math.max(p.p50Ms, 0.1), group }))), {
    title: `Median per panel, the kit's layout and the totals measured side by side now (log scale; dashed: ${budgetMs} ms; right: kit ÷ totals)`, valueTitle: 'ms', logScale: true, labels: true, budget: budgetMs,
  });
  return { kit, totals, blocks: [{ html: htmlTable(rows, { caption: `Campaign ${shared.campaignId}: the dashboard on the totals, the 7 panels at once` }) }, { html: chart }, { markdown: lines.join('\n') }] };
}
