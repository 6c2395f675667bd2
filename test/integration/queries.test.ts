// The seven queries and both schemas on the real database, with rows whose answers are
// written out here. The windows of queries 6 and 7 are placed on the database's clock, and
// no donation sits within 3 s of a window's edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIES, DASHBOARD_QUERIES, DONATION_COLUMN_NAMES, formatUtc, naiveTableDdl, optimizedTableDdl, suggestedIndexes } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
const CAMPAIGN = 5;
const OTHER_CAMPAIGN = 6;
/** The database's clock when the rows were written, in whole seconds as UTC_TIMESTAMP() gives it. */
let clock: Date;

// [seconds before the clock, campaign, city, organization, amount]. Amounts are multiples
// of 0.25, exact in binary, so that sums compare exactly. Windows: 35 s (query 6), 28 s (query 7).
const DONATIONS: [number, number, string, string, number][] = [
  [5, CAMPAIGN, 'Amiens', 'SmileFund', 10],
  [5, CAMPAIGN, 'Brest', 'WarmHearts', 20.5],
  [20, CAMPAIGN, 'Amiens', 'WarmHearts', 30.25],
  [20, CAMPAIGN, 'Caen', 'SmileFund', 5],
  [31, CAMPAIGN, 'Brest', 'SmileFund', 100], // in the 35 s window, not the 28 s one
  [31, CAMPAIGN, 'Caen', 'PureJoy', 7.75], // likewise
  [60, CAMPAIGN, 'Amiens', 'PureJoy', 200], // in neither window
  [90, CAMPAIGN, 'Caen', 'WarmHearts', 40], // in neither window
  [5, OTHER_CAMPAIGN, 'Amiens', 'SmileFund', 999.75], // another campaign: never counted
  [31, OTHER_CAMPAIGN, 'Rouen', 'PureJoy', 1.5],
];

const place = (city: string) => CITIES.find((c) => c.city === city)!;

beforeAll(async () => {
  s = await scratch();
  const [row] = await s.db.query<{ now: Date }>('SELECT UTC_TIMESTAMP() AS now');
  clock = row!.now;
  const rows = DONATIONS.map(([ago, campaign, city, organization, amount], i) => {
    const event = {
      transaction_id: campaign * 1_000_000_000 + i + 1,
      city,
      latitude: place(city).latitude,
      longitude: place(city).longitude,
      organization,
      transaction_date: formatUtc(new Date(clock.getTime() - ago * 1_000)),
      total_amount: amount,
      campaign_id: campaign,
      is_campaign_active: 1,
    };
    return DONATION_COLUMN_NAMES.map((c) => event[c]);
  });
  for (const [table, ddl] of [
    ['naive', naiveTableDdl(s.config.database.target, 'naive')],
    ['optimized', optimizedTableDdl(s.config.database.target, 'optimized')],
  ] as const) {
    await s.db.execute(ddl.sql);
    await s.db.execute(`INSERT INTO ${table} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [rows]);
  }
});
afterAll(async () => {
  await s?.cleanup();
});

describe('the seven queries on real rows', () => {
  const params = { campaignId: CAMPAIGN };

  it.each(['naive', 'optimized'])('answer from the %s table what the rows say, group by group', async (table) => {
    const [q1, q2, q3, q4, q5, q6, q7] = await Promise.all(DASHBOARD_QUERIES.map((q) => q.run(s.db, params, table)));
    const [after] = await s.db.query<{ now: Date }>('SELECT UTC_TIMESTAMP() AS now');
    // The rows at 31 s stay in the 35 s window until the clock has moved 4 s: the answers
    // below hold only if the queries ran before that.
    expect(after!.now.getTime() - clock.getTime()).toBeLessThanOrEqual(3_000);

    expect(q1).toEqual([{ donations: 8 }]);
    expect(q2).toEqual([{ total_donation_amount: 413.5 }]);
    expect(q3).toEqual([{ city: 'Amiens', organization: 'PureJoy', total_donation_amount: 200 }]);
    expect(q4).toEqual([
      { city: 'Amiens', latitude: 49.8941, longitude: 2.3022, total_donation_amount: 240.25 },
      { city: 'Brest', latitude: 48.3904, longitude: -4.4861, total_donation_amount: 120.5 },
      { city: 'Caen', latitude: 49.1829, longitude: -0.3707, total_donation_amount: 52.75 },
    ]);
    expect(q5).toEqual([
      { organization: 'PureJoy', total_donation_amount: 207.75 },
      { organization: 'SmileFund', total_donation_amount: 115 },
      { organization: 'WarmHearts', total_donation_amount: 90.75 },
    ]);
    // The last 35 s per city, in city order.
    expect(q6).toEqual([
      { city: 'Amiens', total_donation_amount: 40.25 },
      { city: 'Brest', total_donation_amount: 120.5 },
      { city: 'Caen', total_donation_amount: 12.75 },
    ]);
    // The last 28 s per organization, in organization order: PureJoy's donations are older.
    expect(q7).toEqual([
      { organization: 'SmileFund', total_donation_amount: 15 },
      { organization: 'WarmHearts', total_donation_amount: 50.75 },
    ]);
  });

  it('take the window as a parameter', async () => {
    const [q6, q7] = [DASHBOARD_QUERIES[5]!, DASHBOARD_QUERIES[6]!];
    // 75 s: everything but the donation 90 s old. 10 s: only those 5 s old.
    expect(await q6.run(s.db, { campaignId: CAMPAIGN, windowSeconds: 75 }, 'naive')).toEqual([
      { city: 'Amiens', total_donation_amount: 240.25 },
      { city: 'Brest', total_donation_amount: 120.5 },
      { city: 'Caen', total_donation_amount: 12.75 },
    ]);
    expect(await q7.run(s.db, { campaignId: CAMPAIGN, windowSeconds: 10 }, 'naive')).toEqual([
      { organization: 'SmileFund', total_donation_amount: 10 },
      { organization: 'WarmHearts', total_donation_amount: 20.5 },
    ]);
  });

  it('answer nothing for a campaign without donations', async () => {
    const answers = await Promise.all(DASHBOARD_QUERIES.map((q) => q.run(s.db, { campaignId: 99 }, 'naive')));
    expect(answers).toEqual([[{ donations: 0 }], [{ total_donation_amount: null }], [], [], [], [], []]);
  });

  it("the original's suggested indexes apply to the naive table", async () => {
    for (const index of suggestedIndexes('naive')) await s.db.execute(index.sql);
    const rows = await s.db.query<{ Key_name: string }>('SHOW INDEX FROM naive');
    expect(new Set(rows.map((r) => r.Key_name))).toEqual(new Set(['PRIMARY', ...suggestedIndexes().map((i) => i.name)]));
  });
});
