/**
 * The DDL of the lessons, per target, safe to re-run. The SingleStore text is always
 * available (notebooks show it); on MariaDB the kit runs the nearest analog and says so.
 */
import type { DatabaseTarget } from '../config.js';
import { quoteIdentifier } from '../names.js';
import { targetNamed } from '../targets/index.js';
import { DONATIONS_TABLE, MESSAGES_TABLE, OPTIMIZED_TABLE, layout, type LayoutKey } from '../targets/layouts.js';
import type { DdlStatement } from '../targets/table.js';

export { DONATION_COLUMN_NAMES } from '../targets/columns.js';
export { DONATIONS_TABLE, MESSAGES_TABLE, OPTIMIZED_TABLE, TABLE_LAYOUTS, layout, type LayoutKey, type TableLayout } from '../targets/layouts.js';
export type { DdlStatement } from '../targets/table.js';

export type SchemaKind = 'naive' | 'optimized';

/** The CREATE TABLE of a layout on a target (on MariaDB, its analog). */
export function layoutDdl(target: DatabaseTarget, key: LayoutKey, table = layout(key).table): DdlStatement {
  return targetNamed(target).layoutDdl(key, table);
}

/** The original's table: no SHARD KEY, no SORT KEY, only the primary key. */
export function naiveTableDdl(target: DatabaseTarget, table = DONATIONS_TABLE): DdlStatement {
  return layoutDdl(target, 'naive', table);
}

/** The kit's layout (see TABLE_LAYOUTS). */
export function optimizedTableDdl(target: DatabaseTarget, table = OPTIMIZED_TABLE): DdlStatement {
  return layoutDdl(target, 'optimized', table);
}

export function donationTableDdl(target: DatabaseTarget, kind: SchemaKind, table?: string): DdlStatement {
  return kind === 'naive' ? naiveTableDdl(target, table) : optimizedTableDdl(target, table);
}

/** The quick start's table: one text column that takes each Kafka message whole. */
export function messagesTableDdl(target: DatabaseTarget, table = MESSAGES_TABLE): DdlStatement {
  return {
    purpose: 'the quick start table: one text column, a message per row',
    sql: targetNamed(target).tableDdl({ name: table, columns: ['id TEXT'], keys: [], charset: 'utf8mb4' }),
  };
}

export interface SuggestedIndex {
  query: number;
  name: string;
  /** The original's statement, as it wrote it. */
  original: string;
  /** What the kit runs instead on MariaDB. */
  sql: string;
}

/**
 * The original's "possible index" per query, verbatim, and the kit's version. The kit
 * filters by campaign_id where the original filtered by is_campaign_active (see
 * queries.ts), and adds total_amount so that each index covers its query: an index
 * without a column the query reads sends every match back to the table row. Query 4's
 * index covers the coordinates it now groups by.
 */
export function suggestedIndexes(table = DONATIONS_TABLE): SuggestedIndex[] {
  const t = quoteIdentifier(table, 'table');
  const index = (query: number, name: string, original: string, columns: string) => ({ query, name, original, sql: `CREATE INDEX ${name} ON ${t} (${columns})` });
  return [
    index(1, 'idx_campaign', 'CREATE INDEX idx_campaign_active_campaign_id ON donations.donation_transactions (is_campaign_active, campaign_id);', 'campaign_id'),
    index(2, 'idx_campaign_amount', 'CREATE INDEX idx_is_campaign_active ON donation_transactions (is_campaign_active)', 'campaign_id, total_amount'),
    index(3, 'idx_campaign_city_org', 'CREATE INDEX idx_campaign_city_org ON donation_transactions (is_campaign_active, city, organization);', 'campaign_id, city, organization, total_amount'),
    index(4, 'idx_campaign_city_geo', 'CREATE INDEX idx_campaign_city_total ON donation_transactions (is_campaign_active, city, total_amount);', 'campaign_id, city, latitude, longitude, total_amount'),
    index(5, 'idx_campaign_org_total', 'CREATE INDEX idx_campaign_org_total ON donation_transactions (is_campaign_active, organization, total_amount);', 'campaign_id, organization, total_amount'),
    index(6, 'idx_campaign_date_city', 'CREATE INDEX idx_campaign_date_city ON donation_transactions (is_campaign_active, transaction_date, city);', 'campaign_id, transaction_date, city, total_amount'),
    index(7, 'idx_campaign_date_org', 'CREATE INDEX idx_campaign_date_org ON donation_transactions (is_campaign_active, transaction_date, organization);', 'campaign_id, transaction_date, organization, total_amount'),
  ];
}
