/**
 * Keeping the totals inside a batch's transaction, on the kit's local pipeline: the rows a
 * batch really adds (not a duplicate of a row already held, nor of one earlier in the
 * batch) are summed per grouping and added to the totals with INSERT ... ON DUPLICATE KEY
 * UPDATE. The rows, the totals and the cursor commit together, so a batch is counted once.
 * A duplicate is recognised by its transaction_id, which the producer never reuses; a
 * message reusing an id with other values is left out of the totals, and the check of
 * totals against rows (check.ts) would show it.
 */
import type { DatabaseConnection } from '../database/database.js';
import { PipelineError } from '../errors.js';
import { quoteIdentifier } from '../names.js';
import type { BatchRowsHook } from '../pipeline/batch-hooks.js';
import type { DonationRow } from '../pipeline/transform.js';
import { NO_ORGANIZATION, TOTALS_TABLES as T } from './tables.js';

/** Rows of the batch that the table does not hold yet: first of each id, ids not in the table. */
export async function freshRows(connection: DatabaseConnection, table: string, rows: readonly DonationRow[]): Promise<DonationRow[]> {
  const firstOfEach = new Map<number, DonationRow>();
  for (const row of rows) if (!firstOfEach.has(row[0])) firstOfEach.set(row[0], row);
  const ids = [...firstOfEach.keys()];
  const held = new Set<number>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const chunk = ids.slice(i, i + 5_000);
    const found = await connection.query<{ id: number }>(`SELECT transaction_id AS id FROM ${quoteIdentifier(table, 'table')} WHERE transaction_id IN (?)`, [chunk]);
    for (const { id } of found) held.add(Number(id));
  }
  return [...firstOfEach.values()].filter((row) => !held.has(row[0]));
}

interface Total {
  key: unknown[];
  donations: number;
  /** In cents, so that sums of decimals stay exact. */
  cents: number;
}

/**
 * Counts one donation in a grouping. `id` is the group's key as one string (built by the
 * caller without JSON.stringify, which was 6% of an ingest with totals in its profile);
 * the key's values are kept the first time the group is seen.
 */
function add(totals: Map<string, Total>, id: string, amount: number, ...key: unknown[]): void {
  let total = totals.get(id);
  if (!total) totals.set(id, (total = { key, donations: 0, cents: 0 }));
  total.donations += 1;
  total.cents += Math.round(amount * 100);
}

/** Adds the rows to the five totals tables, on the batch's connection (inside its transaction). */
export async function addToTotals(connection: DatabaseConnection, rows: readonly DonationRow[]): Promise<void> {
  if (rows.length === 0) return;
  const campaign = new Map<string, Total>();
  const city = new Map<string, Total>();
  const organization = new Map<string, Total>();
  const cityOrganization = new Map<string, Total>();
  const second = new Map<string, Total>();
  const place = new Map<string, [number | null, number | null]>();
  for (const [, cityName, latitude, longitude, org, date, amount, campaignId] of rows) {
    const orgKey = org ?? NO_ORGANIZATION;
    // Ids are unambiguous: the campaign is a number, the date has a fixed form, and the
    // city's length is spelled out before it where another text follows.
    const cityId = `${campaignId}|${cityName}`;
    const cityOrgId = `${campaignId}|${cityName.length}|${cityName}|${orgKey}`;
    add(campaign, String(campaignId), amount, campaignId);
    add(city, cityId, amount, campaignId, cityName);
    if (!place.has(cityId)) place.set(cityId, [latitude, longitude]);
    add(organization, `${campaignId}|${orgKey}`, amount, campaignId, orgKey);
    add(cityOrganization, cityOrgId, amount, campaignId, cityName, orgKey);
    add(second, `${date}|${cityOrgId}`, amount, campaignId, date, cityName, orgKey);
  }
  const upsert = async (table: string, columns: string[], totals: Map<string, Total>, extra?: (t: Total) => unknown[], extraColumns: string[] = []) => {
    const values = [...totals.values()].map((t) => [...t.key, ...(extra?.(t) ?? []), t.donations, t.cents / 100]);
    for (let i = 0; i < values.length; i += 2_000) {
      await connection.execute(
        `INSERT INTO ${table} (${[...columns, ...extraColumns, 'donations', 'amount'].join(', ')}) VALUES ?
         ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount)`,
        [values.slice(i, i + 2_000)],
      );
    }
  };
  await upsert(T.campaign, ['campaign_id'], campaign);
  await upsert(T.city, ['campaign_id', 'city'], city, (t) => place.get(`${t.key[0]}|${t.key[1]}`)!, ['latitude', 'longitude']);
  await upsert(T.organization, ['campaign_id', 'organization'], organization);
  await upsert(T.cityOrganization, ['campaign_id', 'city', 'organization'], cityOrganization);
  await upsert(T.second, ['campaign_id', 'second', 'city', 'organization'], second);
}

/**
 * The local pipeline's rows hook that keeps the totals. Usually every row is new: the rows
 * are written first, and if the table took them all (and no id came twice in the batch)
 * they are what the totals count. Otherwise the write is undone to a savepoint, the new rows
 * are found by asking the table, and written again: the exact count either way, without the
 * lookup on the common path.
 */
export const TOTALS_ROWS_HOOK: BatchRowsHook = {
  check(spec) {
    if (spec.format !== 'donations-json') throw new PipelineError('totals are kept for donations only: use format donations-json');
  },
  async writeRows({ connection, table, rows: batch, write }) {
    const rows = batch as readonly DonationRow[];
    const distinct = new Set(rows.map((row) => row[0])).size;
    await connection.execute('SAVEPOINT kit_rows');
    const inserted = await write(rows);
    if (inserted === rows.length && distinct === rows.length) {
      await addToTotals(connection, rows);
      return inserted;
    }
    await connection.execute('ROLLBACK TO SAVEPOINT kit_rows');
    // The rows a batch adds, found before they are written: they are what the totals count.
    const added = await freshRows(connection, table, rows);
    const again = await write(rows);
    await addToTotals(connection, added);
    return again;
  },
};
