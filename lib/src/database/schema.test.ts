import { describe, expect, it } from 'vitest';
import { INSERT_CAMPAIGN_SQL, LATEST_CAMPAIGN_SQL, NEXT_CAMPAIGN_ID_SQL, campaignsTableDdl } from '../campaigns/ledger.js';
import { InvalidIdentifierError } from '../errors.js';
import { pipelineStoreDdl } from '../targets/mariadb-status-tables.js';
import { TABLE_LAYOUTS, layoutDdl, messagesTableDdl, naiveTableDdl, optimizedTableDdl, suggestedIndexes } from './schema.js';

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

  it("gives SingleStore the original's keys and the kit's, each with a primary key that contains the shard key", () => {
    const original = layoutDdl('singlestore', 'original-sort-key');
    expect(original.analog).toBeUndefined();
    expect(original.sql).toMatch(/PRIMARY KEY \(transaction_id, city\),\n    SHARD KEY \(city, transaction_id\),\n    SORT KEY \(city, transaction_date\)\n\)$/);
    const kit = optimizedTableDdl('singlestore');
    expect(kit.sql).toMatch(/PRIMARY KEY \(transaction_id, city\),\n    SHARD KEY \(city, transaction_id\),\n    SORT KEY \(campaign_id, transaction_date\)\n\)$/);
    expect(layoutDdl('singlestore', 'naive').sql).toMatch(/PRIMARY KEY \(transaction_id\)\n\)$/);
  });

  it('gives MariaDB one analog per part of the layout, and says so', () => {
    const analog = (key: Parameters<typeof layoutDdl>[1]) => layoutDdl('mariadb', key);
    expect(analog('original-sort-key').sql).toContain('PRIMARY KEY (city, transaction_date, transaction_id)');
    expect(analog('original-shard-key').sql).toMatch(/\nPARTITION BY KEY \(city, transaction_id\) PARTITIONS 4$/);
    expect(analog('campaign-sort-key').sql).toContain('PRIMARY KEY (campaign_id, transaction_date, transaction_id)');
    const kit = optimizedTableDdl('mariadb');
    expect(kit.analog).toBe(true);
    expect(kit.sql).toContain('PRIMARY KEY (campaign_id, transaction_date, transaction_id)');
    for (const index of ['(campaign_id, city, organization, total_amount)', '(campaign_id, city, latitude, longitude, total_amount)', '(campaign_id, organization, total_amount)']) {
      expect(kit.sql).toContain(index);
    }
    for (const key of ['original-sort-key', 'original-shard-key', 'campaign-sort-key', 'optimized'] as const) {
      const { sql, purpose, analog: isAnalog } = analog(key);
      expect(isAnalog).toBe(true);
      expect(purpose.length).toBeGreaterThan(20);
      expect(sql).not.toMatch(/SHARD KEY|SORT KEY/);
      // A duplicate donation is skipped on every layout: each keeps a unique key on (transaction_id, city) or transaction_id.
      expect(sql).toMatch(/(PRIMARY KEY|UNIQUE KEY \w+) \((transaction_id, city|transaction_id)\)/);
    }
  });

  it('lists the layouts lesson 07 builds on each target', () => {
    expect(TABLE_LAYOUTS.filter((l) => l.targets.includes('mariadb')).map((l) => l.key)).toEqual(['naive', 'original-sort-key', 'original-shard-key', 'campaign-sort-key', 'optimized']);
    expect(TABLE_LAYOUTS.filter((l) => l.targets.includes('singlestore')).map((l) => l.key)).toEqual(['naive', 'original-sort-key', 'optimized']);
  });

  it('is safe to re-run', () => {
    const all = [naiveTableDdl('mariadb'), optimizedTableDdl('mariadb'), campaignsTableDdl('mariadb'), messagesTableDdl('mariadb'), ...pipelineStoreDdl()];
    for (const { sql } of all) expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS /);
    for (const { sql } of suggestedIndexes()) expect(sql).toMatch(/^CREATE INDEX idx_\w+ ON `donation_transactions` \(campaign_id/);
  });

  it("has one suggested index per query, beside the original's as it wrote it", () => {
    expect(suggestedIndexes().map((i) => i.query)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const index of suggestedIndexes()) expect(index.original).toMatch(/^CREATE INDEX idx_\w+ ON (donations\.)?donation_transactions \(is_campaign_active/);
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
    expect(LATEST_CAMPAIGN_SQL).toBe('SELECT * FROM campaigns ORDER BY (ended_at IS NULL) DESC, started_at DESC, campaign_id DESC LIMIT 1');
  });

  it('refuses table names carrying SQL', () => {
    expect(() => naiveTableDdl('mariadb', 'x; DROP TABLE y')).toThrow(InvalidIdentifierError);
  });
});
