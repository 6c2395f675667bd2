// A table for the tests that must see a double-apply: the naive table's columns without
// its primary key. A batch loaded twice stays twice here, where the naive table's key and
// the pipeline's INSERT IGNORE would skip the second copy and hide it.
import { quoteIdentifier } from '@donations/lib';

export function heapTableDdl(table: string): string {
  return `CREATE TABLE ${quoteIdentifier(table, 'table')} (
    transaction_id BIGINT NOT NULL,
    city VARCHAR(50) NOT NULL,
    latitude DECIMAL(9, 6),
    longitude DECIMAL(9, 6),
    organization VARCHAR(50),
    transaction_date DATETIME NOT NULL,
    total_amount DECIMAL(10, 2) NOT NULL,
    campaign_id INT NOT NULL,
    is_campaign_active TINYINT(1) DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}
