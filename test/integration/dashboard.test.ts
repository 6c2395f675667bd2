// Full dashboard refreshes on the real database: the report's accounting and its schedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeQuery,
  Campaign,
  catchSlowQueries,
  DASHBOARD_QUERIES,
  DONATION_COLUMN_NAMES,
  DONATIONS_TABLE,
  measureDashboard,
  naiveTableDdl,
  openDatabase,
  watchDashboard,
  type DashboardQuery,
  type Refresh,
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

/**
 * A panel whose query lasts a known time on the server (SELECT SLEEP), whatever the table
 * holds: `seconds` for every refresh, or the next of a list at each refresh. The accounting
 * of late refreshes can then be stated exactly.
 */
function sleepingPanel(number: number, seconds: number | number[]): DashboardQuery {
  let call = 0;
  const next = () => (typeof seconds === 'number' ? seconds : seconds[call++ % seconds.length]!);
  return {
    number,
    key: `sleep_${number}`,
    title: `a panel that sleeps (${number})`,
    panel: 'stat',
    columns: ['slept'],
    sql: () => 'SELECT SLEEP(?) AS slept',
    params: () => [next()],
    run: (db) => db.query('SELECT SLEEP(?) AS slept', [next()]),
  };
}

describe('measureDashboard', () => {
  it('runs the seven panels of every refresh at once, on schedule, and reports percentiles', async () => {
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 250, refreshes: 4 });
    expect(report.refreshes).toBe(4);
    expect(report.timings).toHaveLength(4);
    const keys = DASHBOARD_QUERIES.map((q) => q.key);
    report.timings.forEach((timing, i) => {
      expect(Object.keys(timing.panelMs)).toEqual(keys);
      // Concurrent: the refresh lasts as long as its slowest panel, not their sum.
      const slowest = Math.max(...Object.values(timing.panelMs));
      expect(timing.durationMs).toBeGreaterThanOrEqual(slowest - ROUNDING_MS);
      // On its slot, or as soon as the previous refresh ended when that one overran. Slack:
      // 50 ms (a fifth of the budget) for a timer woken late on a loaded 2-core machine.
      const previous = report.timings[i - 1];
      const due = previous ? Math.max(0, previous.startDelayMs + previous.durationMs - 250) : 0;
      expect(timing.startDelayMs).toBeGreaterThanOrEqual(due - 2 * ROUNDING_MS);
      expect(timing.startDelayMs).toBeLessThan(due + 50);
    });
    expect(report.late).toBe(report.timings.filter((t) => t.durationMs > 250).length);
    expect(report.p50Ms).toBeGreaterThan(0);
    expect(report.p50Ms).toBeLessThanOrEqual(report.p95Ms);
    expect(report.worstMs).toBe(Math.max(...report.timings.map((t) => t.durationMs)));
    expect(report.perPanel.map((q) => q.key)).toEqual(keys);
    for (const panel of report.perPanel) expect(panel.p50Ms).toBeLessThanOrEqual(panel.p95Ms);
  });

  it('counts a refresh late when its slowest panel overruns the budget, and the refreshes a dashboard wanted meanwhile', async () => {
    // Every refresh takes 500 ms (its slowest panel) against a 200 ms budget, for a second:
    // two refreshes run, both late, where a dashboard on time would have run five.
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 200, durationMs: 1_000, warmUp: false, queries: [sleepingPanel(1, 0.5), sleepingPanel(2, 0.1)] });
    expect(report).toMatchObject({ refreshes: 2, late: 2, expected: 5, budgetMs: 200 });
    expect(report.perPanel.map((p) => p.key)).toEqual(['sleep_1', 'sleep_2']);
    expect(report.p50Ms).toBeGreaterThanOrEqual(500);
    expect(report.worstMs).toBeGreaterThanOrEqual(500);
    const [slow, quick] = report.perPanel;
    expect(slow!.p50Ms).toBeGreaterThanOrEqual(500);
    expect(quick!.p50Ms).toBeGreaterThanOrEqual(100);
    // 100 ms of sleep: far below the slow panel's 500 ms, whatever the machine's load.
    expect(quick!.p50Ms).toBeLessThan(500);
    // The second refresh was due at 200 ms and started when the first ended, at 500 ms or later.
    expect(report.timings[1]!.startDelayMs).toBeGreaterThanOrEqual(300 - ROUNDING_MS);
  });

  it('counts only the refresh that overran: the next one starts late but, quick again, is within the budget', async () => {
    const seen: Refresh[] = [];
    // Refresh 2 takes 300 ms against a 200 ms budget; the others 10 ms.
    const report = await measureDashboard(s.db, {
      campaignId: campaign.id,
      budgetMs: 200,
      refreshes: 4,
      warmUp: false,
      queries: [sleepingPanel(1, [0.01, 0.3, 0.01, 0.01])],
      onRefresh: (refresh) => seen.push(refresh),
    });
    expect(seen.map((r) => [r.index, r.withinBudget])).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, true],
    ]);
    // About 620 ms in all, three budgets: the four refreshes run are what was expected.
    expect(report).toMatchObject({ refreshes: 4, late: 1, expected: 4 });
    // The median refresh is a quick one; the worst is the 300 ms one.
    expect(report.p50Ms).toBeGreaterThanOrEqual(10);
    expect(report.p50Ms).toBeLessThan(200);
    expect(report.worstMs).toBeGreaterThanOrEqual(300);
    // Refresh 3 was due at 400 ms and started after refresh 2 ended (500 ms or later).
    expect(seen[2]!.startDelayMs).toBeGreaterThanOrEqual(100 - ROUNDING_MS);
  });

  it('starts a late refresh as soon as the previous one ends, and counts it late', async () => {
    const report = await measureDashboard(s.db, { campaignId: campaign.id, budgetMs: 1, refreshes: 3 });
    expect(report.late).toBe(3);
    const [, second, third] = report.timings;
    expect(second!.startDelayMs).toBeGreaterThan(0);
    expect(third!.startDelayMs).toBeGreaterThan(second!.startDelayMs - ROUNDING_MS);
  });

  it('redraws each refresh, stops after its duration, and reports how many refreshes a dashboard wanted in that time', async () => {
    const frames: string[] = [];
    // Query 1 on the 2,000 rows, and a panel of 500 ms against a 200 ms budget, for a second:
    // two refreshes, both late, where an on-time dashboard would have drawn five. (A
    // refresh's own overhead, on a loaded machine, stays far below the 200 ms that would
    // make it six.)
    const report = await watchDashboard(s.db, {
      campaignId: campaign.id,
      budgetMs: 200,
      durationMs: 1_000,
      warmUp: false,
      queries: [DASHBOARD_QUERIES[0]!, sleepingPanel(2, 0.5)],
      render: (html) => frames.push(html),
    });
    expect(report).toMatchObject({ refreshes: 2, late: 2, expected: 5 });
    expect(frames).toHaveLength(2);
    expect(frames[0]).toContain('Refresh 1</b> on <code>donation_transactions</code>: all 2 panels');
    expect(frames[1]).toContain('Refresh 2</b>');
    expect(frames[0]).toMatch(/<b>late<\/b> by [\d,.]+ ms: the next refresh waits/);
    expect(frames[0]).toContain('dashed line: 200 ms');
    expect(frames[0]).toContain('<td>2,000</td>'); // query 1's count, as its panel shows it
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
    // A 0 ms threshold catches everything: both refreshes of all seven panels, each labelled.
    // MariaDB's table log (log_output = TABLE) now and then misses one of several statements
    // that finish together (seen: 1 in 14, in 1 run of 4): allow one.
    const panels = statements.filter((st) => st.query).map((st) => st.query!.number);
    for (const query of DASHBOARD_QUERIES) {
      const caught = panels.filter((n) => n === query.number).length;
      expect(caught, `Q${query.number}`).toBeGreaterThanOrEqual(1);
      expect(caught, `Q${query.number}`).toBeLessThanOrEqual(2);
    }
    expect(panels.length).toBeGreaterThanOrEqual(13);
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
