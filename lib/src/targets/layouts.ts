/**
 * The donations table's layouts lesson 07 compares, and the names of the kit's donation
 * tables. Each target gives a layout its keys (targets/mariadb.ts, targets/singlestore.ts).
 */
import type { DatabaseTarget } from '../config.js';

export const DONATIONS_TABLE = 'donation_transactions';
export const OPTIMIZED_TABLE = 'donation_transactions_optimized';
export const MESSAGES_TABLE = 'messages';

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
  /** The layout it adds one part to, for lesson 07's "what each part bought" (default: naive). */
  buildsOn?: LayoutKey;
  /** What its part buys the dashboard, and why, on each target: a sentence after the measured ratio. */
  bought: { singleStore: string; mariadb: string };
}

export const TABLE_LAYOUTS: readonly TableLayout[] = [
  {
    key: 'naive',
    table: DONATIONS_TABLE,
    label: 'naive',
    analogLabel: 'naive',
    title: 'naive: a primary key only',
    analogTitle: 'naive: PRIMARY KEY (transaction_id)',
    // "If the table has a primary key, then the shard key will be whatever the primary key is" (Sharding).
    singleStore:
      'PRIMARY KEY (transaction_id) and no SHARD KEY, so the primary key is the shard key: rows hashed by transaction id over every partition; ' +
      'no SORT KEY: rows stay in arrival order, so each segment already holds a narrow range of campaigns and dates',
    mariadb: 'PRIMARY KEY (transaction_id): InnoDB stores rows in primary-key order',
    targets: ['mariadb', 'singlestore'],
    bought: {
      singleStore: '',
      mariadb: '',
    },
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
    bought: {
      singleStore: "No panel filters on the city: ordered by city first, a campaign's rows spread over every city's run of segments, and no panel can skip one.",
      mariadb: "No panel filters on the city: clustered by city first, a campaign's rows are spread over the whole table.",
    },
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
    bought: {
      singleStore: '',
      mariadb: "One MariaDB server reads its partitions one after another, on one thread; SingleStore's partitions read in parallel, which this analog cannot show.",
    },
  },
  {
    key: 'campaign-sort-key',
    table: 'donations_campaign_sorted',
    label: 'campaign-led key',
    analogLabel: 'campaign-led key',
    title: 'a sort key led by the campaign: SORT KEY (campaign_id, transaction_date)',
    analogTitle: 'a sort key led by the campaign, as a clustered key (campaign_id, transaction_date)',
    singleStore: 'SORT KEY (campaign_id, transaction_date): a campaign, and its last seconds, sit in few segments, whatever order the rows arrived in',
    mariadb: 'the clustered primary key (campaign_id, transaction_date, transaction_id): a campaign is one range of the table',
    targets: ['mariadb'],
    bought: {
      singleStore: "Every panel filters on the campaign: a campaign's rows sit in few segments, and each panel skips the others.",
      mariadb: "Every panel filters on the campaign: clustered by campaign, then date, a campaign is one range of the table, and each panel reads only that range.",
    },
  },
  {
    key: 'optimized',
    table: OPTIMIZED_TABLE,
    label: "kit's layout",
    analogLabel: "kit's layout",
    title: 'the kit: SHARD KEY (city, transaction_id), SORT KEY (campaign_id, transaction_date)',
    analogTitle: "the kit's analog: the campaign-led clustered key plus covering indexes",
    singleStore: "the original's shard key (spreading rows as evenly as the naive table's transaction id) with a sort key led by the campaign, which every panel filters on",
    mariadb:
      'the campaign-led clustered key, plus covering indexes that hold each panel\'s columns in its GROUP BY order, ' +
      'as a columnstore reads only the columns a query names',
    targets: ['mariadb', 'singlestore'],
    buildsOn: 'campaign-sort-key',
    bought: {
      singleStore: "The original's shard key spreads each campaign over every partition, read in parallel; the campaign-led sort key lets each panel skip the other campaigns' segments.",
      mariadb: "Covering indexes hold each panel's columns in its GROUP BY order, as a columnstore reads only the columns a query names.",
    },
  },
];

export function layout(key: LayoutKey): TableLayout {
  return TABLE_LAYOUTS.find((l) => l.key === key)!;
}
