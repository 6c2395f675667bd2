// The database targets: one object each, chosen once from the configuration.
import type { DatabaseTarget } from '../config.js';
import type { Database } from '../database/database.js';
import { mariadbTarget } from './mariadb.js';
import { singlestoreTarget } from './singlestore.js';
import type { Target } from './target.js';

export { mariadbTarget, singlestoreTarget };
export type { Target, TargetPipelineOptions, TargetProfiling, BatchWork, ProcedureRejects } from './target.js';
export { DONATION_COLUMNS, DONATION_COLUMN_NAMES, columnSql, type DonationColumn, type DonationColumnName } from './columns.js';
export type { TableDescription } from './table.js';
export type { DashboardProfiler, SlowCatch, CaughtPanel, QueryProfileView, ShownStatement } from './profiler.js';

const TARGETS: Readonly<Record<DatabaseTarget, Target>> = { mariadb: mariadbTarget, singlestore: singlestoreTarget };

/** The target config.ts named (DatabaseConfig.target, Database.target). */
export function targetNamed(name: DatabaseTarget): Target {
  return TARGETS[name];
}

/** The target of a database handle or its settings. */
export function targetOf(db: { target: DatabaseTarget }): Target {
  return TARGETS[db.target];
}

/** Partitions for a new donations topic: at least the database's on SingleStore (one each), 1 on MariaDB. */
export function topicPartitionsFor(db: Database): Promise<number> {
  return targetOf(db).topicPartitions(db);
}
