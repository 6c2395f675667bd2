/**
 * Reconciliation: what the producer got acknowledged for a campaign against what a table
 * holds, down to the missing ids. Ids are the campaign's contiguous sequence, so a gap is
 * found exactly, without keeping a list of what was sent.
 */
import type { Database } from '../database/database.js';
import { DONATIONS_TABLE } from '../database/schema.js';
import { KitError } from '../errors.js';
import { quoteIdentifier } from '../names.js';
import { getCampaign } from './ledger.js';

export interface Reconciliation {
  campaignId: number;
  table: string;
  sent: number;
  amountSent: number;
  held: number;
  amountHeld: number;
  /** Sent and acknowledged, but not in the table (not yet loaded, or lost). */
  missing: number;
  /**
   * Of the missing, those the pipeline's backlog can still hold: at most the messages beyond
   * its loaded cursor. 0 when no backlog was asked for.
   */
  notYetLoaded: number;
  /** Missing beyond what the backlog can hold: lost. */
  lost: number;
  /** The loading pipeline's backlog, when asked for. */
  backlog: { messages: number; state: string } | null;
  /** In the table more than once (impossible with a unique transaction_id; checked anyway). */
  duplicated: number;
  /** In the table but beyond what the producer recorded. */
  unexpected: number;
  /** Messages the pipeline rejected (all campaigns: a bad message has no trusted campaign); null when not asked. */
  rejected: number | null;
  /**
   * How long the pipeline's record of rejections lasts, in minutes (SingleStore's
   * pipelines_errors_retention_minutes); null: for good (the local pipeline) or not readable.
   */
  rejectedKeptMinutes: number | null;
  /** True when the campaign began longer ago than that: some of its rejections may have aged out. */
  rejectedMayHaveAgedOut: boolean;
  /** The first missing id ranges, at most MAX_GAPS of them. */
  missingRanges: { from: number; to: number }[];
  exact: boolean;
  /** The count the reconciliation ran (ids for the `?`: the campaign's first and last, twice, then the campaign). */
  statement: string;
}

/** How many missing ranges a reconciliation lists. */
export const MAX_GAPS = 20;

export interface ReconcileOptions {
  table?: string;
  /** The pipeline that loads the table: its rejected messages are counted, and how long its record of them lasts. */
  pipeline?: { errorCount(): Promise<number>; errorRetentionMinutes?(): Promise<number | null> };
  /** The time now, for the age of the campaign (tests). */
  now?: Date;
  /** What that pipeline has not loaded yet (pipelineBacklog): missing ids it can hold are not called lost. */
  backlog?: () => Promise<{ messages: number; state: string }>;
}

export async function reconcileCampaign(db: Database, campaignId: number, options: ReconcileOptions = {}): Promise<Reconciliation> {
  const record = await getCampaign(db, campaignId);
  if (!record) throw new KitError(`campaign ${campaignId} is not in the campaigns table: was it started with startCampaign()?`);
  const tableName = options.table ?? DONATIONS_TABLE;
  const table = quoteIdentifier(tableName, 'table');
  const first = record.firstTransactionId;
  const last = record.lastTransactionId;
  // Ids in range are counted once each: in a table without a unique key, a row held twice
  // must not hide a missing one.
  const statement = `SELECT COUNT(*) AS held, COUNT(DISTINCT transaction_id) AS distinct_ids, SUM(total_amount) AS amount,
       SUM(CASE WHEN transaction_id BETWEEN ? AND ? THEN 1 ELSE 0 END) AS in_range,
       COUNT(DISTINCT CASE WHEN transaction_id BETWEEN ? AND ? THEN transaction_id END) AS ids_in_range
FROM ${table} WHERE campaign_id = ?`;
  const [stats] = await db.query<{ held: number; distinct_ids: number; amount: number | null; in_range: number | null; ids_in_range: number }>(statement, [first, last, first, last, campaignId]);
  const held = Number(stats?.held ?? 0);
  const inRange = Number(stats?.in_range ?? 0);
  const idsInRange = Number(stats?.ids_in_range ?? 0);
  const distinctIds = Number(stats?.distinct_ids ?? 0);
  const expected = last >= first && last > 0 ? last - first + 1 : 0;
  const missingRanges = expected > idsInRange ? await findGaps(db, table, campaignId, first, last) : [];
  const amountHeld = Number(stats?.amount ?? 0);
  const missing = Math.max(0, expected - idsInRange);
  const backlog = options.backlog ? await options.backlog() : null;
  const notYetLoaded = Math.min(missing, backlog?.messages ?? 0);
  const result: Reconciliation = {
    campaignId,
    table: tableName,
    sent: record.eventsSent,
    amountSent: record.amountSent,
    held,
    amountHeld,
    missing,
    notYetLoaded,
    lost: missing - notYetLoaded,
    backlog,
    duplicated: held - distinctIds,
    unexpected: held - inRange,
    rejected: options.pipeline ? await options.pipeline.errorCount() : null,
    rejectedKeptMinutes: null,
    rejectedMayHaveAgedOut: false,
    missingRanges,
    exact: false,
    statement,
  };
  const keptMinutes = (await options.pipeline?.errorRetentionMinutes?.()) ?? null;
  result.rejectedKeptMinutes = keptMinutes;
  result.rejectedMayHaveAgedOut = keptMinutes !== null && (options.now ?? new Date()).getTime() - record.startedAt.getTime() > keptMinutes * 60_000;
  result.exact = result.missing === 0 && result.duplicated === 0 && result.unexpected === 0 && held === record.eventsSent && Math.abs(amountHeld - record.amountSent) < 0.005;
  return result;
}

