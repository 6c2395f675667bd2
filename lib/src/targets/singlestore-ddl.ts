/** SingleStore's CREATE TABLE: no table options (columnstore by default), SHARD KEY and SORT KEY. */
import { donationTable } from './donation-table.js';
import { layout, type LayoutKey } from './layouts.js';
import { createTableSql, type DdlStatement, type TableDescription } from './table.js';

export function singlestoreTableDdl(table: TableDescription): string {
  return createTableSql(table, '');
}

// SingleStore hashes all the shard key's columns together ("Sharding"): SHARD KEY (city,
// transaction_id) spreads one city over every partition; only a query giving both values
// goes to one. "SingleStore does not support unique keys unless the columns in the unique
// key are a superset of the columns in the shard key": hence PRIMARY KEY (transaction_id, city).
const SHARDED = ['PRIMARY KEY (transaction_id, city)', 'SHARD KEY (city, transaction_id)'];

const KEYS: Record<LayoutKey, string[]> = {
  naive: ['PRIMARY KEY (transaction_id)'],
  'original-sort-key': [...SHARDED, 'SORT KEY (city, transaction_date)'],
  'original-shard-key': SHARDED,
  'campaign-sort-key': [...SHARDED, 'SORT KEY (campaign_id, transaction_date)'],
  optimized: [...SHARDED, 'SORT KEY (campaign_id, transaction_date)'],
};

export function singlestoreLayoutDdl(key: LayoutKey, table: string): DdlStatement {
  return { purpose: layout(key).singleStore, sql: singlestoreTableDdl(donationTable(table, KEYS[key])) };
}
