/** A donations table of one layout, as a description each target completes with its keys. */
import { columnSql, DONATION_COLUMNS } from './columns.js';
import type { TableDescription } from './table.js';

export function donationTable(name: string, keys: readonly string[], partitioning?: string): TableDescription {
  return { name, columns: DONATION_COLUMNS.map((column) => columnSql(column)), keys, charset: 'utf8mb4', partitioning };
}
