// The summary `npm run workshop` ends with, from the figures lessons 05, 07 and 09 record.
import { describe, expect, it } from 'vitest';
import type { RefreshReport } from '@donations/lib';
import { formatSummary } from '../../infra/workshop.js';

const panel = (number: number, p95Ms: number) => ({ number, key: `q${number}`, title: `Query ${number}`, p50Ms: p95Ms / 2, p95Ms });
const report = (p95Ms: number, panels: ReturnType<typeof panel>[], late = 0): RefreshReport => ({
  table: 't', campaignId: 4, budgetMs: 250, refreshes: 5, expected: 5, late, p50Ms: p95Ms / 2, p95Ms, worstMs: p95Ms, elapsedMs: 5 * p95Ms, perPanel: panels, timings: [],
});

describe("the workshop's summary", () => {
  const runs = [{ notebook: '07-optimized-schema.ipynb', status: 'passed' as const, seconds: 22 }];

  it('reports the stall, each layout, each panel naive against optimized, and the totals', () => {
    const naive = report(900, [panel(1, 720.5), panel(2, 800)], 5);
    const optimized = report(30, [panel(1, 10.3), panel(2, 8)]);
    const text = formatSummary(runs, {
      pain: { rows: 2_000_000, budgetMs: 250, campaignRows: 100_000, campaignId: 4, steps: [{ rows: 500_000, campaignId: 2, produceAndLoadRowsPerSecond: 90_000, report: report(240, []) }, { rows: 2_000_000, campaignId: 4, produceAndLoadRowsPerSecond: 80_000, report: naive }], live: naive },
      optimized: { rows: 2_000_000, campaignId: 4, replaySeconds: 20, replayRowsPerSecond: 100_000, sameRows: true, layouts: [{ key: 'naive', table: 'n', title: 'n', report: naive }, { key: 'optimized', table: 'o', title: 'o', report: optimized }], naive, optimized, live: { naive, optimized } },
      totals: { campaignId: 4, totalsExact: true, ingest: { rowsOnly: 100_000, withTotals: 80_000 }, reports: { naive, optimized, totals: report(4, []) } },
    });
    expect(text).toContain('rows ingested (Kafka -> pipeline -> table): 2,000,000, in campaigns of 100,000 donations');
    expect(text).toMatch(/naive table at +500,000 rows: full refresh median +120\.0 ms of +5\n/);
    expect(text).toMatch(/naive table at +2,000,000 rows: full refresh median +450\.0 ms of +5 {2}\(stalls: over the budget\)/);
    expect(text).toContain('the stall, live: 5 of 5 refreshes late, median 450 ms (budget 250 ms)');
    expect(text).toMatch(/ {2}optimized +median +15\.0 ms of +5 +0 over the budget/);
    expect(text).toMatch(/Q1 Query 1 +360\.3 +5\.2 +70\.0x/);
    expect(text).toMatch(/full refresh +450\.0 +15\.0 +30\.0x/);
    expect(text).toContain('totals kept at ingest (09): equal to the rows; ingest 80,000 rows/s with them, 100,000 without (0.80x)');
    expect(text).toContain("full refresh median: naive 450.0 ms (07's baseline), optimized 15.0 ms, totals 2.0 ms (side by side)");
  });
});
