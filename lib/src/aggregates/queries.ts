/**
 * The seven dashboard questions, answered from the totals kept at ingest: same numbers,
 * keys, titles and columns as dashboard/queries.ts, so every measure and panel takes
 * either set. Each reads a handful of rows, whatever the size of the table or campaign.
 */
import type { Database } from '../database/database.js';
import type { DashboardQuery, QueryParams } from '../dashboard/queries.js';
import { DASHBOARD_QUERIES } from '../dashboard/queries.js';
import { TOTALS_TABLES as T } from './tables.js';

const organization = "NULLIF(organization, '') AS organization";

const TEXT: Record<number, string> = {
  1: `SELECT COALESCE(SUM(donations), 0) AS donations
FROM ${T.campaign}
WHERE campaign_id = ?`,
  2: `SELECT SUM(amount) AS total_donation_amount
FROM ${T.campaign}
WHERE campaign_id = ?`,
  3: `SELECT city, ${organization}, amount AS total_donation_amount
FROM ${T.cityOrganization}
WHERE campaign_id = ?
ORDER BY amount DESC
LIMIT 1`,
  4: `SELECT city, latitude, longitude, amount AS total_donation_amount
FROM ${T.city}
WHERE campaign_id = ?
ORDER BY amount DESC`,
  5: `SELECT ${organization}, amount AS total_donation_amount
FROM ${T.organization}
WHERE campaign_id = ?
ORDER BY amount DESC`,
  6: `SELECT city, SUM(amount) AS total_donation_amount
FROM ${T.second}
WHERE campaign_id = ?
  AND second > UTC_TIMESTAMP() - INTERVAL ? SECOND
GROUP BY city
ORDER BY city ASC`,
  7: `SELECT ${organization}, SUM(amount) AS total_donation_amount
FROM ${T.second}
WHERE campaign_id = ?
  AND second > UTC_TIMESTAMP() - INTERVAL ? SECOND
GROUP BY organization
ORDER BY organization ASC`,
};

/** The seven on the totals tables: the same parameters as the row queries. */
export const TOTALS_QUERIES: readonly DashboardQuery[] = DASHBOARD_QUERIES.map((query) => {
  const text = TEXT[query.number]!;
  return {
    ...query,
    // The totals have tables of their own: a rows table passed in (by the measures) is not read.
    sql: () => text,
    run: (db: Database, p: QueryParams) => db.query(text, query.params(p)),
  };
});
