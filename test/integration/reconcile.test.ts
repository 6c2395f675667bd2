// Reconciliation on the real database, with gaps made on purpose: the ranges it finds and
// the report it prints, literally. Each test has a database of its own, where the first
// campaign is campaign 1, whose transaction ids are 1000000001, 1000000002, ...
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Campaign,
  DONATION_COLUMN_NAMES,
  formatReconciliation,
  loadConfig,
  naiveTableDdl,
  reconcileCampaign,
  recordProduced,
  startCampaign,
  reconciliationVerdict,
  createPipeline,
  pipelineBacklog,
  produceDonations,
  type ProduceSummary,
} from '@donations/lib';
import { heapTableDdl } from '../heap-table.js';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch();
});
afterEach(async () => {
  await s?.cleanup();
});

/** Every donation of these tests is 10.25 EUR: the amounts in the reports are literal. */
const AMOUNT = 10.25;

/**
 * A campaign of `count` donations, recorded in the ledger as acknowledged and all loaded
 * into `table`, which is created with `ddl` (the naive table by default).
 */
async function loadedCampaign(
  table: string,
  count: number,
  ddl = naiveTableDdl('mariadb', table).sql,
  ledger: { acknowledged: number; amount: number } = { acknowledged: count, amount: count * AMOUNT },
): Promise<Campaign> {
  await s.db.execute(ddl);
  const campaign = await startCampaign(s.db, { seed: 7 });
  const events = Array.from({ length: count }, () => ({ ...campaign.next(new Date('2026-11-25T10:00:00Z')), total_amount: AMOUNT }));
  await s.db.execute(`INSERT INTO ${table} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [events.map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]))]);
  // What produceCampaign returns, as far as the ledger reads it.
  const acknowledged = { campaignId: campaign.id, acknowledged: ledger.acknowledged, amountAcknowledged: ledger.amount, lastTransactionId: events[count - 1]!.transaction_id } as ProduceSummary;
  await recordProduced(s.db, acknowledged);
  return campaign;
}

/** Deletes the donations of `campaign` whose sequence numbers (1 = its first id) are given. */
async function deleteSequences(table: string, campaign: Campaign, sequences: number[]): Promise<void> {
  const first = campaign.id * 1_000_000_000;
  await s.db.execute(`DELETE FROM ${table} WHERE transaction_id IN (?)`, [sequences.map((n) => first + n)]);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The heap table's DDL is MariaDB's; SingleStore's reconciliation runs in singlestore.test.ts.
describe.skipIf(loadConfig().database.target !== 'mariadb')('reconcileCampaign', () => {
  it('is exact when every acknowledged donation is held once', async () => {
    const campaign = await loadedCampaign('gaps_none', 100);
    expect(campaign.id).toBe(1);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_none', pipeline: { errorCount: async () => 0 } });
    expect(result).toEqual({
      campaignId: 1,
      table: 'gaps_none',
      sent: 100,
      amountSent: 1025,
      held: 100,
      amountHeld: 1025,
      missing: 0,
      notYetLoaded: 0,
      lost: 0,
      backlog: null,
      duplicated: 0,
      unexpected: 0,
      rejected: 0,
      rejectedKeptMinutes: null,
      rejectedMayHaveAgedOut: false,
      missingRanges: [],
      exact: true,
      statement: expect.stringContaining('FROM `gaps_none` WHERE campaign_id = ?'),
    });
    expect(formatReconciliation(result)).toBe(
      [
        'campaign 1 in gaps_none: EXACT',
        '  sent (acknowledged): 100 donations, 1,025.00 EUR',
        '  in the table:        100 donations, 1,025.00 EUR',
        '  missing 0, duplicated 0, unexpected 0, rejected by the pipeline 0',
      ].join('\n'),
    );
  });

  it('finds a head gap, a middle gap and a tail gap, by id range', async () => {
    const campaign = await loadedCampaign('gaps_three', 100);
    await deleteSequences('gaps_three', campaign, [1, 2, ...range(41, 45), 77, ...range(98, 100)]);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_three' });
    expect(result).toMatchObject({ sent: 100, held: 89, missing: 11, duplicated: 0, unexpected: 0, rejected: null, exact: false });
    expect(result.amountHeld).toBe(912.25);
    expect(result.missingRanges).toEqual([
      { from: 1000000001, to: 1000000002 },
      { from: 1000000041, to: 1000000045 },
      { from: 1000000077, to: 1000000077 },
      { from: 1000000098, to: 1000000100 },
    ]);
    expect(formatReconciliation(result)).toBe(
      [
        'campaign 1 in gaps_three: MISMATCH',
        '  sent (acknowledged): 100 donations, 1,025.00 EUR',
        '  in the table:        89 donations, 912.25 EUR',
        '  missing 11, duplicated 0, unexpected 0',
        '  missing ids 1000000001..1000000002',
        '  missing ids 1000000041..1000000045',
        '  missing ids 1000000077..1000000077',
        '  missing ids 1000000098..1000000100',
      ].join('\n'),
    );
  });

  it('lists the first 20 of more than 20 gaps, and says so', async () => {
    const campaign = await loadedCampaign('gaps_many', 100);
    // Every fourth donation: 25 gaps of one id each.
    const everyFourth = range(1, 25).map((i) => i * 4);
    await deleteSequences('gaps_many', campaign, everyFourth);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_many' });
    expect(result).toMatchObject({ held: 75, missing: 25, exact: false });
    const first20 = everyFourth.slice(0, 20).map((n) => 1_000_000_000 + n);
    expect(result.missingRanges).toEqual(first20.map((id) => ({ from: id, to: id })));
    const report = formatReconciliation(result).split('\n');
    expect(report.slice(3)).toEqual([
      '  missing 25, duplicated 0, unexpected 0',
      ...first20.map((id) => `  missing ids ${id}..${id}`),
      '  (only the first 20 gaps are listed)',
    ]);
  });

  it('finds the whole campaign missing from an empty table as one range', async () => {
    const campaign = await loadedCampaign('gaps_all', 30);
    await s.db.execute('DELETE FROM gaps_all');
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_all' });
    expect(result).toMatchObject({ held: 0, amountHeld: 0, missing: 30, duplicated: 0, unexpected: 0, exact: false });
    expect(result.missingRanges).toEqual([{ from: 1000000001, to: 1000000030 }]);
  });

  it('counts a donation held twice and one beyond what was acknowledged, in a table without a unique key', async () => {
    // Without a primary key, nothing stops a row from being held twice.
    const campaign = await loadedCampaign('gaps_heap', 10, heapTableDdl('gaps_heap'));
    const first = campaign.id * 1_000_000_000;
    await s.db.execute(`INSERT INTO gaps_heap SELECT * FROM gaps_heap WHERE transaction_id = ?`, [first + 3]);
    await s.db.execute(`INSERT INTO gaps_heap SELECT * FROM gaps_heap WHERE transaction_id = ?`, [first + 4]);
    await s.db.execute('UPDATE gaps_heap SET transaction_id = ? WHERE transaction_id = ? LIMIT 1', [first + 11, first + 4]);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_heap', pipeline: { errorCount: async () => 3 } });
    expect(result).toMatchObject({ sent: 10, held: 12, amountHeld: 123, missing: 0, duplicated: 1, unexpected: 1, rejected: 3, missingRanges: [], exact: false });
    expect(formatReconciliation(result).split('\n').slice(2)).toEqual([
      '  in the table:        12 donations, 123.00 EUR',
      '  missing 0, duplicated 1, unexpected 1, rejected by the pipeline 3',
    ]);
  });

  it("says how long the pipeline's record of rejections lasts, and when a campaign is older than that", async () => {
    const campaign = await loadedCampaign('gaps_kept', 10);
    const pipeline = { errorCount: async () => 2, errorRetentionMinutes: async () => 60 };
    const recent = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_kept', pipeline });
    expect(recent).toMatchObject({ rejected: 2, rejectedKeptMinutes: 60, rejectedMayHaveAgedOut: false, exact: true });
    expect(formatReconciliation(recent).split('\n').at(-1)).toBe("  (PIPELINES_ERRORS keeps a rejection 60 minutes (pipelines_errors_retention_minutes): all of this campaign's are still counted)");
    const later = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_kept', pipeline, now: new Date(Date.now() + 2 * 3_600_000) });
    expect(later).toMatchObject({ rejectedMayHaveAgedOut: true, exact: true });
    expect(formatReconciliation(later).split('\n').at(-1)).toBe(
      '  (rejections older than 60 minutes are no longer counted: PIPELINES_ERRORS keeps an error that long (pipelines_errors_retention_minutes), and this campaign began earlier)',
    );
  });

  it('is a mismatch when the count is right but an amount is not', async () => {
    const campaign = await loadedCampaign('gaps_amount', 10);
    await s.db.execute('UPDATE gaps_amount SET total_amount = 10.26 WHERE transaction_id = ?', [campaign.id * 1_000_000_000 + 5]);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_amount' });
    expect(result).toMatchObject({ held: 10, missing: 0, duplicated: 0, unexpected: 0, amountSent: 102.5, amountHeld: 102.51, missingRanges: [], exact: false });
  });

  it('is exact for a campaign that sent nothing, on an empty table', async () => {
    // A campaign whose producer acknowledged nothing: no ids are expected, none missing.
    const campaign = await startCampaign(s.db, { seed: 8 });
    await s.db.execute(naiveTableDdl('mariadb', 'gaps_nothing').sql);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_nothing' });
    expect(result).toMatchObject({ sent: 0, held: 0, missing: 0, missingRanges: [], exact: true });
  });

  it('refuses a campaign the ledger does not know', async () => {
    await loadedCampaign('gaps_none', 1);
    await expect(reconcileCampaign(s.db, 999, { table: 'gaps_none' })).rejects.toThrow('campaign 999 is not in the campaigns table: was it started with startCampaign()?');
  });

  it('does not let a donation held twice hide a missing one (a table without a unique key)', async () => {
    const campaign = await loadedCampaign('gaps_masked', 10, heapTableDdl('gaps_masked'));
    const first = campaign.id * 1_000_000_000;
    await s.db.execute('INSERT INTO gaps_masked SELECT * FROM gaps_masked WHERE transaction_id = ?', [first + 3]);
    await deleteSequences('gaps_masked', campaign, [5]);
    const result = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_masked' });
    expect(result).toMatchObject({ held: 10, missing: 1, duplicated: 1, unexpected: 0, missingRanges: [{ from: 1000000005, to: 1000000005 }], exact: false });
  });

  // A mismatch of each kind alone, the ledger and the amounts agreeing otherwise: each is enough.
  it('is a mismatch on a missing donation alone', async () => {
    const campaign = await loadedCampaign('alone_missing', 10, undefined, { acknowledged: 9, amount: 9 * AMOUNT });
    await deleteSequences('alone_missing', campaign, [5]);
    expect(await reconcileCampaign(s.db, campaign.id, { table: 'alone_missing' })).toMatchObject({ sent: 9, held: 9, missing: 1, duplicated: 0, unexpected: 0, exact: false });
  });

  it('is a mismatch on a donation beyond the acknowledged ones alone', async () => {
    const campaign = await loadedCampaign('alone_unexpected', 10, undefined, { acknowledged: 11, amount: 11 * AMOUNT });
    const first = campaign.id * 1_000_000_000;
    await s.db.execute('INSERT INTO alone_unexpected SELECT ? + 11, city, latitude, longitude, organization, transaction_date, total_amount, campaign_id, is_campaign_active FROM alone_unexpected WHERE transaction_id = ?', [first, first + 1]);
    expect(await reconcileCampaign(s.db, campaign.id, { table: 'alone_unexpected' })).toMatchObject({ sent: 11, held: 11, missing: 0, duplicated: 0, unexpected: 1, exact: false });
  });

  it('is a mismatch on a duplicate alone', async () => {
    const campaign = await loadedCampaign('alone_duplicated', 10, heapTableDdl('alone_duplicated'), { acknowledged: 11, amount: 11 * AMOUNT });
    await s.db.execute('INSERT INTO alone_duplicated SELECT * FROM alone_duplicated WHERE transaction_id = ?', [campaign.id * 1_000_000_000 + 3]);
    expect(await reconcileCampaign(s.db, campaign.id, { table: 'alone_duplicated' })).toMatchObject({ sent: 11, held: 11, missing: 0, duplicated: 1, unexpected: 0, exact: false });
  });

  it('is a mismatch on a count that differs from the ledger alone', async () => {
    const campaign = await loadedCampaign('alone_count', 10, undefined, { acknowledged: 9, amount: 10 * AMOUNT });
    expect(await reconcileCampaign(s.db, campaign.id, { table: 'alone_count' })).toMatchObject({ sent: 9, held: 10, missing: 0, duplicated: 0, unexpected: 0, exact: false });
  });

  it('finds the one donation of a campaign of one missing', async () => {
    const campaign = await loadedCampaign('gaps_one', 1);
    await deleteSequences('gaps_one', campaign, [1]);
    expect(await reconcileCampaign(s.db, campaign.id, { table: 'gaps_one' })).toMatchObject({ missing: 1, missingRanges: [{ from: 1000000001, to: 1000000001 }], exact: false });
  });

  it('refuses a table name carrying SQL', async () => {
    const campaign = await loadedCampaign('gaps_name', 1);
    await expect(reconcileCampaign(s.db, campaign.id, { table: 'gaps_name; DROP TABLE campaigns' })).rejects.toThrow('Invalid table name "gaps_name; DROP TABLE campaigns"');
  });

  // npm run reconcile after a run whose pipeline stopped before the last donations: still in the
  // topic is not lost. Only what the backlog cannot hold is.
  it('tells donations not yet loaded from lost ones, by the pipeline backlog', async () => {
    const campaign = await loadedCampaign('gaps_backlog', 50);
    await deleteSequences('gaps_backlog', campaign, range(41, 50));
    const waiting = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_backlog', backlog: async () => ({ messages: 10, state: 'Stopped' }) });
    expect(waiting).toMatchObject({ missing: 10, notYetLoaded: 10, lost: 0, exact: false });
    expect(reconciliationVerdict(waiting)).toBe('LOADING');
    expect(formatReconciliation(waiting).split('\n').slice(0, 1).concat(formatReconciliation(waiting).split('\n').slice(3, 4))).toEqual([
      'campaign 1 in gaps_backlog: NOT YET LOADED: 10 donation(s) still in the topic, the pipeline Stopped and 10 message(s) behind (`npm run pipeline -- --until-caught-up` loads them); nothing lost',
      '  missing 10 (not yet loaded 10, lost 0), duplicated 0, unexpected 0',
    ]);
    const short = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_backlog', backlog: async () => ({ messages: 4, state: 'Running' }) });
    expect(short).toMatchObject({ missing: 10, notYetLoaded: 4, lost: 6 });
    expect(reconciliationVerdict(short)).toBe('MISMATCH');
    const caughtUp = await reconcileCampaign(s.db, campaign.id, { table: 'gaps_backlog', backlog: async () => ({ messages: 0, state: 'Running' }) });
    expect(reconciliationVerdict(caughtUp)).toBe('MISMATCH');
    expect(formatReconciliation(caughtUp)).toContain('missing 10 (not yet loaded 0, lost 10)');
  });

  it("measures a real pipeline's backlog: the topic beyond its loaded cursor, then none once caught up", async () => {
    const topic = await s.topic(2);
    await s.db.execute(naiveTableDdl('mariadb', 'backlog_rows').sql);
    const pipeline = createPipeline(s, { name: 'backlog_consumer', topic, table: 'backlog_rows', format: 'donations-json' });
    await pipeline.create();
    const campaign = await startCampaign(s.db);
    await produceDonations(s, { campaign, topic, count: 300 });
    expect(await pipelineBacklog(pipeline, s.kafka)).toEqual({ messages: 300, state: 'Stopped' });
    const before = await reconcileCampaign(s.db, campaign.id, { table: 'backlog_rows', backlog: () => pipelineBacklog(pipeline, s.kafka) });
    expect(before).toMatchObject({ missing: 300, notYetLoaded: 300, lost: 0 });
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 60_000 });
    await pipeline.stop();
    expect(await pipelineBacklog(pipeline, s.kafka)).toEqual({ messages: 0, state: 'Stopped' });
    expect(reconciliationVerdict(await reconcileCampaign(s.db, campaign.id, { table: 'backlog_rows', backlog: () => pipelineBacklog(pipeline, s.kafka) }))).toBe('EXACT');
  });
});
