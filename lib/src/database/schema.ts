/**
 * The DDL of the lessons, per target, safe to re-run. The SingleStore text is always
 * available (notebooks show it); on MariaDB the kit runs the nearest analog and says so.
 */
import type { DatabaseTarget } from '../config.js';
import { quoteIdentifier } from '../names.js';

export const DONATIONS_TABLE = 'donation_transactions';
export const OPTIMIZED_TABLE = 'donation_transactions_optimized';
export const MESSAGES_TABLE = 'messages';

export type SchemaKind = 'naive' | 'optimized';

/** The columns of the original, in order; transaction_id is BIGINT so that ids never collide. */
const DONATION_COLUMNS = `    transaction_id BIGINT NOT NULL,
    city VARCHAR(50) NOT NULL,
    latitude DECIMAL(9, 6),
    longitude DECIMAL(9, 6),
    organization VARCHAR(50),
    transaction_date DATETIME NOT NULL,
    total_amount DECIMAL(10, 2) NOT NULL,
    campaign_id INT NOT NULL,
    is_campaign_active TINYINT(1) DEFAULT 0`;

export const DONATION_COLUMN_NAMES = [
  'transaction_id',
  'city',
  'latitude',
  'longitude',
  'organization',
  'transaction_date',
  'total_amount',
  'campaign_id',
  'is_campaign_active',
] as const;

export interface DdlStatement {
  /** What the statement does, for a notebook's text. */
  purpose: string;
  sql: string;
  /** True when the statement is the kit's MariaDB analog of a SingleStore feature. */
  analog?: boolean;
}

/** The original's table: no SHARD KEY, no SORT KEY, only the primary key. */
export function naiveTableDdl(target: DatabaseTarget, table = DONATIONS_TABLE): DdlStatement {
  const name = quoteIdentifier(table, 'table');
  return {
    purpose: 'the naive table: only a primary key, no shard or sort key',
    sql: `CREATE TABLE IF NOT EXISTS ${name} (
${DONATION_COLUMNS},
    PRIMARY KEY (transaction_id)
)${target === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''}`,
  };
}

/**
 * The original's recommendation: SHARD KEY (city, transaction_id), SORT KEY (city,
 * transaction_date). The partition is a hash of all the shard key's columns together
 * (SingleStore, "Sharding"), so one city's rows spread over every partition, as evenly as
 * with transaction_id alone; only a query giving both values is routed to one partition.
 * The sort key orders each partition by city, then date: a filter on city skips segments.
 * "SingleStore does not support unique keys unless the columns in the unique key are a
 * superset of the columns in the shard key", so the primary key becomes (transaction_id, city).
 */
export function optimizedTableDdl(target: DatabaseTarget, table = OPTIMIZED_TABLE): DdlStatement {
  const name = quoteIdentifier(table, 'table');
  if (target === 'singlestore') {
    return {
      purpose: 'the optimized table: SHARD KEY (city, transaction_id), SORT KEY (city, transaction_date)',
      sql: `CREATE TABLE IF NOT EXISTS ${name} (
${DONATION_COLUMNS},
    PRIMARY KEY (transaction_id, city),
    SHARD KEY (city, transaction_id),
    SORT KEY (city, transaction_date)
)`,
    };
  }
  return {
    purpose:
      'MariaDB analog: PARTITION BY KEY (city, transaction_id) stands for the SHARD KEY; the clustered primary key ' +
      '(city, transaction_date, transaction_id) stands for SORT KEY (city, transaction_date); covering indexes lead with ' +
      'campaign_id so that a campaign\'s aggregates read only that campaign',
    analog: true,
    sql: `CREATE TABLE IF NOT EXISTS ${name} (
${DONATION_COLUMNS},
    PRIMARY KEY (city, transaction_date, transaction_id),
    UNIQUE KEY uk_transaction_city (transaction_id, city),
    KEY ix_campaign_city_org (campaign_id, city, organization, latitude, longitude, total_amount),
    KEY ix_campaign_date (campaign_id, transaction_date, city, organization, total_amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY KEY (city, transaction_id) PARTITIONS 4`,
  };
}

export function donationTableDdl(target: DatabaseTarget, kind: SchemaKind, table?: string): DdlStatement {
  return kind === 'naive' ? naiveTableDdl(target, table) : optimizedTableDdl(target, table);
}

/** The quick start's table: one text column that takes each Kafka message whole. */
export function messagesTableDdl(target: DatabaseTarget, table = MESSAGES_TABLE): DdlStatement {
  return {
    purpose: 'the quick start table: one text column, a message per row',
    sql: `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table, 'table')} (id TEXT)${target === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''}`,
  };
}

export interface SuggestedIndex {
  query: number;
  name: string;
  sql: string;
}

/**
 * The original's "possible index" per query, with campaign_id where it used
 * is_campaign_active (the kit filters by campaign; see queries.ts). Query 4's index
 * covers the coordinates it now groups by.
 */
export function suggestedIndexes(table = DONATIONS_TABLE): SuggestedIndex[] {
  const t = quoteIdentifier(table, 'table');
  return [
    { query: 1, name: 'idx_campaign', sql: `CREATE INDEX idx_campaign ON ${t} (campaign_id)` },
    { query: 2, name: 'idx_campaign_amount', sql: `CREATE INDEX idx_campaign_amount ON ${t} (campaign_id, total_amount)` },
    { query: 3, name: 'idx_campaign_city_org', sql: `CREATE INDEX idx_campaign_city_org ON ${t} (campaign_id, city, organization, total_amount)` },
    { query: 4, name: 'idx_campaign_city_geo', sql: `CREATE INDEX idx_campaign_city_geo ON ${t} (campaign_id, city, latitude, longitude, total_amount)` },
    { query: 5, name: 'idx_campaign_org_total', sql: `CREATE INDEX idx_campaign_org_total ON ${t} (campaign_id, organization, total_amount)` },
    { query: 6, name: 'idx_campaign_date_city', sql: `CREATE INDEX idx_campaign_date_city ON ${t} (campaign_id, transaction_date, city, total_amount)` },
    { query: 7, name: 'idx_campaign_date_org', sql: `CREATE INDEX idx_campaign_date_org ON ${t} (campaign_id, transaction_date, organization, total_amount)` },
  ];
}
