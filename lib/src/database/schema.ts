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

/**
 * The table layouts lesson 07 compares, on the same rows. On SingleStore each is its own
 * DDL; on MariaDB, which has neither SHARD KEY nor SORT KEY, each is the nearest analog,
 * and the lesson says so. The kit's layout leads its sort key with what every panel
 * filters on (the campaign), where the original's led with the city, which no panel
 * filters on: lesson 07 measures both.
 */
export type LayoutKey = 'naive' | 'original-sort-key' | 'original-shard-key' | 'campaign-sort-key' | 'optimized';

export interface TableLayout {
  key: LayoutKey;
  /** The table lesson 07 loads it into. */
  table: string;
  /** A few words for a chart's axis, on SingleStore... */
  label: string;
  /** ...and where the analog runs (MariaDB). */
  analogLabel: string;
  title: string;
  /** Its name where the analog runs (MariaDB): what was built, not the SingleStore keys it stands for. */
  analogTitle: string;
  /** What it is on SingleStore, in one line. */
  singleStore: string;
  /** What stands for it on MariaDB, in one line, and what that analog cannot reproduce. */
  mariadb: string;
  /** Whether lesson 07 builds it on this target: the MariaDB ablation splits the original's keys in two. */
  targets: readonly DatabaseTarget[];
}

export const TABLE_LAYOUTS: readonly TableLayout[] = [
  {
    key: 'naive',
    table: DONATIONS_TABLE,
    label: 'naive',
    analogLabel: 'naive',
    title: 'naive: a primary key only',
    analogTitle: 'naive: PRIMARY KEY (transaction_id)',
    singleStore: 'PRIMARY KEY (transaction_id): rows spread by transaction id, stored in arrival order',
    mariadb: 'PRIMARY KEY (transaction_id): InnoDB stores rows in primary-key order',
    targets: ['mariadb', 'singlestore'],
  },
  {
    key: 'original-sort-key',
    table: 'donations_original_keys',
    label: "original's keys",
    analogLabel: "original's sort key",
    title: "the original's keys: SHARD KEY (city, transaction_id), SORT KEY (city, transaction_date)",
    analogTitle: "the original's SORT KEY alone, as a clustered key (city, transaction_date)",
    singleStore: "the original's recommendation, as it wrote it",
    mariadb: "the original's SORT KEY alone: the clustered primary key (city, transaction_date, transaction_id) orders the rows as the sort key would",
    targets: ['mariadb', 'singlestore'],
  },
  {
    key: 'original-shard-key',
    table: 'donations_partitioned',
    label: "original's shard key",
    analogLabel: "original's shard key",
    title: "the original's SHARD KEY alone: PARTITION BY KEY (city, transaction_id)",
    analogTitle: "the original's SHARD KEY alone, as 4 hash partitions (city, transaction_id)",
    singleStore: '(on SingleStore the shard key is part of the original keys above)',
    mariadb:
      'PARTITION BY KEY (city, transaction_id) PARTITIONS 4 hashes rows into 4 partitions as a shard key hashes them into database partitions; ' +
      'but one MariaDB server scans its partitions one after another on one thread, where SingleStore scans its partitions in parallel',
    targets: ['mariadb'],
  },
  {
    key: 'campaign-sort-key',
    table: 'donations_campaign_sorted',
    label: 'campaign-led key',
    analogLabel: 'campaign-led key',
    title: 'a sort key led by the campaign: SORT KEY (campaign_id, transaction_date)',
    analogTitle: 'a sort key led by the campaign, as a clustered key (campaign_id, transaction_date)',
    singleStore: 'SORT KEY (campaign_id, transaction_date): a campaign, and its last seconds, sit in few segments',
    mariadb: 'the clustered primary key (campaign_id, transaction_date, transaction_id): a campaign is one range of the table',
    targets: ['mariadb'],
  },
  {
    key: 'optimized',
    table: OPTIMIZED_TABLE,
    label: "kit's layout",
    analogLabel: "kit's layout",
    title: 'the kit: SHARD KEY (city, transaction_id), SORT KEY (campaign_id, transaction_date)',
    analogTitle: "the kit's analog: the campaign-led clustered key plus covering indexes",
    singleStore: "the original's shard key (an even spread) with a sort key led by the campaign, which every panel filters on",
    mariadb:
      'the campaign-led clustered key, plus covering indexes that hold each panel\'s columns in its GROUP BY order, ' +
      'as a columnstore reads only the columns a query names',
    targets: ['mariadb', 'singlestore'],
  },
];

