/**
 * Lesson 07's steps: the same rows in every layout (the kit's by a second pipeline, the
 * others by a copy inside the database), then the layouts measured side by side on the
 * campaign the lessons share. That measure is the baseline lessons 08 and 09 reuse.
 */
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import type { QueryProfileView } from '../targets/profiler.js';
import { DONATIONS_TABLE, OPTIMIZED_TABLE, TABLE_LAYOUTS, layoutDdl, type TableLayout } from '../database/schema.js';
import { barChart } from '../notebook/charts.js';
import { htmlTable, sqlBlock } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import { createPipeline } from '../pipeline/create.js';
import { DONATIONS_PIPELINE } from '../pipeline/donations.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { watchLive, type LiveRun } from './live.js';
import { loadLessonFigures, saveLessonFigures } from './record.js';
import { measureSideBySide, upperFigure, type Measured } from './measure.js';
import { statementsRun, type Block, type Shown } from './screen.js';
import { NAIVE_GROWTH, type SharedCampaign } from './shared.js';
import { comparedWith, count, ms, times } from './verdict.js';

export const BASELINE = 'baseline';
export const OPTIMIZED_PIPELINE = 'donations_optimized_consumer';

/** The layouts this target builds, named by what was built (on MariaDB, the analog). */
/** The layouts this target builds, each named, and described, as it runs here: SingleStore's keys, or their analog. */
export function lessonLayouts(lesson: Lesson): (Omit<TableLayout, 'bought'> & { name: string; short: string; bought: string })[] {
  const asRun = lesson.target.runsSingleStoreSql;
  return TABLE_LAYOUTS.filter((l) => l.targets.includes(lesson.db.target)).map((l) => ({
    ...l, name: asRun ? l.title : l.analogTitle, short: asRun ? l.label : l.analogLabel, bought: asRun ? l.bought.singleStore : l.bought.mariadb,
  }));
}

export function layoutsOverview(lesson: Lesson): Shown {
  const layouts = lessonLayouts(lesson);
  const blocks: Block[] = [
    { html: htmlTable(layouts.map((l) => ({ table: l.table, layout: l.name, [lesson.onSingleStore ? 'on SingleStore' : 'its MariaDB analog']: lesson.onSingleStore ? l.singleStore : l.mariadb }))) },
    { markdown: sqlBlock(layoutDdl('singlestore', 'optimized').sql, lesson.onSingleStore ? "The kit's table, run as shown:" : "The kit's table on SingleStore, shown for reference:") },
  ];
  if (!lesson.onSingleStore) blocks.push({ markdown: sqlBlock(layoutDdl(lesson.db.target, 'optimized').sql, 'Its MariaDB analog, which runs here:') });
  return { blocks };
}

export interface Replay extends Shown {
  pipeline: Pipeline;
  seconds: number;
  rowsPerSecond: number;
}

/** The kit's table filled by a second pipeline reading the topic from its first offset. */
export async function replayIntoKitLayout(lesson: Lesson, shared: SharedCampaign): Promise<Replay> {
  const { db } = lesson;
  await db.execute(`DROP TABLE IF EXISTS ${OPTIMIZED_TABLE}`);
  await db.execute(layoutDdl(db.target, 'optimized').sql);
  const pipeline = createPipeline(lesson, { name: OPTIMIZED_PIPELINE, topic: lesson.kafka.topic, table: OPTIMIZED_TABLE, format: 'donations-json' });
  lesson.show({ markdown: sqlBlock(`${pipeline.statements.create()};\n\n${pipeline.statements.replayFromEarliest()};\n\n${pipeline.statements.start()};`, lesson.runsHere) });
  await pipeline.create();
  await pipeline.stop();
  await pipeline.replayFromEarliest();
  const progress = lesson.screen.live();
  const started = performance.now();
  await pipeline.start();
  await pipeline.waitUntilCaughtUp({ timeoutMs: 3_600_000, onProgress: (loaded, end) => progress.text(`${count(loaded)} of ${count(end)} messages replayed`) });
  const seconds = (performance.now() - started) / 1000;
  await pipeline.stop();
  progress.text('');
  const rowsPerSecond = Math.round(shared.tableRows / seconds);
  return { pipeline, seconds, rowsPerSecond, blocks: [`replayed ${count(shared.tableRows)} rows in ${seconds.toFixed(1)} s: ${count(rowsPerSecond)} rows/s from the topic into the kit's layout (the pipeline alone: nothing was producing)`] };
}

export interface Copies extends Shown {
  copies: { layout: string; table: string; seconds: number; rowsPerSecond: number }[];
  sameRows: boolean;
}

