// The summary `npm run workshop` ends with, from the figures lessons 05 and 07 record.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../infra/workshop.js';

const panel = (number: number, p95Ms: number) => ({ number, key: `q${number}`, title: `Query ${number}`, p50Ms: p95Ms / 2, p95Ms });

describe("the workshop's summary", () => {
  const runs = [{ notebook: '07-optimized-schema.ipynb', status: 'passed' as const, seconds: 22 }];

  it("reads lesson 07's figures as it records them: each schema's panels", () => {
    const text = formatSummary(runs, { optimized: { rows: 47_001, replaySeconds: 2, naive: [panel(1, 72.5), panel(2, 80)], optimized: [panel(1, 10.3), panel(2, 8)] } });
    expect(text).toContain('p95 latency per panel, 7 panels at once, at 47,001 rows:');
    expect(text).toMatch(/Q1 Query 1 +72\.5 +10\.3 +7\.0x/);
    expect(text).toMatch(/Q2 Query 2 +80\.0 +8\.0 +10\.0x/);
    expect(text).not.toContain('full refresh');
  });

  it('adds the full refresh when whole reports were recorded', () => {
    const report = (p95Ms: number, panels: ReturnType<typeof panel>[]) => ({ table: 't', campaignId: 1, budgetMs: 250, refreshes: 5, expected: 5, late: 0, p50Ms: p95Ms, p95Ms, worstMs: p95Ms, perPanel: panels, timings: [] });
    const text = formatSummary(runs, { optimized: { rows: 10, replaySeconds: 1, naive: report(300, [panel(1, 300)]), optimized: report(30, [panel(1, 30)]) } });
    expect(text).toMatch(/full refresh +300\.0 +30\.0 +10\.0x/);
  });
});
