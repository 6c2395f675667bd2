/**
 * What differs between the database targets, in one object per target (mariadb.ts,
 * singlestore.ts), chosen once from the configuration (index.ts: targetOf). Code outside
 * this folder asks its target and never compares target names.
 */
import type { DatabaseTarget } from '../config.js';
import type { ServerFlavour } from '../database/admin.js';
import type { Database } from '../database/database.js';
import type { BatchRowsHook } from '../pipeline/batch-hooks.js';
import type { LocalPipelineOptions } from '../pipeline/local.js';
import type { Pipeline, PipelineHandles, PipelineSpec } from '../pipeline/pipeline.js';
import type { LayoutKey } from './layouts.js';
import type { DashboardProfiler } from './profiler.js';
import type { DdlStatement, TableDescription } from './table.js';

/**
 * Work each batch does in its transaction beside its rows (lesson 09's totals), in the
 * form each target runs it.
 */
export interface BatchWork {
  /** SingleStore: the pipeline loads into this stored procedure, which writes the rows and the rest. */
  procedure: {
    name: string;
    sql(rowsTable: string): string;
    /** Tables it writes besides the rows, created before it: a pipeline's procedure may run no DDL. */
    tables?: readonly TableDescription[];
    /** The rows it skips: how many were rejected, and the latest (`LIMIT ?`), for the pipeline's errorCount and errors. */
    rejects?: ProcedureRejects;
  };
  /** The kit's local pipeline: the hook that writes each batch's rows and the rest. */
  rowsHook: BatchRowsHook;
}

export interface ProcedureRejects {
  /** One row, `n`: rejected messages (skipped duplicates are not). */
  countSql: string;
  /** Rows of rejected_at, transaction_id, reason, copies, raw, newest first. */
  latestSql: string;
}

export interface TargetPipelineOptions extends LocalPipelineOptions {
  /** Work that commits with each batch (lesson 09's totals). */
  batchWork?: BatchWork;
}

/** How a target shows where the dashboard's time goes (lesson 06). */
export type TargetProfiling =
  /** MariaDB: the slow query log catches the statements, ANALYZE FORMAT=JSON explains one (mariadb-profile.ts). */
  | 'slow-query-log'
  /** SingleStore: the Query_completion event trace catches them, PROFILE explains one (singlestore-server.ts). */
  | 'event-trace';

export interface Target {
  readonly name: DatabaseTarget;
  /** For messages: MariaDB, SingleStore. */
  readonly title: string;
  /** True when the SingleStore statements the notebooks show run as shown; else the kit runs an analog. */
  readonly runsSingleStoreSql: boolean;
  /** The line a notebook prints above a SingleStore statement. */
  readonly runsHere: string;
  /** The flavours checkDatabase reports for a server of this target. */
  readonly serverFlavours: readonly ServerFlavour[];
  /** The kit's name for the service that runs the server (compose service, started-services file). */
  readonly service: 'mariadb' | 'singlestore';
  /** The compose profile its container needs on this machine; undefined: a default service. */
  readonly composeProfile: string | undefined;
  /** True when `npm run up` can start the server as a local process, without Docker. */
  readonly startsWithoutDocker: boolean;
  /** Statements each new connection runs first. */
  readonly sessionSql: readonly string[];
  readonly profiling: TargetProfiling;
  /** What lessons 06 and 07 run to show where the dashboard's time goes. */
  readonly profiler: DashboardProfiler;
  /** CREATE TABLE IF NOT EXISTS for a kit table, with this target's table options. */
  tableDdl(table: TableDescription): string;
  /** A lesson 07 layout of the donations table (on MariaDB, its analog). */
  layoutDdl(key: LayoutKey, table: string): DdlStatement;
  /** The pipelines' status tables the kit keeps itself (none where information_schema has them). */
  statusTablesDdl(): DdlStatement[];
  /** The pipeline that loads `spec` here, stopped; `create()` it. */
  createPipeline(handles: PipelineHandles, spec: PipelineSpec, options?: TargetPipelineOptions): Pipeline;
  /** Partitions for a new donations topic. */
  topicPartitions(db: Database): Promise<number>;
}
