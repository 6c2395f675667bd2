/**
 * SingleStore: its own pipelines (CREATE PIPELINE), SHARD KEY and SORT KEY, the
 * information_schema views, and the Query_completion event trace.
 */
import { SingleStorePipeline } from '../pipeline/singlestore.js';
import { singlestoreLayoutDdl, singlestoreTableDdl } from './singlestore-ddl.js';
import { databasePartitions } from './singlestore-server.js';
import { singlestoreProfiler } from './singlestore-profiler.js';
import type { Target } from './target.js';

export const singlestoreTarget: Target = {
  name: 'singlestore',
  title: 'SingleStore',
  runsSingleStoreSql: true,
  runsHere: 'Runs as shown:',
  serverFlavours: ['singlestore'],
  service: 'singlestore',
  composeProfile: 'singlestore',
  startsWithoutDocker: false,
  // It ignores time_zone ("setting this variable does not do anything"): queries use UTC_TIMESTAMP().
  sessionSql: [],
  profiling: 'event-trace',
  profiler: singlestoreProfiler,
  tableDdl: singlestoreTableDdl,
  layoutDdl: singlestoreLayoutDdl,
  // information_schema.PIPELINES* hold what the kit's status tables hold on MariaDB.
  statusTablesDdl: () => [],
  createPipeline(handles, spec, { batchWork } = {}) {
    if (!batchWork) return new SingleStorePipeline(handles, spec);
    const { name, sql, tables = [], rejects } = batchWork.procedure;
    return new SingleStorePipeline(handles, { ...spec, procedure: name }, { procedureSql: sql(spec.table), procedureTablesSql: tables.map(singlestoreTableDdl), rejects });
  },
  // One Kafka partition per database partition, so that every partition loads in parallel.
  topicPartitions: async (db) => Math.max(1, await databasePartitions(db)),
};
