// Full dashboard refreshes on the real database: the report's accounting and its schedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeQuery, Campaign, catchSlowQueries, DASHBOARD_QUERIES, DONATION_COLUMN_NAMES, DONATIONS_TABLE, measureDashboard, naiveTableDdl, openDatabase, watchDashboard,
} from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
const campaign = new Campaign({ id: 9, seed: 31 });

beforeAll(async () => {
  s = await scratch();
  await s.db.execute(naiveTableDdl(s.db.target).sql);
  const now = Date.now();
  const rows = Array.from({ length: 2_000 }, (_, i) => campaign.next(new Date(now - (i % 60) * 1_000))).map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));
  await s.db.execute(`INSERT INTO ${DONATIONS_TABLE} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [rows]);
});
afterAll(async () => {
  await s?.cleanup();
});

// Timings are rounded to 0.1 ms: comparisons between them allow that much.
const ROUNDING_MS = 0.2;

describe('measureDashboard', () => {
  it('runs the seven panels of every refresh at once, on schedule, and reports percentiles', async () => {
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 250, refreshes: 4 });
    expect(report.refreshes).toBe(4);
    expect(report.timings).toHaveLength(4);
    const keys = DASHBOARD_QUERIES.map((q) => q.key);
    for (const timing of report.timings) {
      expect(Object.keys(timing.panelMs)).toEqual(keys);
      // Concurrent: the refresh lasts as long as its slowest panel, not their sum.
      const slowest = Math.max(...Object.values(timing.panelMs));
      expect(timing.durationMs).toBeGreaterThanOrEqual(slowest - ROUNDING_MS);
      // On time: within a timer's slop on a busy machine, far from a whole period late.
      expect(timing.startDelayMs).toBeLessThan(50);
    }
    expect(report.late).toBe(report.timings.filter((t) => t.durationMs > 250).length);
    expect(report.p50Ms).toBeGreaterThan(0);
    expect(report.p50Ms).toBeLessThanOrEqual(report.p95Ms);
    expect(report.worstMs).toBe(Math.max(...report.timings.map((t) => t.durationMs)));
    expect(report.perPanel.map((q) => q.key)).toEqual(keys);
    for (const panel of report.perPanel) expect(panel.p50Ms).toBeLessThanOrEqual(panel.p95Ms);
  });

  it('starts a late refresh as soon as the previous one ends, and counts it late', async () => {
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 1, refreshes: 3 });
    expect(report.late).toBe(3);
    const [, second, third] = report.timings;
    expect(second!.startDelayMs).toBeGreaterThan(0);
    expect(third!.startDelayMs).toBeGreaterThan(second!.startDelayMs - ROUNDING_MS);
  });

  it('stops after its duration, and reports how many refreshes a dashboard wanted in that time', async () => {
    const frames: string[] = [];
    const report = await watchDashboard(s.db, { campaignId: campaign.id, budgetMs: 100, durationMs: 1_000, render: (html) => frames.push(html) });
    expect(frames).toHaveLength(report.refreshes);
    // Every 100 ms for a second: at most 10 slots, and the first refresh at 0 ms makes 10 or 11 with the last.
    expect(report.refreshes).toBeGreaterThanOrEqual(1);
    expect(report.refreshes).toBeLessThanOrEqual(11);
    expect(report.expected).toBeGreaterThanOrEqual(10);
    expect(frames[0]).toContain('Refresh 1</b> on <code>donation_transactions</code>: all 7 panels');
    expect(frames[0]).toContain('dashed line: 100 ms');
    expect(frames[0]).toContain('2,000'); // query 1's count, as its panel shows it
  });

  it('stops at once when its signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 250, durationMs: 60_000, warmUp: false, signal: controller.signal });
    expect(report.refreshes).toBe(0);
  });
});

describe.skipIf(process.env.DATABASE_TARGET === 'singlestore')('profiling on MariaDB', () => {
  it('catches every panel over the threshold, labelled, and puts the slow log back as it was', async () => {
    const { statements, settings } = await catchSlowQueries(s.db, 0, async () => {
      const dashboard = openDatabase(s.config.database);
      await measureDashboard(dashboard, { campaignId: campaign.id, budgetMs: 250, refreshes: 2, warmUp: false });
      await dashboard.close();
    });
    // A 0 ms threshold catches everything: both refreshes of all seven panels.
    const panels = statements.filter((st) => st.query).map((st) => st.query!.number);
    for (const query of DASHBOARD_QUERIES) expect(panels.filter((n) => n === query.number)).toHaveLength(2);
    const count = statements.find((st) => st.query?.number === 1)!;
    expect(count.rowsSent).toBe(1);
    expect(count.rowsExamined).toBeGreaterThanOrEqual(2_000);
    expect(settings.during).toEqual({ slow_query_log: 1, long_query_time: 0, log_output: 'TABLE' });
    expect(settings.after).toEqual(settings.before);
  });

  it('puts the settings back when the work fails', async () => {
    const [before] = await s.db.query('SELECT @@GLOBAL.slow_query_log AS a, @@GLOBAL.long_query_time AS b, @@GLOBAL.log_output AS c');
    await expect(catchSlowQueries(s.db, 200, async () => {
      throw new Error('the dashboard broke');
    })).rejects.toThrow('the dashboard broke');
    const [after] = await s.db.query('SELECT @@GLOBAL.slow_query_log AS a, @@GLOBAL.long_query_time AS b, @@GLOBAL.log_output AS c');
    expect(after).toEqual(before);
  });

  it('tells how the naive table is read for one panel: every row, for the campaign\'s few', async () => {
    const analysis = await analyzeQuery(s.db, DASHBOARD_QUERIES[0]!, { campaignId: campaign.id });
    expect(analysis.access).toBe('ALL');
    expect(analysis.rowsExamined).toBe(2_000);
    expect(analysis.totalMs).toBeGreaterThan(0);
    expect(analysis.readMs).toBeLessThanOrEqual(analysis.totalMs);
  });
});
