// Executes every notebook in order with Jupyter and the tslab kernel, in a database and
// topic of its own, then checks what the lessons show, not only that they ran.
//
// The scale: 500,000 rows. The lesson's claim is that the naive table stalls a 250 ms
// dashboard and the kit's layout does not. On this 2-core machine a full refresh of the
// naive table takes about 0.2 s per 250,000 rows, so 500,000 rows put it clearly over the
// budget (the stall is real, not a stand-in), while each campaign (5% of the rows) stays
// small enough for the kit's layout to answer well inside it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKafka, deleteTopics, dropDatabase, lessonTestTopic, listTopics, loadConfig, openDatabase, readEnvironment, htmlTable, DASHBOARD_QUERIES, TABLE_LAYOUTS,
  DONATIONS_TABLE, OPTIMIZED_TABLE, BASELINE, loadLessonFigures, type Baseline,
} from '@donations/lib';
import { readFigures, workshop, type Figures } from '../../infra/workshop.js';
import { outputTexts } from '../../infra/notebook-checks.js';
import { ROOT } from '../../infra/services.js';

const ROWS = 500_000;
const base = loadConfig();
const suffix = randomBytes(3).toString('hex');
const database = `kit_test_nb_${suffix}`;
const topic = `kit-test-nb-${suffix}`;
const url = new URL(readEnvironment().DATABASE_URL!);
url.pathname = `/${database}`;
const outDir = join(ROOT, 'out', 'test-notebooks');

// The notebooks' smoke-test topic is named after the run's topic; `test` is removed only if
// the run created it (notebooks that still use it), never when the learner's broker had it.
let hadTestTopic = true;
beforeAll(async () => {
  hadTestTopic = (await listTopics(createKafka(base.kafka))).includes('test');
});

afterAll(async () => {
  await dropDatabase({ ...base.database, database }, database);
  await deleteTopics(createKafka(base.kafka), [topic, lessonTestTopic(topic), ...(hadTestTopic ? [] : ['test'])]);
});

const shown = (notebook: string) => outputTexts(join(outDir, notebook)).map((o) => o.text).join('\n');

