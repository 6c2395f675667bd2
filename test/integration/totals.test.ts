// Totals kept at ingest by the kit's pipeline, on real Kafka and MariaDB: they equal the
// rows, duplicates and rejected messages are not counted, and a replay counts nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGGREGATED_TABLE,
  DASHBOARD_QUERIES,
  TOTALS_QUERIES,
  checkTotals,
  loadConfig,
  produceMessages,
  setUpTotalsPipeline,
  startCampaign,
  type Pipeline,
} from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
let pipeline: Pipeline;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await pipeline?.close();
  await s.cleanup();
});

describe.skipIf(loadConfig().database.target === 'singlestore')('totals kept at ingest (local pipeline)', () => {
  it('equal the rows, after duplicates and bad messages, and the seven queries answer alike from both', async () => {
    const topic = await s.topic(2);
    const campaign = await startCampaign(s.db, { seed: 21 });
    const now = Date.now();
    // 3,000 donations over the last 60 s, every tenth sent twice, and three bad messages.
    const events = Array.from({ length: 3_000 }, (_, i) => campaign.next(new Date(now - (i % 60) * 1_000)));
    const messages = events.flatMap((e, i) => {
      const one = { key: String(e.transaction_id), value: JSON.stringify(e) };
      return i % 10 === 0 ? [one, one] : [one];
    });
    messages.push({ key: 'bad', value: '{not json' }, { key: 'bad', value: JSON.stringify({ ...events[1], total_amount: -3 }) }, { key: 'bad', value: JSON.stringify({ ...events[2], city: undefined }) });
    await produceMessages(s.kafka, topic, messages);

    pipeline = await setUpTotalsPipeline(s, { topic, name: 'totals_test', batchIntervalMs: 50 });
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 60_000 });
    const check = await checkTotals(s.db, AGGREGATED_TABLE, campaign.id);
    expect(check.differences).toEqual([]);
    expect(check.groups).toEqual({ campaign: 1, city: 4, organization: 4, 'city and organization': 16, second: check.groups.second });
    expect(check.groups.second).toBeGreaterThan(60);
    expect(await pipeline.errorCount()).toBe(3);

    const [count] = await TOTALS_QUERIES[0]!.run(s.db, { campaignId: campaign.id });
    expect(count).toEqual({ donations: 3_000 });
    for (const [i, query] of DASHBOARD_QUERIES.entries()) {
      if (query.number === 3) continue; // ties between pairs may pick another first row; the sums are compared above
      const fromRows = await query.run(s.db, { campaignId: campaign.id, windowSeconds: 3_600 }, AGGREGATED_TABLE);
      const fromTotals = await TOTALS_QUERIES[i]!.run(s.db, { campaignId: campaign.id, windowSeconds: 3_600 });
      expect(fromTotals, `query ${query.number}`).toEqual(fromRows);
    }
  });

  it('count nothing twice when the topic is replayed into the same table', async () => {
    await pipeline.stop();
    const [before] = await TOTALS_QUERIES[0]!.run(s.db, { campaignId: 1 });
    await pipeline.replayFromEarliest();
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await pipeline.stop();
    expect(await TOTALS_QUERIES[0]!.run(s.db, { campaignId: 1 })).toEqual([before]);
    expect((await checkTotals(s.db, AGGREGATED_TABLE, 1)).exact).toBe(true);
  });

  it('count a donation once when a later batch brings it again (a producer retry after the first copy loaded)', async () => {
    const topic = await s.topic(1);
    const campaign = await startCampaign(s.db, { seed: 22 });
    const messages = Array.from({ length: 300 }, () => campaign.next()).map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) }));
    const again = await setUpTotalsPipeline(s, { topic, name: 'totals_again', batchIntervalMs: 50 });
    try {
      await produceMessages(s.kafka, topic, messages);
      await again.start();
      await again.waitUntilCaughtUp({ timeoutMs: 60_000 });
      // The same 300, every one already in the table, in batches with no id twice.
      await produceMessages(s.kafka, topic, messages);
      await again.waitUntilCaughtUp({ timeoutMs: 60_000 });
    } finally {
      await again.close();
    }
    const [count] = await TOTALS_QUERIES[0]!.run(s.db, { campaignId: campaign.id });
    expect(count).toEqual({ donations: 300 });
    expect((await checkTotals(s.db, AGGREGATED_TABLE, campaign.id)).differences).toEqual([]);
  });
});
