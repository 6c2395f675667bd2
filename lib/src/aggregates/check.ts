/**
 * The totals against the rows, for one campaign: every grouping summed from the rows table
 * and compared with its totals table, count and amount. A batch counted twice, a duplicate
 * counted, or a lost update shows here as a difference, not as an assumption.
 */
import type { Database } from '../database/database.js';
import { quoteIdentifier } from '../names.js';
import { NO_ORGANIZATION, TOTALS_TABLES as T } from './tables.js';

export interface TotalsDifference {
  grouping: string;
  key: string;
  rows: { donations: number; amount: number } | null;
  totals: { donations: number; amount: number } | null;
}

export interface TotalsCheck {
  campaignId: number;
  /** How many groups each grouping holds, compared one by one. */
  groups: Record<string, number>;
  differences: TotalsDifference[];
  exact: boolean;
  /** The statements the check ran, one pair per grouping (the campaign's id for `?`). */
  statements: string[];
}

const GROUPINGS: { name: string; table: string; rowKeys: string[]; totalKeys: string[] }[] = [
  { name: 'campaign', table: T.campaign, rowKeys: [], totalKeys: [] },
  { name: 'city', table: T.city, rowKeys: ['city'], totalKeys: ['city'] },
  { name: 'organization', table: T.organization, rowKeys: [`COALESCE(organization, '${NO_ORGANIZATION}')`], totalKeys: ['organization'] },
  { name: 'city and organization', table: T.cityOrganization, rowKeys: ['city', `COALESCE(organization, '${NO_ORGANIZATION}')`], totalKeys: ['city', 'organization'] },
  { name: 'second', table: T.second, rowKeys: ['transaction_date', 'city', `COALESCE(organization, '${NO_ORGANIZATION}')`], totalKeys: ['second', 'city', 'organization'] },
];

export async function checkTotals(db: Database, rowsTable: string, campaignId: number): Promise<TotalsCheck> {
  const rows = quoteIdentifier(rowsTable, 'table');
  const differences: TotalsDifference[] = [];
  const groups: Record<string, number> = {};
  const statements: string[] = [];
  for (const g of GROUPINGS) {
    const key = (keys: string[]) => (keys.length ? `CONCAT_WS('|', ${keys.map((k) => `CAST(${k} AS CHAR)`).join(', ')})` : "''");
    const rowsSql = `SELECT ${key(g.rowKeys)} AS k, COUNT(*) AS donations, SUM(total_amount) AS amount FROM ${rows} WHERE campaign_id = ?${g.rowKeys.length ? ` GROUP BY ${g.rowKeys.join(', ')}` : ''}`;
    const totalsSql = `SELECT ${key(g.totalKeys)} AS k, SUM(donations) AS donations, SUM(amount) AS amount FROM ${g.table} WHERE campaign_id = ?${g.totalKeys.length ? ` GROUP BY ${g.totalKeys.join(', ')}` : ''}`;
    statements.push(rowsSql, totalsSql);
    const fromRows = await db.query<{ k: string; donations: number; amount: number }>(rowsSql, [campaignId]);
    const fromTotals = await db.query<{ k: string; donations: number; amount: number }>(totalsSql, [campaignId]);
    const byKey = (list: { k: string; donations: number; amount: number }[]) =>
      new Map(list.filter((r) => Number(r.donations) > 0).map((r) => [String(r.k), { donations: Number(r.donations), amount: Number(r.amount) }]));
    const a = byKey(fromRows);
    const b = byKey(fromTotals);
    groups[g.name] = a.size;
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const r = a.get(k) ?? null;
      const t = b.get(k) ?? null;
      if (!r || !t || r.donations !== t.donations || Math.abs(r.amount - t.amount) >= 0.005) differences.push({ grouping: g.name, key: k, rows: r, totals: t });
    }
  }
  return { campaignId, groups, differences, exact: differences.length === 0, statements };
}

export function formatTotalsCheck(check: TotalsCheck): string {
  const groups = Object.entries(check.groups).map(([name, n]) => `${n.toLocaleString('en-US')} ${name === 'second' ? 'one-second groups' : `per ${name}`}`).join(', ');
  const lines = [`campaign ${check.campaignId}, totals against rows: ${check.exact ? 'EXACT' : 'MISMATCH'} (${groups})`];
  for (const d of check.differences.slice(0, 10)) {
    lines.push(`  ${d.grouping} ${d.key || '(all)'}: rows ${d.rows ? `${d.rows.donations} / ${d.rows.amount.toFixed(2)}` : 'none'}, totals ${d.totals ? `${d.totals.donations} / ${d.totals.amount.toFixed(2)}` : 'none'}`);
  }
  return lines.join('\n');
}
