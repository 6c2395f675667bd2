// Freshness as a dashboard sees it: a donation produced now shows in query 6's last 35 s
// within a bound, through the real broker, the kit's pipeline and the database. The bound is
// generous for a loaded laptop; `npm run bench -- --only freshness` measures the fine figures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPipeline, naiveTableDdl, produceDonations, recentAmountPerCity, startCampaign, type Pipeline } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

const BOUND_MS = 10_000;

let s: Scratch;
let pipeline: Pipeline | undefined;
beforeEach(async () => {
  s = await scratch();
});
afterEach(async () => {
  await pipeline?.stop();
  await s?.cleanup();
});

describe('freshness', () => {
  it(`shows a donation produced now in query 6 within ${BOUND_MS / 1000} s, each of five in a row`, async () => {
    const topic = await s.topic(1);
    await s.db.execute(naiveTableDdl(s.db.target, 'fresh_rows').sql);
    pipeline = createPipeline(s, { name: 'fresh_consumer', topic, table: 'fresh_rows', format: 'donations-json' });
    await pipeline.create();
    await pipeline.start();
    const campaign = await startCampaign(s.db);
    const total = async () => (await recentAmountPerCity.run(s.db, { campaignId: campaign.id }, 'fresh_rows')).reduce((sum, row) => sum + Number(row.total_donation_amount), 0);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = await total();
      const started = performance.now();
      const sent = await produceDonations(s, { campaign, topic, count: 1 });
      expect(sent.acknowledged).toBe(1);
      let seen = before;
      while (seen < before + sent.amountAcknowledged - 0.001 && performance.now() - started < BOUND_MS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = await total();
      }
      delays.push(Math.round(performance.now() - started));
      expect(seen, `donation ${i + 1} not visible in query 6 after ${BOUND_MS} ms`).toBeCloseTo(before + sent.amountAcknowledged, 2);
    }
    expect(Math.max(...delays)).toBeLessThan(BOUND_MS);
  });
});
