// The seven queries and both schemas on the real database, with real rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign, DASHBOARD_QUERIES, DONATION_COLUMN_NAMES, naiveTableDdl, optimizedTableDdl, suggestedIndexes, formatUtc } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
const campaign = new Campaign({ id: 5, seed: 21 });
const other = new Campaign({ id: 6, seed: 22 });
const now = Date.now();
// 2,000 donations spread over the last 100 s, plus another campaign that must not count.
const events = Array.from({ length: 2_000 }, (_, i) => campaign.next(new Date(now - (i % 100) * 1_000)));
const noise = Array.from({ length: 500 }, () => other.next(new Date(now)));

beforeAll(async () => {
  s = await scratch();
  for (const [table, ddl] of [
    ['naive', naiveTableDdl(s.config.database.target, 'naive')],
    ['optimized', optimizedTableDdl(s.config.database.target, 'optimized')],
  ] as const) {
    await s.db.execute(ddl.sql);
    const rows = [...events, ...noise].map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));
    await s.db.execute(`INSERT INTO ${table} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [rows]);
  }
});
afterAll(async () => {
  await s.cleanup();
});

function expected(filter: (e: (typeof events)[number]) => boolean, by: (e: (typeof events)[number]) => string) {
  const totals = new Map<string, number>();
  for (const e of events.filter(filter)) totals.set(by(e), (totals.get(by(e)) ?? 0) + e.total_amount);
  return totals;
}

describe('the seven queries on real rows', () => {
  const params = { campaignId: campaign.id };

  it.each(['naive', 'optimized'])('answer from the %s table what the events say', async (table) => {
    const [q1, q2, q3, q4, q5, q6, q7] = await Promise.all(DASHBOARD_QUERIES.map((q) => q.run(s.db, params, table)));
    expect(q1).toEqual([{ donations: 2_000 }]);
    expect(q2).toEqual([{ total_donation_amount: events.reduce((sum, e) => sum + e.total_amount, 0) }]);

    const byPair = expected(() => true, (e) => `${e.city}|${e.organization}`);
    const best = Math.max(...byPair.values());
    expect(q3).toHaveLength(1);
    expect(q3![0]!.total_donation_amount).toBe(best);
    expect(byPair.get(`${q3![0]!.city}|${q3![0]!.organization}`)).toBe(best);

    const byCity = expected(() => true, (e) => e.city);
    expect(q4!.map((r) => [r.city, r.total_donation_amount])).toEqual([...byCity].sort((a, b) => b[1] - a[1]));
    for (const row of q4!) {
      const city = campaign.cities.find((c) => c.city === row.city)!;
      expect([row.latitude, row.longitude]).toEqual([city.latitude, city.longitude]);
    }
    const byOrg = expected(() => true, (e) => e.organization);
    expect(q5!.map((r) => [r.organization, r.total_donation_amount])).toEqual([...byOrg].sort((a, b) => b[1] - a[1]));

    // Windows: the events are spread one second apart over 100 s; a few seconds of slack
    // at the edge, since the database's clock moved on while the test ran.
    const recentCity = expected((e) => e.transaction_date > formatUtc(new Date(now - 35_000)), (e) => e.city);
    const total6 = q6!.reduce((sum, r) => sum + Number(r.total_donation_amount), 0);
    const expected6 = [...recentCity.values()].reduce((a, b) => a + b, 0);
    expect(total6).toBeLessThanOrEqual(expected6);
    expect(total6).toBeGreaterThan(expected6 * 0.8);
    expect(q6!.map((r) => r.city)).toEqual([...q6!.map((r) => r.city)].sort());
    const total7 = q7!.reduce((sum, r) => sum + Number(r.total_donation_amount), 0);
    expect(total7).toBeLessThan(total6);
    expect(total7).toBeGreaterThan(0);
  });

  it('the optimized table answers exactly like the naive one', async () => {
    for (const q of DASHBOARD_QUERIES.slice(0, 5)) {
      expect(await q.run(s.db, params, 'optimized')).toEqual(await q.run(s.db, params, 'naive'));
    }
  });

  it("the original's suggested indexes apply to the naive table", async () => {
    for (const index of suggestedIndexes('naive')) await s.db.execute(index.sql);
    const rows = await s.db.query<{ Key_name: string }>('SHOW INDEX FROM naive');
    expect(new Set(rows.map((r) => r.Key_name))).toEqual(new Set(['PRIMARY', ...suggestedIndexes().map((i) => i.name)]));
  });
});
