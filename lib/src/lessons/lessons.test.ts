import { describe, expect, it } from 'vitest';
import type { RefreshReport } from '../dashboard/refresh.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { growthVerdict, type GrowthStep } from './grow.js';
import { mergeReports, upperFigure } from './measure.js';
import { htmlToText, textScreen } from './screen.js';
import { comparedWith, describeReport, times } from './verdict.js';

const timing = (durationMs: number) => ({ durationMs, startDelayMs: 0, panelMs: Object.fromEntries(DASHBOARD_QUERIES.map((q) => [q.key, durationMs / 2])) });
const report = (durations: number[], budgetMs = 250): RefreshReport => ({
  table: 't', campaignId: 1, budgetMs, refreshes: durations.length, elapsedMs: durations.reduce((a, b) => a + b, 0), expected: durations.length,
  late: durations.filter((d) => d > budgetMs).length, p50Ms: 0, p95Ms: 0, worstMs: Math.max(...durations), perPanel: [], timings: durations.map(timing),
});

describe('measures side by side', () => {
  it('merges turns into one report counting every refresh once', () => {
    const merged = mergeReports([report([100, 300]), report([200]), report([400, 500])], DASHBOARD_QUERIES);
    expect(merged.refreshes).toBe(5);
    expect(merged.late).toBe(3);
    expect(merged.p50Ms).toBe(300);
    expect(merged.worstMs).toBe(500);
    expect(merged.perPanel.map((p) => p.p50Ms)).toEqual(DASHBOARD_QUERIES.map(() => 150));
    expect(merged.timings).toHaveLength(5);
  });

  it('states a p95 only from 20 refreshes, else the slowest of the few', () => {
    const few = mergeReports([report([100, 120, 900])], DASHBOARD_QUERIES);
    expect(upperFigure(few)).toEqual({ label: 'slowest of 3', ms: 900 });
    const many = mergeReports([report(Array.from({ length: 20 }, (_, i) => 100 + i))], DASHBOARD_QUERIES);
    expect(upperFigure(many).label).toBe('p95');
    expect(upperFigure(many).ms).toBeCloseTo(118.1, 1);
    expect(describeReport(few)).toBe('median 120 ms, slowest of 3 900 ms, 1 of 3 refreshes over the 250 ms budget');
  });
});

describe('verdicts computed from the figures', () => {
  it('calls a gain only beyond the noise of a busy machine', () => {
    expect(comparedWith(100, 1_000)).toBe('10x faster than');
    expect(comparedWith(500, 1_000)).toBe('2.0x faster than');
    expect(comparedWith(957, 916)).toMatch(/^about the same as/);
    expect(comparedWith(1_115, 700)).toBe('1.6x slower than');
    expect(times(34.4)).toBe('34x');
  });

  const step = (rows: number, p50Ms: number, produceAndLoadRowsPerSecond: number | null = 50_000, campaignDonations = 100_000): GrowthStep => ({
    rows, campaignId: 1, campaignDonations, produceAndLoadRowsPerSecond, report: mergeReports([report([p50Ms])], DASHBOARD_QUERIES),
  });

  it('places the crossing of the budget between the two steps around it', () => {
    const text = growthVerdict([step(68_000, 40, null, 68_000), step(200_000, 150), step(500_000, 380), step(2_000_000, 1_600)], 100_000, 250);
    expect(text).toContain('crosses the 250 ms budget between 200,000 rows (150 ms) and 500,000 rows (380 ms)');
    expect(text).toContain('From 200,000 rows to 2,000,000, the table grew 10x and the median refresh 11x.');
    expect(text).toContain("lesson 04's campaign of 68,000 donations (median 40.0 ms): its panels group fewer rows, so it stands beside the curve, not on it.");
  });

  it('says plainly when the first point is already over the budget, or the last still fits', () => {
    expect(growthVerdict([step(100_000, 300), step(200_000, 600)], 100_000, 250)).toContain('past the budget already at the first point of the curve, 100,000 rows');
    const afterLesson04 = growthVerdict([step(68_002, 174, null, 68_002), step(168_002, 513), step(2_068_002, 1_900)], 100_000, 250);
    expect(afterLesson04).toContain('It was within the budget, the curve\'s first point is not: the crossing lies between 68,002 and 168,002 rows.');
    expect(growthVerdict([step(10_000, 10), step(20_000, 20)], 1_000, 250)).toContain('still fits');
  });

  it("keeps lesson 04's larger campaign off the curve: over the budget there says nothing of the table", () => {
    const text = growthVerdict([step(68_001, 334, null, 68_001), step(78_001, 78, 20_000, 5_000), step(103_001, 83, 20_000, 5_000)], 5_000, 250);
    expect(text).toContain('still fits');
    expect(text).not.toContain('past the budget');
    expect(text).toContain('its panels group more rows');
  });
});

describe('the text screen', () => {
  it('prints tables as lines and charts as a marker', () => {
    const lines: string[] = [];
    textScreen((l) => lines.push(l)).show({ blocks: [{ html: '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>&lt;2</td></tr></table>' }, 'plain', { html: '<svg></svg>' }] });
    expect(lines).toEqual(['a | b | \n1 | <2 |', 'plain', '[chart]']);
    expect(htmlToText('<b>x</b> &amp; y')).toBe('x & y');
  });
});