describe('the workshop notebooks', () => {
  let figures: Figures;

  it('all run top to bottom, with no error cell, blank chart, path of this machine or mismatch', async () => {
    const runs = await workshop({ rows: ROWS, outDir, env: { DATABASE_URL: url.toString(), KAFKA_TOPIC: topic }, quiet: true });
    const failures = runs.filter((r) => r.status !== 'passed').map((r) => `${r.notebook}: ${r.status}\n${r.error ?? ''}`);
    expect(failures).toEqual([]);
    expect(runs.map((r) => r.notebook)).toEqual([
      '00-setup.ipynb',
      '01-kafka-smoke-tests.ipynb',
      '02-pipeline-quick-start.ipynb',
      '03-producing-donations.ipynb',
      '04-naive-schema.ipynb',
      '05-the-pain.ipynb',
      '06-profiling.ipynb',
      '07-optimized-schema.ipynb',
      '08-wrap-up.ipynb',
      '09-aggregates-at-ingest.ipynb',
    ]);
    figures = readFigures(join(outDir, 'figures'));
  });

  it('reconciles every campaign it checks exactly (04, 08)', () => {
    expect(shown('04-naive-schema.ipynb')).toMatch(/: EXACT\n/);
    const wrapUp = shown('08-wrap-up.ipynb');
    expect(wrapUp.match(/in donation_transactions: EXACT/g)).toHaveLength(1);
    expect(wrapUp.match(/in donation_transactions_optimized: EXACT/g)).toHaveLength(1);
  });

  it('shows the stall on the naive table at this scale, live too (05)', () => {
    const pain = figures.pain!;
    expect(pain.rows).toBeGreaterThanOrEqual(ROWS);
    const last = pain.steps[pain.steps.length - 1]!;
    expect(last.report.p50Ms).toBeGreaterThan(pain.budgetMs);
    expect(pain.live.late).toBeGreaterThan(0);
    // Every step measured a campaign of the same size: only the table grew.
    expect(pain.campaignRows).toBe(ROWS * 0.05);
    // The naive table slows as it grows (its first step is over at most a half of the rows).
    expect(last.report.p50Ms).toBeGreaterThan(pain.steps[0]!.report.p50Ms);
  });

  it("holds the same rows in every layout, and the kit's fits the budget where the naive does not (07, the campaign 05 measured)", () => {
    const optimized = figures.optimized!;
    expect(optimized.sameRows).toBe(true);
    expect(optimized.campaignId).toBe(figures.pain!.campaignId);
    expect(optimized.layouts.map((l) => l.key)).toEqual(['naive', 'original-sort-key', 'original-shard-key', 'campaign-sort-key', 'optimized']);
    // Medians here: the lesson shows p95 too, but a p95 of 20 refreshes moves with whatever
    // else the machine runs; the median states the same relation without that noise.
    expect(optimized.naive.p50Ms).toBeGreaterThan(figures.pain!.budgetMs);
    expect(optimized.optimized.p50Ms).toBeLessThan(figures.pain!.budgetMs);
    expect(optimized.naive.p50Ms / optimized.optimized.p50Ms).toBeGreaterThan(3);
    const p50 = (key: string) => optimized.layouts.find((l) => l.key === key)!.report.p50Ms;
    // The campaign-led sort key is what buys the speed; the original's city-led one does not.
    expect(p50('original-sort-key') / p50('campaign-sort-key')).toBeGreaterThan(2);
    // Live, a slow refresh leaves fewer refreshes to count: compare the share that ran late.
    const lateShare = (r: { late: number; refreshes: number }) => r.late / Math.max(1, r.refreshes);
    expect(lateShare(optimized.live.optimized)).toBeLessThan(lateShare(optimized.live.naive));
    expect(optimized.live.optimized.p50Ms).toBeLessThan(optimized.live.naive.p50Ms);
  });

  it('keeps totals equal to the rows, and answers the dashboard from them within the budget (09)', () => {
    const totals = JSON.parse(readFileSync(join(outDir, 'figures', '09-aggregates-at-ingest.json'), 'utf8')) as {
      campaignId: number;
      totalsExact: boolean;
      ingest: { rowsOnly: number; withTotals: number };
      reports: Record<'naive' | 'optimized' | 'totals', { p50Ms: number; p95Ms: number }>;
    };
    expect(totals.campaignId).toBe(figures.pain!.campaignId);
    expect(totals.totalsExact).toBe(true);
    expect(shown('09-aggregates-at-ingest.ipynb')).toMatch(/totals against rows: EXACT/);
    expect(totals.reports.totals.p50Ms).toBeLessThan(totals.reports.optimized.p50Ms);
    expect(totals.reports.totals.p50Ms).toBeLessThan(figures.pain!.budgetMs / 5);
    expect(totals.ingest.withTotals).toBeGreaterThan(0);
  });

  // What the lessons print, against the database they ran on, read after the run.
  const ranOn = () => openDatabase({ ...base.database, database }, { connectionLimit: 2 });

  it("prints 04's seven queries as the database answers them: 1-5 exactly, 6 and 7 non-empty (the live part)", async () => {
    const cells = outputTexts(join(outDir, '04-naive-schema.ipynb'));
    const campaignId = Number(/campaign (\d+) \([^)]*\): [\d,]+ live donations/.exec(cells.map((c) => c.text).join('\n'))![1]);
    const html = cells.filter((c) => c.text.includes('<table')).map((c) => c.text);
    const db = ranOn();
    try {
      for (const query of DASHBOARD_QUERIES.slice(0, 5)) {
        // The campaign took no donation after lesson 04: its tables must still be the ones shown.
        const rows = await query.run(db, { campaignId });
        expect(rows.length, `query ${query.number}`).toBeGreaterThan(0);
        expect(html, `query ${query.number}`).toContain(htmlTable(rows, { maxRows: 10, empty: 'no rows: nothing in this window' }));
      }
    } finally {
      await db.close();
    }
    // Queries 6 and 7 ran during the live part: their tables hold rows, not the empty-window line.
    const queriesCell = cells.find((c) => c.text.includes('### 6 · '))!.cell;
    const tables = cells.filter((c) => c.cell === queriesCell && c.text.startsWith('<table'));
    expect(tables).toHaveLength(7);
    for (const table of tables.slice(5)) expect(table.text).not.toContain('nothing in this window');
  });

  it("prints 07's same-rows check as the tables hold them, and 08 reuses 07's baseline", async () => {
    const copies = TABLE_LAYOUTS.filter((l) => l.targets.includes('mariadb') && l.table !== DONATIONS_TABLE && l.table !== OPTIMIZED_TABLE);
    const shown07 = shown('07-optimized-schema.ipynb');
    const db = ranOn();
    try {
      // The copies take no row after the check (the live part writes the naive and the kit's tables only).
      for (const layout of copies) {
        const [held] = await db.query<{ rows: number; amount: string }>(`SELECT COUNT(*) AS \`rows\`, SUM(total_amount) AS amount FROM ${layout.table}`);
        expect(shown07).toContain(htmlTable([{ table: layout.table, rows: Number(held!.rows), amount: Number(held!.amount) }]).replace(/^<table><thead>.*?<\/thead><tbody>|<\/tbody><\/table>$/g, ''));
      }
      expect(shown07).toContain(`Same rows in all ${copies.length + 2} tables.`);
      const baseline = (await loadLessonFigures<Baseline>(db, BASELINE))!;
      const naive = baseline.layouts.find((l) => l.key === 'naive')!.report;
      const kit = baseline.layouts.find((l) => l.key === 'optimized')!.report;
      const ms = (value: number) => `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)} ms`;
      // One figure, one value: 08 and 09 quote the baseline 07 measured, not a measure of their own.
      expect(shown('08-wrap-up.ipynb')).toContain(`has a median refresh of ${ms(naive.p50Ms)}`);
      expect(shown('08-wrap-up.ipynb')).toContain(`has a median refresh of ${ms(kit.p50Ms)}`);
      expect(shown('09-aggregates-at-ingest.ipynb')).toContain(`${ms(kit.p50Ms)} in lesson 07`);
    } finally {
      await db.close();
    }
  });

  it("leaves the server's slow-log settings as lesson 06 found them", async () => {
    expect(shown('06-profiling.ipynb')).toMatch(/settings put back as they were/);
    const before = (JSON.parse(readFileSync(join(outDir, 'figures', '06-profiling.json'), 'utf8')) as { settingsBefore: Record<string, unknown> }).settingsBefore;
    const server = openDatabase(base.database, { database: null, connectionLimit: 1 });
    try {
      const [now] = await server.query('SELECT @@GLOBAL.slow_query_log AS slow_query_log, @@GLOBAL.long_query_time AS long_query_time, @@GLOBAL.log_output AS log_output');
      expect(now).toEqual(before);
    } finally {
      await server.close();
    }
  });
});
