/** MariaDB (or MySQL): the kit's own pipeline and status tables, InnoDB tables, the slow query log. */
import { LocalPipeline } from '../pipeline/local.js';
import { mariadbLayoutDdl, mariadbTableDdl } from './mariadb-ddl.js';
import { pipelineStoreDdl } from './mariadb-status-tables.js';
import { mariadbProfiler } from './mariadb-profiler.js';
import type { Target } from './target.js';

export const mariadbTarget: Target = {
  name: 'mariadb',
  title: 'MariaDB',
  runsSingleStoreSql: false,
  runsHere: 'SingleStore SQL; on MariaDB the kit runs its own equivalent:',
  serverFlavours: ['mariadb', 'mysql'],
  service: 'mariadb',
  composeProfile: undefined,
  startsWithoutDocker: true,
  // NOW() and CONVERT_TZ follow the session zone; the data is UTC.
  sessionSql: ["SET time_zone = '+00:00'"],
  profiling: 'slow-query-log',
  profiler: mariadbProfiler,
  tableDdl: mariadbTableDdl,
  layoutDdl: mariadbLayoutDdl,
  statusTablesDdl: pipelineStoreDdl,
  createPipeline(handles, spec, { batchWork, ...options } = {}) {
    return new LocalPipeline(handles, spec, batchWork ? { ...options, rowsHook: batchWork.rowsHook } : options);
  },
  // One server: a partition is enough.
  topicPartitions: async () => 1,
};
