import { describe, expect, it } from 'vitest';
import { INSERT_CAMPAIGN_SQL, LATEST_CAMPAIGN_SQL, NEXT_CAMPAIGN_ID_SQL, campaignsTableDdl } from '../campaigns/ledger.js';
import { InvalidIdentifierError } from '../errors.js';
import { pipelineStoreDdl } from '../pipeline/store.js';
import { messagesTableDdl, naiveTableDdl, optimizedTableDdl, suggestedIndexes } from './schema.js';

describe('DDL', () => {
  it("keeps the original's naive table, with a BIGINT id, on both targets", () => {
    for (const target of ['mariadb', 'singlestore'] as const) {
      const { sql } = naiveTableDdl(target);
      expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS `donation_transactions` \(/);
      expect(sql).toContain('transaction_id BIGINT NOT NULL');
      expect(sql).toContain('PRIMARY KEY (transaction_id)');
      expect(sql).not.toMatch(/SHARD KEY|SORT KEY|PARTITION BY/);
    }
  });

  it('gives SingleStore the SHARD KEY and SORT KEY, with a primary key that contains the shard key', () => {
    const { sql, analog } = optimizedTableDdl('singlestore');
    expect(analog).toBeUndefined();
    expect(sql).toContain('PRIMARY KEY (transaction_id, city)');
    expect(sql).toContain('SHARD KEY (city, transaction_id)');
    expect(sql).toContain('SORT KEY (city, transaction_date)');
  });

  it('gives MariaDB the analog and says so: partitioning for the shard key, clustering for the sort key', () => {
    const { sql, analog, purpose } = optimizedTableDdl('mariadb');
    expect(analog).toBe(true);
    expect(purpose).toMatch(/analog/);
    expect(sql).toContain('PARTITION BY KEY (city, transaction_id)');
    expect(sql).toContain('PRIMARY KEY (city, transaction_date, transaction_id)');
    // MariaDB's rule, like SingleStore's: every unique key contains the partitioning columns.
    for (const key of sql.match(/(PRIMARY KEY|UNIQUE KEY \w+) \(([^)]*)\)/g) ?? []) {
      expect(key).toMatch(/city/);
      expect(key).toMatch(/transaction_id/);
    }
    expect(sql).not.toMatch(/SHARD KEY|SORT KEY/);
  });

  it('is safe to re-run', () => {
    const all = [naiveTableDdl('mariadb'), optimizedTableDdl('mariadb'), campaignsTableDdl('mariadb'), messagesTableDdl('mariadb'), ...pipelineStoreDdl()];
    for (const { sql } of all) expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS /);
    for (const { sql } of suggestedIndexes()) expect(sql).toMatch(/^CREATE INDEX idx_\w+ ON `donation_transactions` \(campaign_id/);
  });

  it('has one suggested index per query', () => {
    expect(suggestedIndexes().map((i) => i.query)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('allocates campaign ids itself: no AUTO_INCREMENT, DATETIME(6) (the only fractional precision SingleStore has)', () => {
    for (const target of ['mariadb', 'singlestore'] as const) {
      const { sql } = campaignsTableDdl(target);
      expect(sql).not.toMatch(/AUTO_INCREMENT/i);
      expect(sql).toContain('campaign_id INT NOT NULL,');
      expect(sql).toContain('started_at DATETIME(6) NOT NULL');
      expect(sql).toContain('ended_at DATETIME(6) NULL');
      expect(sql).toContain('PRIMARY KEY (campaign_id)');
    }
    expect(NEXT_CAMPAIGN_ID_SQL).toBe('SELECT COALESCE(MAX(campaign_id), 0) + 1 AS next_id FROM campaigns');
    expect(INSERT_CAMPAIGN_SQL).toBe('INSERT INTO campaigns (campaign_id, cities, seed, started_at, first_transaction_id) VALUES (?, ?, ?, ?, ?)');
    // "The latest campaign" is the one started last, whatever its id.
    expect(LATEST_CAMPAIGN_SQL).toBe('SELECT * FROM campaigns ORDER BY started_at DESC, campaign_id DESC LIMIT 1');
  });

  it('refuses table names carrying SQL', () => {
    expect(() => naiveTableDdl('mariadb', 'x; DROP TABLE y')).toThrow(InvalidIdentifierError);
  });
});
