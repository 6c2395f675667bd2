/**
 * The seven dashboard queries of the original, one typed function each: the single source
 * of SQL for notebooks, Grafana and benchmarks. What the kit changed:
 * - a campaign is chosen by its id (`campaign_id = ?`) instead of is_campaign_active = 1, so
 *   ending a campaign no longer rewrites the whole table;
 * - query 4 ("per geo loc city") groups by city with its coordinates (the original repeated query 3);
 * - windows use UTC_TIMESTAMP() (the data is UTC) instead of CONVERT_TZ(NOW(), 'UTC', 'Europe/Paris').
 */
import type { Database } from '../database/database.js';
import { DONATIONS_TABLE } from '../database/schema.js';
import { quoteIdentifier } from '../names.js';
import { clausesSql, type QueryClauses } from './clauses.js';

export interface QueryParams {
  campaignId: number;
  /** The sliding window of queries 6 and 7; defaults to the original's 35 s and 28 s. */
  windowSeconds?: number;
}

export type PanelKind = 'stat' | 'table' | 'geomap' | 'barchart';

export interface DashboardQuery<Row extends object = Record<string, unknown>> {
  /** 1..7, the original's numbering. */
  number: number;
  key: string;
  title: string;
  panel: PanelKind;
  /** The columns each result row has, in order. */
  columns: readonly string[];
  /** The SQL with `?` placeholders, in the order `params` gives values. */
  sql(table?: string): string;
  /** The same SQL as its clauses (clauses.ts), which Grafana's panels combine; every query of the kit has them. */
  clauses?(table?: string): QueryClauses;
  params(p: QueryParams): unknown[];
  run(db: Database, p: QueryParams, table?: string): Promise<Row[]>;
}

function defineQuery<Row extends object>(definition: {
  number: number;
  key: string;
  title: string;
  panel: PanelKind;
  columns: readonly string[];
  clauses: (table: string) => QueryClauses;
  params?: (p: QueryParams) => unknown[];
}): DashboardQuery<Row> {
  const clauses = (table = DONATIONS_TABLE) => definition.clauses(quoteIdentifier(table, 'table'));
  const sql = (table?: string) => clausesSql(clauses(table));
  const params = definition.params ?? ((p: QueryParams) => [p.campaignId]);
  return {
    number: definition.number,
    key: definition.key,
    title: definition.title,
    panel: definition.panel,
    columns: definition.columns,
    sql,
    clauses,
    params,
    run: (db, p, table) => db.query<Row>(sql(table), params(p)),
  };
}

const windowParams = (fallback: number) => (p: QueryParams) => [p.campaignId, p.windowSeconds ?? fallback];

export const donationCount = defineQuery<{ donations: number }>({
  number: 1,
  key: 'donation_count',
  title: 'Donations in the current campaign',
  panel: 'stat',
  columns: ['donations'],
  clauses: (t) => ({ select: 'COUNT(*) AS donations', from: t, where: ['campaign_id = ?'] }),
});

export const donationTotal = defineQuery<{ total_donation_amount: number | null }>({
  number: 2,
  key: 'donation_total',
  title: 'Total amount donated in the current campaign',
  panel: 'stat',
  columns: ['total_donation_amount'],
  clauses: (t) => ({ select: 'SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?'] }),
});

export const bestCityOrganization = defineQuery<{ city: string; organization: string; total_donation_amount: number }>({
  number: 3,
  key: 'best_city_organization',
  title: 'Best city and organization',
  panel: 'table',
  columns: ['city', 'organization', 'total_donation_amount'],
  clauses: (t) => ({ select: 'city, organization, SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?'], groupBy: 'city, organization', orderBy: 'total_donation_amount DESC', limit: 1 }),
});

export const amountPerCity = defineQuery<{ city: string; latitude: number; longitude: number; total_donation_amount: number }>({
  number: 4,
  key: 'amount_per_city',
  title: 'Donations per city, on the map',
  panel: 'geomap',
  columns: ['city', 'latitude', 'longitude', 'total_donation_amount'],
  clauses: (t) => ({ select: 'city, latitude, longitude, SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?'], groupBy: 'city, latitude, longitude', orderBy: 'total_donation_amount DESC' }),
});

export const amountPerOrganization = defineQuery<{ organization: string; total_donation_amount: number }>({
  number: 5,
  key: 'amount_per_organization',
  title: 'Total per organization',
  panel: 'barchart',
  columns: ['organization', 'total_donation_amount'],
  clauses: (t) => ({ select: 'organization, SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?'], groupBy: 'organization', orderBy: 'total_donation_amount DESC' }),
});

export const recentAmountPerCity = defineQuery<{ city: string; total_donation_amount: number }>({
  number: 6,
  key: 'recent_amount_per_city',
  title: 'Last 35 s per city',
  panel: 'barchart',
  columns: ['city', 'total_donation_amount'],
  clauses: (t) => ({ select: 'city, SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?', 'transaction_date > UTC_TIMESTAMP() - INTERVAL ? SECOND'], groupBy: 'city', orderBy: 'city ASC' }),
  params: windowParams(35),
});

export const recentAmountPerOrganization = defineQuery<{ organization: string; total_donation_amount: number }>({
  number: 7,
  key: 'recent_amount_per_organization',
  title: 'Last 28 s per organization',
  panel: 'barchart',
  columns: ['organization', 'total_donation_amount'],
  clauses: (t) => ({ select: 'organization, SUM(total_amount) AS total_donation_amount', from: t, where: ['campaign_id = ?', 'transaction_date > UTC_TIMESTAMP() - INTERVAL ? SECOND'], groupBy: 'organization', orderBy: 'organization ASC' }),
  params: windowParams(28),
});

/** The seven, in the original's order. */
export const DASHBOARD_QUERIES: readonly DashboardQuery[] = [
  donationCount,
  donationTotal,
  bestCityOrganization,
  amountPerCity,
  amountPerOrganization,
  recentAmountPerCity,
  recentAmountPerOrganization,
] as unknown as readonly DashboardQuery[];

export interface TimedResult {
  query: DashboardQuery;
  rows: Record<string, unknown>[];
  ms: number;
}

/** Runs one query and measures it from the client, as a dashboard sees it. */
export async function timeQuery(db: Database, query: DashboardQuery, p: QueryParams, table?: string): Promise<TimedResult> {
  const started = performance.now();
  const rows = await query.run(db, p, table);
  return { query, rows, ms: performance.now() - started };
}
