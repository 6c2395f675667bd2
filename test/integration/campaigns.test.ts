// The campaign ledger on the real database: ids allocated as MAX + 1, without AUTO_INCREMENT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGNS_TABLE, ID_BLOCK, endCampaign, getCampaign, latestCampaign, startCampaign } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

describe('campaign ledger', () => {
  it('gives concurrent starts distinct, increasing ids from 1, each with its own block of transaction ids', async () => {
    const started = await Promise.all(Array.from({ length: 8 }, (_, i) => startCampaign(s.db, { seed: 100 + i })));
    const ids = started.map((c) => c.id).sort((a, b) => a - b);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const campaign of started) {
      const record = await getCampaign(s.db, campaign.id);
      expect(record).toMatchObject({ campaignId: campaign.id, seed: campaign.seed, firstTransactionId: campaign.id * ID_BLOCK + 1 });
    }
    // The next start follows the largest id.
    expect((await startCampaign(s.db, { seed: 200 })).id).toBe(9);
  });

  it('finds the latest campaign by its start time, not by its id', async () => {
    const later = await startCampaign(s.db, { seed: 300, startedAt: new Date('2099-01-01T00:00:00.123456Z') });
    const earlier = await startCampaign(s.db, { seed: 301, startedAt: new Date('2001-01-01T00:00:00Z') });
    expect(earlier.id).toBeGreaterThan(later.id);
    const latest = await latestCampaign(s.db);
    expect(latest?.campaignId).toBe(later.id);
    // DATETIME(6) keeps what a JavaScript Date holds (milliseconds).
    expect(latest?.startedAt.toISOString()).toBe('2099-01-01T00:00:00.123Z');
  });

  it('prefers a campaign still collecting to one started later that has ended', async () => {
    const history = await startCampaign(s.db, { seed: 400, startedAt: new Date('2001-06-01T00:00:00Z') });
    const all = await s.db.query<{ campaign_id: number }>('SELECT campaign_id FROM campaigns WHERE campaign_id <> ?', [history.id]);
    for (const { campaign_id } of all) await endCampaign(s.db, Number(campaign_id));
    expect((await latestCampaign(s.db))?.campaignId).toBe(history.id);
    await endCampaign(s.db, history.id);
    // All ended: the last one started.
    expect((await latestCampaign(s.db))?.startedAt.getUTCFullYear()).toBe(2099);
  });

  it('has no AUTO_INCREMENT column', async () => {
    const columns = await s.db.query<{ EXTRA: string }>(
      'SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [CAMPAIGNS_TABLE, 'campaign_id'],
    );
    expect(columns).toHaveLength(1);
    expect(String(columns[0]!.EXTRA).toLowerCase()).not.toContain('auto_increment');
  });
});
