// The campaign ledger on the real database: ids allocated as MAX + 1, without AUTO_INCREMENT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGNS_TABLE, ID_BLOCK, endCampaign, getCampaign, latestCampaign, recordProduced, resumeCampaign, startCampaign, type ProduceSummary } from '@donations/lib';
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

  it('resumes a campaign after the last id sent, with the same cities and weights, the same way every time', async () => {
    const startedAt = new Date('2026-11-25T10:00:00Z');
    const campaign = await startCampaign(s.db, { seed: 400, startedAt });
    const at = new Date('2026-11-25T10:05:00Z');
    const sent = Array.from({ length: 25 }, () => campaign.next(at));
    // What produceCampaign reports, as far as the ledger reads it.
    await recordProduced(s.db, { campaignId: campaign.id, acknowledged: 25, amountAcknowledged: 100, lastTransactionId: sent[24]!.transaction_id } as ProduceSummary);
    const resumed = await resumeCampaign(s.db, campaign.id);
    expect(resumed).toMatchObject({ id: campaign.id, seed: 400, startedAt, generated: 25 });
    expect(resumed.cities).toEqual(campaign.cities);
    expect(resumed.cityWeights).toEqual(campaign.cityWeights);
    expect(resumed.organizationWeights).toEqual(campaign.organizationWeights);
    const next = Array.from({ length: 5 }, () => resumed.next(at));
    expect(next.map((e) => e.transaction_id - campaign.id * ID_BLOCK)).toEqual([26, 27, 28, 29, 30]);
    for (const event of next) expect(campaign.cities.map((c) => c.city)).toContain(event.city);
    // Resumed again from the same ledger row, it continues with the same donations.
    const again = await resumeCampaign(s.db, campaign.id);
    expect(Array.from({ length: 5 }, () => again.next(at))).toEqual(next);
  });

  it('resumes a campaign that sent nothing at its first id', async () => {
    const campaign = await startCampaign(s.db, { seed: 401 });
    const resumed = await resumeCampaign(s.db, campaign.id);
    expect(resumed.next().transaction_id).toBe(campaign.id * ID_BLOCK + 1);
    expect(resumed.cities).toEqual(campaign.cities);
  });

  it('refuses to resume a campaign that does not exist', async () => {
    await expect(resumeCampaign(s.db, 424_242)).rejects.toThrow('campaign 424242 does not exist: start one with startCampaign() or `npm run produce`');
  });
});
