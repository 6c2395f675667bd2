// No Grafana server runs here: every panel of the committed dashboard runs its SQL on the
// real database, expanded as Grafana expands it, logged in as the read-only user Grafana uses.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { CAMPAIGN_VARIABLE, TABLE_VARIABLE, ensureTotalsTables, AGGREGATED_TABLE, OPTIMIZED_TABLE, layoutDdl, rebuildTotalsSql, openDatabase, type Database, DASHBOARD_QUERIES, DONATION_COLUMN_NAMES, DONATIONS_TABLE, DatabaseAuthError, GrafanaError, SqlError, dropReadOnlyUser, ensureReadOnlyUser, expandGrafanaSql, naiveTableDdl, startCampaign, type DatabaseConfig, type DonationEvent } from '@donations/lib';
import type { MySqlQuery } from '../../grafana/mysql-query.js';
import { scratch, type Scratch } from './helpers.js';

const dashboard = JSON.parse(readFileSync(new URL('../../grafana/dashboards/donations.json', import.meta.url), 'utf8')) as Dashboard;
const panels = (dashboard.panels ?? []) as Panel[];
const variables = dashboard.templating.list ?? [];

let s: Scratch;
let reader: Database;
let readerConfig: DatabaseConfig;
const readerUser = `kit_test_reader_${randomBytes(4).toString('hex')}`;
const readerPassword = randomBytes(12).toString('hex');
let campaignId: number;
let olderCampaignId: number;
let events: DonationEvent[];
/** The database's clock, in whole seconds, when the rows were written. */
let now: number;
/** The dashboard's default time range: the last 5 minutes. */
let lastFiveMinutes: { from: Date; to: Date };
/** The amounts of the donations, in turn: 3,000 of them make 1,000 x 35.50 EUR. */
const AMOUNTS = [5, 10, 20.5];

beforeAll(async () => {
  s = await scratch();
  const db = s.config.database;
  const [clock] = await s.db.query<{ now: Date }>('SELECT UTC_TIMESTAMP() AS now');
  now = clock!.now.getTime();
  lastFiveMinutes = { from: new Date(now - 5 * 60_000), to: new Date(now + 60_000) };
  await s.db.execute(naiveTableDdl(db.target).sql);
  await ensureTotalsTables(s.db);
  // An older campaign first, so that "latest" really picks the one under test.
  const older = await startCampaign(s.db, { seed: 3 });
  olderCampaignId = older.id;
  const campaign = await startCampaign(s.db, { seed: 4 });
  campaignId = campaign.id;
  // 3,000 donations over the last 60 s, 50 in each second.
  events = Array.from({ length: 3_000 }, (_, i) => ({ ...campaign.next(new Date(now - (i % 60) * 1_000)), total_amount: AMOUNTS[i % 3]! }));
  const noise = Array.from({ length: 300 }, () => older.next(new Date(now)));
  const rows = [...events, ...noise].map((e) => DONATION_COLUMN_NAMES.map((c) => e[c]));
  await s.db.execute(`INSERT INTO ${DONATIONS_TABLE} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES ?`, [rows]);

  await ensureReadOnlyUser(s.db, readerUser, readerPassword);
  readerConfig = { ...db, user: readerUser, password: readerPassword };
  reader = openDatabase(readerConfig, { connectionLimit: 4 });
});

afterAll(async () => {
  await reader?.close();
  if (s) {
    await dropReadOnlyUser(s.db, readerUser);
    await s.cleanup();
  }
});

function variable(name: string): VariableModel {
  const found = variables.find((v) => v.name === name);
  if (!found) throw new Error(`the dashboard has no $${name} variable`);
  return found;
}

function rawSql(panel: Panel): string {
  const [target] = (panel.targets ?? []) as unknown as MySqlQuery[];
  if (!target) throw new Error(`panel ${panel.id} has no target`);
  return target.rawSql;
}

