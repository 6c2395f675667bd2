import { describe, expect, it } from 'vitest';
import { DASHBOARD_QUERIES, amountPerCity, bestCityOrganization, recentAmountPerCity, recentAmountPerOrganization } from './queries.js';

describe('the seven dashboard queries', () => {
  it('are numbered 1..7 with distinct keys', () => {
    expect(DASHBOARD_QUERIES.map((q) => q.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(DASHBOARD_QUERIES.map((q) => q.key)).size).toBe(7);
  });

  it('filter by campaign id, never by a flag rewritten over the whole table', () => {
    for (const q of DASHBOARD_QUERIES) {
      expect(q.sql()).toContain('WHERE campaign_id = ?');
      expect(q.sql()).not.toContain('is_campaign_active');
      expect(q.params({ campaignId: 9 })[0]).toBe(9);
      // One parameter per placeholder.
      expect(q.params({ campaignId: 9 }).length).toBe(q.sql().split('?').length - 1);
    }
  });

  it('query 4 is per city with its coordinates, not a copy of query 3', () => {
    expect(amountPerCity.sql()).not.toBe(bestCityOrganization.sql());
    expect(amountPerCity.sql()).toContain('GROUP BY city, latitude, longitude');
    expect(amountPerCity.columns).toEqual(['city', 'latitude', 'longitude', 'total_donation_amount']);
  });

  it('windows are UTC, 35 s and 28 s by default, and parameters', () => {
    expect(recentAmountPerCity.sql()).toContain('transaction_date > UTC_TIMESTAMP() - INTERVAL ? SECOND');
    expect(recentAmountPerCity.params({ campaignId: 1 })).toEqual([1, 35]);
    expect(recentAmountPerOrganization.params({ campaignId: 1 })).toEqual([1, 28]);
    expect(recentAmountPerOrganization.params({ campaignId: 1, windowSeconds: 60 })).toEqual([1, 60]);
    expect(recentAmountPerCity.sql()).not.toMatch(/CONVERT_TZ|Europe\/Paris/);
  });

  it('run on another table by name, and refuse names carrying SQL', () => {
    expect(bestCityOrganization.sql('donation_transactions_optimized')).toContain('FROM `donation_transactions_optimized`');
    expect(() => bestCityOrganization.sql('t; DROP TABLE x')).toThrow(/Invalid table name/);
  });

  // A layout's panels must read that layout: run() on another table sends that table's SQL.
  it('run the SQL of the table they are given, with their parameters', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const db = { query: async (sql: string, params: unknown[] = []) => (sent.push({ sql, params }), []) } as unknown as Parameters<typeof bestCityOrganization.run>[0];
    for (const q of DASHBOARD_QUERIES) {
      await q.run(db, { campaignId: 5 }, 'donation_transactions_optimized');
      await q.run(db, { campaignId: 5 });
    }
    expect(sent).toHaveLength(14);
    sent.forEach((call, i) => {
      const q = DASHBOARD_QUERIES[Math.floor(i / 2)]!;
      expect(call.sql).toBe(i % 2 === 0 ? q.sql('donation_transactions_optimized') : q.sql());
      expect(call.sql).toContain(i % 2 === 0 ? 'FROM `donation_transactions_optimized`' : 'FROM `donation_transactions`');
      expect(call.params).toEqual(q.params({ campaignId: 5 }));
    });
  });
});