export function layout(key: LayoutKey): TableLayout {
  return TABLE_LAYOUTS.find((l) => l.key === key)!;
}

/** The CREATE TABLE of a layout on a target (on MariaDB, its analog). */
export function layoutDdl(target: DatabaseTarget, key: LayoutKey, table = layout(key).table): DdlStatement {
  const name = quoteIdentifier(table, 'table');
  const create = (keys: string[], suffix = '') =>
    `CREATE TABLE IF NOT EXISTS ${name} (\n${DONATION_COLUMNS},\n    ${keys.join(',\n    ')}\n)${target === 'mariadb' ? ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4${suffix}` : ''}`;
  const purpose = target === 'singlestore' ? layout(key).singleStore : layout(key).mariadb;
  // SingleStore hashes all the shard key's columns together ("Sharding"): SHARD KEY (city,
  // transaction_id) spreads one city over every partition; only a query giving both values
  // goes to one. "SingleStore does not support unique keys unless the columns in the unique
  // key are a superset of the columns in the shard key": hence PRIMARY KEY (transaction_id, city).
  const singleStore: Record<LayoutKey, string[]> = {
    naive: ['PRIMARY KEY (transaction_id)'],
    'original-sort-key': ['PRIMARY KEY (transaction_id, city)', 'SHARD KEY (city, transaction_id)', 'SORT KEY (city, transaction_date)'],
    'original-shard-key': ['PRIMARY KEY (transaction_id, city)', 'SHARD KEY (city, transaction_id)'],
    'campaign-sort-key': ['PRIMARY KEY (transaction_id, city)', 'SHARD KEY (city, transaction_id)', 'SORT KEY (campaign_id, transaction_date)'],
    optimized: ['PRIMARY KEY (transaction_id, city)', 'SHARD KEY (city, transaction_id)', 'SORT KEY (campaign_id, transaction_date)'],
  };
  if (target === 'singlestore') return { purpose, sql: create(singleStore[key]) };
  // MariaDB: the unique key of SingleStore's table (transaction_id, city) stays, so that a
  // duplicate is skipped on every layout; the clustered key is the sort key's analog.
  const unique = 'UNIQUE KEY uk_transaction_city (transaction_id, city)';
  const mariadb: Record<LayoutKey, [string[], string?]> = {
    naive: [['PRIMARY KEY (transaction_id)']],
    'original-sort-key': [['PRIMARY KEY (city, transaction_date, transaction_id)', unique]],
    'original-shard-key': [['PRIMARY KEY (transaction_id, city)'], '\nPARTITION BY KEY (city, transaction_id) PARTITIONS 4'],
    'campaign-sort-key': [['PRIMARY KEY (campaign_id, transaction_date, transaction_id)', unique]],
    optimized: [
      [
        'PRIMARY KEY (campaign_id, transaction_date, transaction_id)',
        unique,
        // One covering index per grouping the panels ask for: queries 3, 4 and 5 (1 and 2 use the narrowest).
        'KEY ix_campaign_city_organization (campaign_id, city, organization, total_amount)',
        'KEY ix_campaign_city_place (campaign_id, city, latitude, longitude, total_amount)',
        'KEY ix_campaign_organization (campaign_id, organization, total_amount)',
      ],
    ],
  };
  const [keys, suffix] = mariadb[key];
  return { purpose, sql: create(keys, suffix), analog: key !== 'naive' ? true : undefined };
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
    sql: `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table, 'table')} (id TEXT)${target === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''}`,
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