/** What Grafana sends for a panel: the campaign the variable selects, the dashboard's time range. */
async function runPanel(panel: Panel, campaign: number, table = DONATIONS_TABLE): Promise<Record<string, unknown>[]> {
  const sql = expandGrafanaSql(rawSql(panel), { variables: { [CAMPAIGN_VARIABLE]: campaign, [TABLE_VARIABLE]: table }, timeRange: lastFiveMinutes });
  return reader.query(sql);
}

const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isText = (value: unknown) => typeof value === 'string' && value.length > 0;

describe('the dashboard on real rows, as the read-only user', () => {
  it('selects the latest campaign by default', async () => {
    const choices = await reader.query<Record<string, unknown>>(String(variable(CAMPAIGN_VARIABLE).query));
    // Grafana selects the first choice when the dashboard opens.
    expect(Number(Object.values(choices[0]!)[0])).toBe(campaignId);
    expect(choices).toHaveLength(2);
  });

  it('has one panel per dashboard query, of the kind the query asks for', () => {
    expect(panels.map((p) => [p.id, p.type, p.title])).toEqual(DASHBOARD_QUERIES.map((q) => [q.number, q.panel, q.title]));
  });

  it.each(DASHBOARD_QUERIES.map((q) => [q.number, q.panel, q.title] as const))('panel %i (%s, %s) gets the columns its panel type needs', async (number) => {
    const panel = panels.find((p) => p.id === number)!;
    const rows = await runPanel(panel, campaignId);
    expect(rows.length).toBeGreaterThan(0);
    const first = rows[0]!;
    expect(Object.keys(first)).toEqual(DASHBOARD_QUERIES[number - 1]!.columns);
    const values = Object.values(first);
    switch (panel.type) {
      case 'stat':
        expect(rows).toHaveLength(1);
        expect(values).toHaveLength(1);
        expect(isNumber(values[0])).toBe(true);
        break;
      case 'geomap':
        for (const row of rows) {
          expect(row.latitude).toSatisfy((v: unknown) => isNumber(v) && Math.abs(v as number) <= 90);
          expect(row.longitude).toSatisfy((v: unknown) => isNumber(v) && Math.abs(v as number) <= 180);
          expect(Object.entries(row).some(([name, v]) => name !== 'latitude' && name !== 'longitude' && isNumber(v))).toBe(true);
        }
        break;
      case 'barchart':
        expect(values.some(isText)).toBe(true);
        expect(values.some(isNumber)).toBe(true);
        break;
      case 'table':
        break;
      default:
        throw new Error(`no check for panel type ${panel.type}`);
    }
  });

  it('shows the campaign the variable selects, and only it', async () => {
    const [count] = await runPanel(panels.find((p) => p.id === 1)!, campaignId);
    const [total] = await runPanel(panels.find((p) => p.id === 2)!, campaignId);
    expect(count).toEqual({ donations: 3_000 });
    expect(total).toEqual({ total_donation_amount: 35_500 });
    expect(await runPanel(panels.find((p) => p.id === 1)!, olderCampaignId)).toEqual([{ donations: 300 }]);
  });

  it('answers every panel alike from the naive table, the optimized one and the totals, as the Table variable switches', async () => {
    for (const table of [OPTIMIZED_TABLE, AGGREGATED_TABLE]) {
      await s.db.execute(layoutDdl(s.db.target, 'optimized', table).sql);
      await s.db.execute(`INSERT IGNORE INTO ${table} SELECT * FROM ${DONATIONS_TABLE}`);
    }
    await s.db.withConnection(async (session) => {
      for (const sql of rebuildTotalsSql(AGGREGATED_TABLE)) await session.execute(sql, [campaignId]);
    });
    for (const panel of panels) {
      const naive = await runPanel(panel, campaignId, DONATIONS_TABLE);
      expect(naive.length, panel.title).toBeGreaterThan(0);
      // Query 3 returns one of possibly tied pairs: compare its amount, the rest whole.
      const comparable = (rows: Record<string, unknown>[]) => (panel.id === 3 ? rows.map((r) => r.total_donation_amount) : rows);
      expect(comparable(await runPanel(panel, campaignId, OPTIMIZED_TABLE)), `${panel.title} (optimized)`).toEqual(comparable(naive));
      expect(comparable(await runPanel(panel, campaignId, AGGREGATED_TABLE)), `${panel.title} (aggregates)`).toEqual(comparable(naive));
    }
  });

  it("expands Grafana's time macros into SQL the server runs", async () => {
    // From 30.5 s ago: Grafana sends whole seconds, rounded down, so 31 s ago. The donations
    // 0 to 31 s old are in: 32 seconds of 50.
    const range = { from: new Date(now - 30_500), to: new Date(now + 60_000) };
    const expected = 1_600;
    const expand = (sql: string) => expandGrafanaSql(sql, { variables: { campaign: campaignId }, timeRange: range });
    const filtered = await reader.query(expand(`SELECT COUNT(*) AS n FROM ${DONATIONS_TABLE} WHERE campaign_id = $campaign AND $__timeFilter(transaction_date)`));
    const between = await reader.query(expand(`SELECT COUNT(*) AS n FROM ${DONATIONS_TABLE} WHERE campaign_id = \${campaign} AND transaction_date >= $__timeFrom() AND transaction_date <= $__timeTo()`));
    expect(filtered).toEqual([{ n: expected }]);
    expect(between).toEqual([{ n: expected }]);
  });

  it('cannot write or create anything', async () => {
    const row = DONATION_COLUMN_NAMES.map((c) => events[0]![c]);
    await expect(reader.execute(`INSERT INTO ${DONATIONS_TABLE} (${DONATION_COLUMN_NAMES.join(', ')}) VALUES (?)`, [row])).rejects.toBeInstanceOf(SqlError);
    await expect(reader.execute('CREATE TABLE grafana_was_here (id INT)')).rejects.toBeInstanceOf(SqlError);
    await expect(reader.execute(`DELETE FROM ${DONATIONS_TABLE}`)).rejects.toThrow(/read-only by design/);
  });
});

