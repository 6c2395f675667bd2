// A table for the tests that must see a double-apply: the naive table's columns without
// its primary key. A batch loaded twice stays twice here, where the naive table's key and
// the pipeline's INSERT IGNORE would skip the second copy and hide it.
import { DONATION_COLUMNS, columnSql, mariadbTarget } from '@donations/lib';

export function heapTableDdl(table: string): string {
  return mariadbTarget.tableDdl({ name: table, columns: DONATION_COLUMNS.map((column) => columnSql(column)), keys: [], charset: 'utf8mb4' });
}
