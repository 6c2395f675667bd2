/**
 * Reconciliation: what the producer got acknowledged for a campaign against what the
 * table holds, down to the missing ids. Ids are the campaign's contiguous sequence, so a
 * gap is found exactly, without keeping a list of what was sent.
 */
import type { DatabaseConfig } from './config.js';
import { queryRows, quoteIdentifier, type Pool } from './db.js';
import { getCampaign } from './campaigns.js';
import { DONATIONS_TABLE } from './schema.js';
import { KitError } from './errors.js';

export interface Reconciliation {
  campaignId: number;
  sent: number;
  amountSent: number;
  held: number;
  amountHeld: number;
  /** Sent and acknowledged, but not in the table. */
  missing: number;
  /** In the table more than once (impossible with the primary key; checked anyway). */
  duplicated: number;
  /** In the table but beyond what the producer recorded. */
  unexpected: number;
  /** Messages of the pipeline's errors table (all campaigns: a bad message has no trusted campaign). */
  rejected: number | null;
  /** Up to 20 missing id ranges. */
  missingRanges: { from: number; to: number }[];
  exact: boolean;
}

export async function reconcileCampaign(
  pool: Pool,
  config: DatabaseConfig,
  campaignId: number,
  options: { table?: string; pipeline?: string } = {},
): Promise<Reconciliation> {
  const record = await getCampaign(pool, config, campaignId);
  if (!record) throw new KitError(`campaign ${campaignId} is not in the campaigns table: was it started with startCampaign()?`);
  const table = quoteIdentifier(options.table ?? DONATIONS_TABLE, 'table');
  const first = record.firstTransactionId;
  const last = record.lastTransactionId;
  const [stats] = await queryRows<{ held: number; distinct_ids: number; amount: number | null; in_range: number }>(
    pool,
    config,
    `SELECT COUNT(*) AS held, COUNT(DISTINCT transaction_id) AS distinct_ids, SUM(total_amount) AS amount,
            SUM(transaction_id BETWEEN ? AND ?) AS in_range
     FROM ${table} WHERE campaign_id = ?`,
    [first, last, campaignId],
  );
  const held = Number(stats?.held ?? 0);
  const inRange = Number(stats?.in_range ?? 0);
  const distinctIds = Number(stats?.distinct_ids ?? 0);
  const expected = last >= first && last > 0 ? last - first + 1 : 0;
  const missingRanges = expected > inRange ? await findGaps(pool, config, table, campaignId, first, last) : [];

  let rejected: number | null = null;
  if (options.pipeline && config.target === 'mariadb') {
    const [row] = await queryRows<{ n: number }>(pool, config, 'SELECT COUNT(*) AS n FROM kit_pipelines_errors WHERE pipeline_name = ?', [options.pipeline]);
    rejected = Number(row?.n ?? 0);
  }
  const amountHeld = Number(stats?.amount ?? 0);
  const result: Reconciliation = {
    campaignId,
    sent: record.eventsSent,
    amountSent: record.amountSent,
    held,
    amountHeld,
    missing: Math.max(0, expected - inRange),
    duplicated: held - distinctIds,
    unexpected: held - inRange,
    rejected,
    missingRanges,
    exact: false,
  };
  result.exact = result.missing === 0 && result.duplicated === 0 && result.unexpected === 0 && held === record.eventsSent && Math.abs(amountHeld - record.amountSent) < 0.005;
  return result;
}

async function findGaps(pool: Pool, config: DatabaseConfig, table: string, campaignId: number, first: number, last: number): Promise<{ from: number; to: number }[]> {
  // Each id whose successor is absent starts a gap; the gap ends before the next present id.
  const rows = await queryRows<{ gap_from: number; gap_to: number | null }>(
    pool,
    config,
    `SELECT a.transaction_id + 1 AS gap_from,
            (SELECT MIN(c.transaction_id) - 1 FROM ${table} c WHERE c.campaign_id = ? AND c.transaction_id > a.transaction_id) AS gap_to
     FROM (SELECT ? - 1 AS transaction_id UNION ALL SELECT transaction_id FROM ${table} WHERE campaign_id = ? AND transaction_id BETWEEN ? AND ?) a
     WHERE a.transaction_id < ?
       AND NOT EXISTS (SELECT 1 FROM ${table} b WHERE b.campaign_id = ? AND b.transaction_id = a.transaction_id + 1)
     ORDER BY gap_from LIMIT 20`,
    [campaignId, first, campaignId, first, last, last, campaignId],
  );
  return rows.map((r) => ({ from: Number(r.gap_from), to: Math.min(r.gap_to === null ? last : Number(r.gap_to), last) }));
}

export function formatReconciliation(r: Reconciliation): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `campaign ${r.campaignId}: ${r.exact ? 'EXACT' : 'MISMATCH'}`,
    `  sent (acknowledged): ${n(r.sent)} donations, ${r.amountSent.toFixed(2)} EUR`,
    `  in the table:        ${n(r.held)} donations, ${r.amountHeld.toFixed(2)} EUR`,
    `  missing ${n(r.missing)}, duplicated ${n(r.duplicated)}, unexpected ${n(r.unexpected)}${r.rejected === null ? '' : `, rejected by the pipeline ${n(r.rejected)}`}`,
  ];
  for (const gap of r.missingRanges) lines.push(`  missing ids ${gap.from}..${gap.to}`);
  return lines.join('\n');
}
