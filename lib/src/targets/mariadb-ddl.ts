/**
 * MariaDB's CREATE TABLE: InnoDB (transactions, the clustered primary key the layouts rely
 * on), utf8mb4 text where the table asks for it, and the analog of each lesson 07 layout.
 */
import { donationTable } from './donation-table.js';
import { layout, type LayoutKey } from './layouts.js';
import { createTableSql, type DdlStatement, type TableDescription } from './table.js';

export function mariadbTableDdl(table: TableDescription): string {
  const charset = table.charset ? ` DEFAULT CHARSET=${table.charset}` : '';
  const partitioning = table.partitioning ? `\n${table.partitioning}` : '';
  return createTableSql(table, ` ENGINE=InnoDB${charset}${partitioning}`);
}

// The unique key of SingleStore's table (transaction_id, city) stays, so that a duplicate is
// skipped on every layout; the clustered key is the sort key's analog.
const UNIQUE = 'UNIQUE KEY uk_transaction_city (transaction_id, city)';

const ANALOG_KEYS: Record<LayoutKey, { keys: string[]; partitioning?: string }> = {
  naive: { keys: ['PRIMARY KEY (transaction_id)'] },
  'original-sort-key': { keys: ['PRIMARY KEY (city, transaction_date, transaction_id)', UNIQUE] },
  'original-shard-key': { keys: ['PRIMARY KEY (transaction_id, city)'], partitioning: 'PARTITION BY KEY (city, transaction_id) PARTITIONS 4' },
  'campaign-sort-key': { keys: ['PRIMARY KEY (campaign_id, transaction_date, transaction_id)', UNIQUE] },
  optimized: {
    keys: [
      'PRIMARY KEY (campaign_id, transaction_date, transaction_id)',
      UNIQUE,
      // One covering index per grouping the panels ask for: queries 3, 4 and 5 (1 and 2 use the narrowest).
      'KEY ix_campaign_city_organization (campaign_id, city, organization, total_amount)',
      'KEY ix_campaign_city_place (campaign_id, city, latitude, longitude, total_amount)',
      'KEY ix_campaign_organization (campaign_id, organization, total_amount)',
    ],
  },
};

/** MariaDB has neither SHARD KEY nor SORT KEY: each layout but the naive one is an analog. */
export function mariadbLayoutDdl(key: LayoutKey, table: string): DdlStatement {
  const { keys, partitioning } = ANALOG_KEYS[key];
  return { purpose: layout(key).mariadb, sql: mariadbTableDdl(donationTable(table, keys, partitioning)), analog: key !== 'naive' ? true : undefined };
}