/** The other layouts filled by `INSERT ... SELECT` from the naive table, then every table's count and sum. */
export async function copyIntoLayouts(lesson: Lesson, shared: SharedCampaign): Promise<Copies> {
  const { db } = lesson;
  const copies: Copies['copies'] = [];
  const progress = lesson.screen.live();
  for (const l of lessonLayouts(lesson).filter((l) => l.table !== DONATIONS_TABLE && l.table !== OPTIMIZED_TABLE)) {
    const ddl = layoutDdl(db.target, l.key).sql;
    lesson.show(statementsRun(`${l.name}: its CREATE TABLE and the copy`, [ddl, `INSERT INTO ${l.table} SELECT * FROM ${DONATIONS_TABLE}`]));
    progress.text(`copying ${count(shared.tableRows)} rows into ${l.table}...`);
    await db.execute(`DROP TABLE IF EXISTS ${l.table}`);
    await db.execute(ddl);
    const started = performance.now();
    await db.execute(`INSERT INTO ${l.table} SELECT * FROM ${DONATIONS_TABLE}`);
    const seconds = (performance.now() - started) / 1000;
    copies.push({ layout: l.name, table: l.table, seconds: Math.round(seconds * 10) / 10, rowsPerSecond: Math.round(shared.tableRows / seconds) });
  }
  progress.text('');
  const totals = await Promise.all(lessonLayouts(lesson).map(async (l) => ({
    table: l.table, ...(await db.query<{ rows: number; amount: number }>(`SELECT COUNT(*) AS \`rows\`, SUM(total_amount) AS amount FROM ${l.table}`))[0]!,
  })));
  const sameRows = totals.every((t) => Number(t.rows) === Number(totals[0]!.rows) && Number(t.amount) === Number(totals[0]!.amount));
  return {
    copies, sameRows,
    blocks: [
      { html: htmlTable(copies.map((c) => ({ layout: c.layout, table: c.table, seconds: c.seconds, 'rows/s': c.rowsPerSecond })), { caption: 'Copied inside the database: the same rows into each layout' }) },
      { html: htmlTable(totals.map((t) => ({ table: t.table, rows: Number(t.rows), amount: Number(t.amount) })), { caption: 'Every table, counted and summed' }) },
      sameRows ? `Same rows in all ${totals.length} tables.` : 'The tables differ: is a pipeline still loading?',
    ],
  };
}

export interface Baseline {
  campaignId: number;
  tableRows: number;
  campaignRows: number;
  budgetMs: number;
  rounds: number;
  layouts: Measured[];
}

export const baselineOf = (baseline: Baseline, key: string): Measured => baseline.layouts.find((l) => l.key === key)!;

/** Every layout measured side by side on the shared campaign; saved as the baseline later lessons reuse. */
export async function compareLayouts(lesson: Lesson, shared: SharedCampaign, options: { rounds?: number } = {}): Promise<Baseline & Shown> {
  const budgetMs = lesson.config.workshop.refreshMs;
  const rounds = options.rounds ?? 5;
  const progress = lesson.screen.live();
  const layouts = await measureSideBySide(lesson.db, lessonLayouts(lesson).map((l) => ({ key: l.key, label: l.short, table: l.table })), {
    campaignId: shared.campaignId, budgetMs, rounds, onProgress: (line) => progress.text(line),
  });
  const baseline: Baseline = { campaignId: shared.campaignId, tableRows: shared.tableRows, campaignRows: shared.campaignRows, budgetMs, rounds, layouts };
  await saveLessonFigures(lesson.db, BASELINE, baseline);
  const earlier = await loadLessonFigures<{ rows: number; campaignDonations: number; report: { p50Ms: number; refreshes: number } }>(lesson.db, NAIVE_GROWTH);
  return { ...baseline, blocks: await baselineBlocks(baseline, earlier) };
}

const lessonNaiveLabel = (baseline: Baseline) => baselineOf(baseline, 'naive').label;

/** "18x faster" or "1.2x slower": a ratio under one read the other way. */
function versusNaive(value: number, naive: number): string {
  const ratio = naive / Math.max(value, 0.1);
  return ratio >= 1 ? `${times(ratio)} faster` : `${times(1 / ratio)} slower`;
}

