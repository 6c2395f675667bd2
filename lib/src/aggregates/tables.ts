/**
 * The dashboard's answers kept as the donations arrive: one small table per grouping the
 * panels ask for, updated in the same transaction as the rows (lesson 09). Their names
 * and DDL are the same on both targets.
 */
import type { DatabaseTarget } from '../config.js';
import type { Database } from '../database/database.js';
import { layoutDdl, type DdlStatement } from '../database/schema.js';
import { targetNamed, type TableDescription } from '../targets/index.js';

export const TOTALS_TABLES = {
  campaign: 'donation_totals_campaign',
  city: 'donation_totals_city',
  organization: 'donation_totals_organization',
  cityOrganization: 'donation_totals_city_organization',
  second: 'donation_totals_second',
} as const;

/** The rows table lesson 09's pipeline loads, beside its totals (the kit's layout). */
export const AGGREGATED_TABLE = 'donation_transactions_aggregated';

/**
 * An organization is optional in a message; a key column cannot be NULL, so a missing one
 * is kept as '' and read back as NULL.
 */
export const NO_ORGANIZATION = '';

interface TotalsTable {
  name: string;
  purpose: string;
  /** The grouping's key columns, after campaign_id. */
  keys: readonly string[];
  /** Columns kept beside the counts, not in the key. */
  extra?: readonly string[];
}

const TOTALS_TABLE_LIST: readonly TotalsTable[] = [
  { name: TOTALS_TABLES.campaign, purpose: 'per campaign: queries 1 and 2', keys: [] },
  // A city's coordinates are those of its first donation: the 20 cities each have one place.
  { name: TOTALS_TABLES.city, purpose: 'per campaign and city, with its coordinates: query 4', keys: ['city VARCHAR(50) NOT NULL'], extra: ['latitude DECIMAL(9, 6)', 'longitude DECIMAL(9, 6)'] },
  { name: TOTALS_TABLES.organization, purpose: 'per campaign and organization: query 5', keys: ['organization VARCHAR(50) NOT NULL'] },
  { name: TOTALS_TABLES.cityOrganization, purpose: 'per campaign, city and organization: query 3', keys: ['city VARCHAR(50) NOT NULL', 'organization VARCHAR(50) NOT NULL'] },
  {
    name: TOTALS_TABLES.second,
    purpose: 'per campaign and second, by city and organization: the windows of queries 6 and 7',
    keys: ['second DATETIME NOT NULL', 'city VARCHAR(50) NOT NULL', 'organization VARCHAR(50) NOT NULL'],
  },
];

function describeTotals({ name, keys, extra = [] }: TotalsTable): TableDescription {
  const keyNames = keys.map((key) => key.split(' ')[0]);
  return {
    name,
    columns: ['campaign_id INT NOT NULL', ...keys, ...extra, 'donations BIGINT NOT NULL', 'amount DECIMAL(18, 2) NOT NULL'],
    keys: [`PRIMARY KEY (${['campaign_id', ...keyNames].join(', ')})`],
    charset: 'utf8mb4',
  };
}

export function totalsTablesDdl(target: DatabaseTarget): DdlStatement[] {
  return TOTALS_TABLE_LIST.map((table) => ({ purpose: table.purpose, sql: targetNamed(target).tableDdl(describeTotals(table)) }));
}

/**
 * The totals tables and lesson 09's rows table, empty until lesson 09 fills them. The
 * Grafana dashboard's panels name them in every query (its Table variable picks which half
 * answers), so they exist wherever the dashboard reads.
 */
export async function ensureTotalsTables(db: Database): Promise<void> {
  for (const ddl of totalsTablesDdl(db.target)) await db.execute(ddl.sql);
  await db.execute(layoutDdl(db.target, 'optimized', AGGREGATED_TABLE).sql);
}

/**
 * Rebuilds the totals of one campaign from a rows table: a correction's last resort, and how
 * tests fill the totals without a pipeline. Run the statements in one transaction.
 */
export function rebuildTotalsSql(rowsTable: string): string[] {
  const rows = rowsTable.replace(/[^A-Za-z0-9_]/g, '');
  const org = `COALESCE(organization, '${NO_ORGANIZATION}')`;
  const tables = Object.values(TOTALS_TABLES);
  return [
    ...tables.map((t) => `DELETE FROM ${t} WHERE campaign_id = ?`),
    `INSERT INTO ${TOTALS_TABLES.campaign} SELECT campaign_id, COUNT(*), SUM(total_amount) FROM ${rows} WHERE campaign_id = ? GROUP BY campaign_id`,
    `INSERT INTO ${TOTALS_TABLES.city} SELECT campaign_id, city, MIN(latitude), MIN(longitude), COUNT(*), SUM(total_amount) FROM ${rows} WHERE campaign_id = ? GROUP BY campaign_id, city`,
    `INSERT INTO ${TOTALS_TABLES.organization} SELECT campaign_id, ${org}, COUNT(*), SUM(total_amount) FROM ${rows} WHERE campaign_id = ? GROUP BY campaign_id, ${org}`,
    `INSERT INTO ${TOTALS_TABLES.cityOrganization} SELECT campaign_id, city, ${org}, COUNT(*), SUM(total_amount) FROM ${rows} WHERE campaign_id = ? GROUP BY campaign_id, city, ${org}`,
    `INSERT INTO ${TOTALS_TABLES.second} SELECT campaign_id, transaction_date, city, ${org}, COUNT(*), SUM(total_amount) FROM ${rows} WHERE campaign_id = ? GROUP BY campaign_id, transaction_date, city, ${org}`,
  ];
}