/**
 * Each held id (and a sentinel on either side of the range) followed by a larger one
 * that is not its successor bounds a gap. A window function, not a correlated
 * subquery: SingleStore refuses correlated subselects it cannot rewrite.
 */
async function findGaps(db: Database, table: string, campaignId: number, first: number, last: number): Promise<{ from: number; to: number }[]> {
  const rows = await db.query<{ gap_from: number; gap_to: number }>(
    `SELECT gap_from, gap_to FROM (
       SELECT transaction_id + 1 AS gap_from, LEAD(transaction_id) OVER (ORDER BY transaction_id) - 1 AS gap_to
       FROM (SELECT ? - 1 AS transaction_id
             UNION ALL SELECT transaction_id FROM ${table} WHERE campaign_id = ? AND transaction_id BETWEEN ? AND ?
             UNION ALL SELECT ? + 1) AS ids
     ) AS steps
     WHERE gap_from <= gap_to
     ORDER BY gap_from LIMIT ${MAX_GAPS}`,
    [first, campaignId, first, last, last],
  );
  return rows.map((r) => ({ from: Number(r.gap_from), to: Number(r.gap_to) }));
}

/**
 * EXACT: every acknowledged donation held once. LOADING: nothing lost or held twice, some
 * still in the topic beyond the pipeline's cursor. MISMATCH: a donation lost, or held twice.
 */
export function reconciliationVerdict(r: Reconciliation): 'EXACT' | 'LOADING' | 'MISMATCH' {
  if (r.exact) return 'EXACT';
  return r.lost === 0 && r.notYetLoaded > 0 && r.duplicated === 0 && r.unexpected === 0 ? 'LOADING' : 'MISMATCH';
}

export function formatReconciliation(r: Reconciliation): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const eur = (x: number) => `${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} EUR`;
  const verdict = reconciliationVerdict(r);
  const heading = verdict === 'LOADING'
    ? `NOT YET LOADED: ${n(r.notYetLoaded)} donation(s) still in the topic, the pipeline ${r.backlog!.state} and ${n(r.backlog!.messages)} message(s) behind (\`npm run pipeline -- --until-caught-up\` loads them); nothing lost`
    : verdict;
  const missingLine = r.backlog && r.missing > 0 ? `missing ${n(r.missing)} (not yet loaded ${n(r.notYetLoaded)}, lost ${n(r.lost)})` : `missing ${n(r.missing)}`;
  const lines = [
    `campaign ${r.campaignId} in ${r.table}: ${heading}`,
    `  sent (acknowledged): ${n(r.sent)} donations, ${eur(r.amountSent)}`,
    `  in the table:        ${n(r.held)} donations, ${eur(r.amountHeld)}`,
    `  ${missingLine}, duplicated ${n(r.duplicated)}, unexpected ${n(r.unexpected)}${r.rejected === null ? '' : `, rejected by the pipeline ${n(r.rejected)}`}`,
  ];
  if (r.rejected !== null && r.rejectedKeptMinutes !== null) {
    lines.push(
      r.rejectedMayHaveAgedOut
        ? `  (rejections older than ${n(r.rejectedKeptMinutes)} minutes are no longer counted: PIPELINES_ERRORS keeps an error that long (pipelines_errors_retention_minutes), and this campaign began earlier)`
        : `  (PIPELINES_ERRORS keeps a rejection ${n(r.rejectedKeptMinutes)} minutes (pipelines_errors_retention_minutes): all of this campaign's are still counted)`,
    );
  }
  for (const gap of r.missingRanges) lines.push(`  missing ids ${gap.from}..${gap.to}`);
  if (r.missingRanges.length === MAX_GAPS) lines.push(`  (only the first ${MAX_GAPS} gaps are listed)`);
  return lines.join('\n');
}
