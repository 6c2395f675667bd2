// Full dashboard refreshes on the real database: the shape of the report and its schedule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign, DASHBOARD_QUERIES, DONATION_COLUMN_NAMES, DONATIONS_TABLE, execute, measureRefreshBudget, naiveTableDdl } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
const campaign = new Campaign({ id: 9, seed: 31 });

beforeAll(async () => {
  s = await scratch();
  const db = s.config.database;
  await execute(s.pool, db, naiveTableDdl(db.target).sql);
  const now = Date.now();
  const rows = Array.from({ length: 2_000 }, (_, i) => campaign.next(new Date(now - (i % 60) * 1_000))).map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));
  await execute(s.pool, db, `INSERT INTO ${DONATIONS_TABLE} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [rows]);
});
afterAll(async () => {
  await s?.cleanup();
});

// Timings are rounded to 0.1 ms: comparisons between them allow that much.
const ROUNDING_MS = 0.2;

describe('measureRefreshBudget', () => {
  it('reports every refresh, the budget kept, and percentiles of refreshes and queries', async () => {
    const report = await measureRefreshBudget(s.pool, s.config.database, { campaignId: campaign.id, refreshMs: 250, concurrency: 3, refreshes: 4 });
    expect(report.refreshMs).toBe(250);
    expect(report.concurrency).toBe(3);
    expect(report.refreshes).toHaveLength(4);
    const keys = DASHBOARD_QUERIES.map((q) => q.key);
    report.refreshes.forEach((refresh, index) => {
      expect(Object.keys(refresh.queryMs)).toEqual(keys);
      expect(refresh.durationMs).toBeGreaterThan(0);
      expect(refresh.withinBudget).toBe(refresh.durationMs <= 250);
      // A refresh never starts before its slot.
      expect(refresh.startedAtMs).toBeGreaterThanOrEqual(index * 250 - ROUNDING_MS);
      for (const ms of Object.values(refresh.queryMs)) expect(ms).toBeLessThanOrEqual(refresh.durationMs + ROUNDING_MS);
    });
    expect(report.withinBudget).toBe(report.refreshes.filter((r) => r.withinBudget).length);
    expect(report.p50Ms).toBeGreaterThan(0);
    expect(report.p50Ms).toBeLessThanOrEqual(report.p95Ms);
    expect(report.perQuery.map((q) => q.key)).toEqual(keys);
    for (const query of report.perQuery) expect(query.p50Ms).toBeLessThanOrEqual(query.p95Ms);
  });

  it('starts a late refresh as soon as the previous one ends, and runs one query at a time at concurrency 1', async () => {
    const report = await measureRefreshBudget(s.pool, s.config.database, { campaignId: campaign.id, refreshMs: 1, concurrency: 1, refreshes: 3 });
    const [first, second, third] = report.refreshes;
    // Every refresh takes longer than 1 ms, so each next one waits only for the previous.
    expect(second!.startedAtMs).toBeGreaterThanOrEqual(first!.startedAtMs + first!.durationMs - ROUNDING_MS);
    expect(third!.startDelayMs).toBeGreaterThan(0);
    expect(report.withinBudget).toBe(0);
    for (const refresh of report.refreshes) {
      const sum = Object.values(refresh.queryMs).reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(refresh.durationMs + DASHBOARD_QUERIES.length * ROUNDING_MS);
    }
  });
});