describe('ensureReadOnlyUser', () => {
  it('sets a new password when run again', async () => {
    const newPassword = randomBytes(12).toString('hex');
    await ensureReadOnlyUser(s.db, readerUser, newPassword);
    const fresh = openDatabase({ ...readerConfig, password: newPassword }, { connectionLimit: 1 });
    const stale = openDatabase(readerConfig, { connectionLimit: 1 });
    try {
      expect(await fresh.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      await expect(stale.query('SELECT 1 AS ok')).rejects.toBeInstanceOf(DatabaseAuthError);
    } finally {
      await fresh.close();
      await stale.close();
      await ensureReadOnlyUser(s.db, readerUser, readerPassword);
    }
  });

  it('refuses an account that holds more than SELECT', async () => {
    const db = s.config.database;
    await s.db.execute(`GRANT INSERT ON \`${db.database}\`.* TO ?@'%'`, [readerUser]);
    try {
      await expect(ensureReadOnlyUser(s.db, readerUser, readerPassword)).rejects.toThrow(GrafanaError);
      await expect(ensureReadOnlyUser(s.db, readerUser, readerPassword)).rejects.toThrow(/holds more than SELECT .*INSERT/);
    } finally {
      await s.db.execute(`REVOKE INSERT ON \`${db.database}\`.* FROM ?@'%'`, [readerUser]);
    }
  });

  it('refuses names carrying SQL and the placeholder password', async () => {
    await expect(ensureReadOnlyUser(s.db, "x'@'%", readerPassword)).rejects.toThrow(/Invalid user name/);
    await expect(ensureReadOnlyUser(s.db, readerUser, 'change-me-grafana-password')).rejects.toThrow(/still the placeholder/);
  });
});
