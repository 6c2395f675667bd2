/**
 * The seven dashboard questions, answered from the totals kept at ingest: same numbers,
 * keys, titles and columns as dashboard/queries.ts, so every measure and panel takes
 * either set. Each reads a handful of rows, whatever the size of the table or campaign.
 */
import type { Database } from '../database/database.js';
import type { DashboardQuery, QueryParams } from '../dashboard/queries.js';
import { clausesSql, type QueryClauses } from '../dashboard/clauses.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { TOTALS_TABLES as T } from './tables.js';

const organization = "NULLIF(organization, '') AS organization";

const campaign = 'campaign_id = ?';
const window = 'second > UTC_TIMESTAMP() - INTERVAL ? SECOND';

const CLAUSES: Record<number, QueryClauses> = {
  1: { select: 'COALESCE(SUM(donations), 0) AS donations', from: T.campaign, where: [campaign] },
  2: { select: 'SUM(amount) AS total_donation_amount', from: T.campaign, where: [campaign] },
  3: { select: `city, ${organization}, amount AS total_donation_amount`, from: T.cityOrganization, where: [campaign], orderBy: 'amount DESC', limit: 1 },
  4: { select: 'city, latitude, longitude, amount AS total_donation_amount', from: T.city, where: [campaign], orderBy: 'amount DESC' },
  5: { select: `${organization}, amount AS total_donation_amount`, from: T.organization, where: [campaign], orderBy: 'amount DESC' },
  6: { select: 'city, SUM(amount) AS total_donation_amount', from: T.second, where: [campaign, window], groupBy: 'city', orderBy: 'city ASC' },
  7: { select: `${organization}, SUM(amount) AS total_donation_amount`, from: T.second, where: [campaign, window], groupBy: 'organization', orderBy: 'organization ASC' },
};

/** The seven on the totals tables: the same parameters as the row queries. */
export const TOTALS_QUERIES: readonly DashboardQuery[] = DASHBOARD_QUERIES.map((query) => {
  const clauses = CLAUSES[query.number]!;
  const text = clausesSql(clauses);
  return {
    ...query,
    // The totals have tables of their own: a rows table passed in (by the measures) is not read.
    sql: () => text,
    clauses: () => clauses,
    run: (db: Database, p: QueryParams) => db.query(text, query.params(p)),
  };
});