async function baselineBlocks(baseline: Baseline, earlier: { rows: number; campaignDonations: number; report: { p50Ms: number; refreshes: number } } | undefined): Promise<(Block | string)[]> {
  const naive = baselineOf(baseline, 'naive').report;
  const kit = baselineOf(baseline, 'optimized').report;
  const table = htmlTable(baseline.layouts.map(({ label, report }) => {
    return {
      layout: label, refreshes: report.refreshes, 'median ms': report.p50Ms, 'slowest ms': report.worstMs,
      [`over ${baseline.budgetMs} ms`]: `${report.late} of ${report.refreshes}`, 'vs naive (median)': label === lessonNaiveLabel(baseline) ? '' : versusNaive(report.p50Ms, naive.p50Ms),
    };
  }), { caption: `Campaign ${baseline.campaignId} (${count(baseline.campaignRows)} donations), ${count(baseline.tableRows)} rows in each table: the 7 panels at once, ${baseline.rounds} rounds of turns` });
  const chart = await barChart(baseline.layouts.map(({ label, report }) => ({ label, value: report.p50Ms })), {
    title: `Full refresh, median per layout, ms (dashed: the ${baseline.budgetMs} ms refresh)`, valueTitle: 'ms', labels: true, format: ',.1f', budget: baseline.budgetMs,
  });
  const lines = [
    `- The kit's layout: median ${ms(kit.p50Ms)}, ${comparedWith(kit.p50Ms, naive.p50Ms)} naive (${ms(naive.p50Ms)}); ` +
      `${kit.late} of its ${kit.refreshes} refreshes went over the ${baseline.budgetMs} ms budget, against ${naive.late} of ${naive.refreshes} on the naive table.`,
  ];
  if (kit.p50Ms > baseline.budgetMs) {
    lines.push(`- The kit's layout misses the budget on this machine as it is now: what the layout buys is the ratio, ${times(naive.p50Ms / Math.max(kit.p50Ms, 0.1))} less time than naive, measured side by side. ` +
      'A laptop busy with other work slows every layout alike; close what you can and run this cell again, or lower `WORKSHOP_ROWS`.');
  }
  if (earlier) {
    const grew = baseline.campaignRows - earlier.campaignDonations;
    lines.push(
      `- Lesson 05 measured the naive table on this campaign at ${count(earlier.rows)} rows: median ${ms(earlier.report.p50Ms)} of ${earlier.report.refreshes} refreshes; here, ${ms(naive.p50Ms)}. ` +
        `${grew > 0 ? `The campaign has gained ${count(grew)} donations since (05's live part), and the` : 'The'} two measures ran minutes apart, on a machine doing other things in between: ` +
        `that is why layouts are compared only with measures taken side by side, as in this table. Lessons 08 and 09 reuse this measure.`,
    );
  }
  return [{ html: table }, { html: chart }, { markdown: lines.join('\n') }];
}

/** Each panel's median on every layout, and naive against the kit's layout on a log scale. */
export async function perPanel(baseline: Baseline): Promise<Shown> {
  const naive = baselineOf(baseline, 'naive').report;
  const kit = baselineOf(baseline, 'optimized').report;
  const empty = new Set(baselineOf(baseline, 'optimized').emptyPanels ?? []);
  const table = htmlTable(naive.perPanel.map((n, i) => ({
    panel: `Q${n.number} ${n.title}`,
    ...Object.fromEntries(baseline.layouts.map(({ label, report }) => [`${label} ms`, report.perPanel[i]!.p50Ms])),
    'naive → kit': `${times(n.p50Ms / Math.max(kit.perPanel[i]!.p50Ms, 0.1))}${empty.has(n.key) ? ' (an empty window)' : ''}`,
  })), { caption: "Each panel's median on each layout, the 7 panels at once" });
  const emptyLine = empty.size
    ? `Panels marked "an empty window" found no donation in their last seconds (none has arrived since the last live part): their gain is the time to find nothing, which the kit's layout does from its key led by the campaign and the date, and the naive table by reading every row. The live part below fills them.`
    : '';
  const chart = await barChart(naive.perPanel.flatMap((n, i) => [
    { label: `Q${n.number}`, value: Math.max(n.p50Ms, 0.1), group: 'naive' },
    { label: `Q${n.number}`, value: Math.max(kit.perPanel[i]!.p50Ms, 0.1), group: "kit's layout" },
  ]), { title: `Median per panel, naive vs the kit's layout (log scale, values printed; dashed: ${baseline.budgetMs} ms)`, valueTitle: 'ms', logScale: true, labels: true, budget: baseline.budgetMs });
  return { blocks: [{ html: table }, ...(emptyLine ? [emptyLine] : []), { html: chart }] };
}

/**
 * How each layout lets query 3 read its campaign (the target's profile of the query alone),
 * and what each part bought, from the baseline's medians: each layout against the one it
 * builds on (TableLayout.buildsOn), and the kit's against naive.
 */
export async function whatEachPartBought(lesson: Lesson, baseline: Baseline): Promise<Shown> {
  const query3 = DASHBOARD_QUERIES[2]!;
  const layouts = lessonLayouts(lesson);
  const profiles = new Map<string, QueryProfileView>();
  for (const l of layouts) profiles.set(l.key, await lesson.target.profiler.profile(lesson.db, query3, { campaignId: baseline.campaignId }, l.table));
  const median = (key: string) => baselineOf(baseline, key).report.p50Ms;
  const table = htmlTable(layouts.map((l) => ({ layout: l.short, ...profiles.get(l.key)!.summary, 'refresh median ms': median(l.key) })),
    { caption: "The profile of query 3 alone on each layout, beside the baseline's median refresh of the 7 panels" });
  const rowsRead = (key: string) => profiles.get(key)!.rowsRead;
  const lines = layouts.filter((l) => l.key !== 'naive').map((l) => {
    const against = l.buildsOn ?? 'naive';
    const read = rowsRead(l.key);
    const reads = read === null ? '' : read === rowsRead('naive') ? '; query 3 still reads every row' : `; query 3 reads ${count(read)} rows instead of ${count(rowsRead('naive') ?? 0)}`;
    const overall = against === 'naive' ? '' : `, and ${comparedWith(median(l.key), median('naive'))} naive overall`;
    return `- ${l.name}: ${comparedWith(median(l.key), median(against))} ${against === 'naive' ? 'naive' : `the ${layouts.find((x) => x.key === against)!.short}`}${overall}${reads}. ${l.bought}`;
  });
  return { blocks: [{ html: table }, { markdown: ['What each part bought, on the median refresh:', '', ...lines].join('\n') }] };
}

/** Lesson 07's live views against the baseline's quiet figures, in words computed from both. */
export function liveAgainstQuiet(lesson: Lesson, live: { views: { label: string; report: Measured['report'] }[] }, baseline: Baseline): Shown {
  const [naiveLive, kitLive] = live.views.map((v) => v.report) as [Measured['report'], Measured['report']];
  const naive = baselineOf(baseline, 'naive').report;
  const kit = baselineOf(baseline, 'optimized').report;
  const factor = (a: number, b: number) => (a / Math.max(b, 0.1)).toFixed(1);
  const share = (r: Measured['report']) => `${r.late} of ${r.refreshes}`;
  const lines = [
    `- Live, the kit's layout ran ${share(kitLive)} refreshes over the budget, against ${share(kit)} in the quiet baseline; its median ${ms(kitLive.p50Ms)}, ` +
      `${factor(kitLive.p50Ms, kit.p50Ms)} times the baseline's (${ms(kit.p50Ms)}). The naive table ran ${share(naiveLive)} over, its median ${factor(naiveLive.p50Ms, naive.p50Ms)} times its own.`,
    kitLive.late > kit.late * (kitLive.refreshes / Math.max(1, kit.refreshes)) + 0.5
      ? "- More of the kit's refreshes went late live than quiet: the quiet figure is the layout's own cost, and what adds to it live is below."
      : "- Live, the kit's layout kept about the same share of refreshes within the budget as it did quietly.",
    lesson.onSingleStore
      ? '- The pipeline writes into the campaign the panels read, and shares the cluster with them.'
      : "- Two things changed, and the first costs the most on a laptop. The producer, the broker and the pipeline now share the machine's cores with the queries " +
        '(in production they run on machines of their own). And the panels read the very pages the pipeline is writing: for an index entry on a page a running ' +
        'transaction changed, InnoDB reads the row itself to know whether the query may see it, the lookup a covering index exists to skip. ' +
        '`npm run bench -- --only live-writes` separates the two (BENCHMARKS.md).',
  ];
  return { blocks: [{ markdown: lines.join('\n') }] };
}

/** Lesson 07's baseline, as that lesson saved it; undefined before lesson 07 has run. */
export function readBaseline(lesson: Lesson): Promise<Baseline | undefined> {
  return loadLessonFigures<Baseline>(lesson.db, BASELINE);
}

/**
 * Both dashboards live, one after the other, each with its table's pipeline running, on one
 * bar scale (twice the slowest naive panel of the baseline), then set against the baseline.
 */
export async function liveComparison(lesson: Lesson, shared: SharedCampaign, baseline: Baseline, replay: Replay, options: { seconds?: number } = {}): Promise<LiveRun> {
  const naivePipeline = createPipeline(lesson, { name: DONATIONS_PIPELINE, topic: lesson.kafka.topic, table: DONATIONS_TABLE, format: 'donations-json' });
  const scaleMs = 2 * Math.max(...baselineOf(baseline, 'naive').report.perPanel.map((p) => p.p50Ms));
  const live = await watchLive(lesson, [
    { label: `${DONATIONS_TABLE} (naive)`, pipeline: naivePipeline },
    { label: `${OPTIMIZED_TABLE} (the kit's layout)`, table: OPTIMIZED_TABLE, pipeline: replay.pipeline },
  ], { campaignId: shared.campaignId, seconds: options.seconds ?? 8, scaleMs });
  return { ...live, blocks: [...live.blocks, ...liveAgainstQuiet(lesson, live, baseline).blocks] };
}
