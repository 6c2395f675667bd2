// The database side: the handle, the server's databases, the lessons' DDL.
export { Database, openDatabase, type DatabaseConnection, type DatabaseOptions, type ResultSetHeader } from './database.js';
export { checkDatabase, ensureDatabase, dropDatabase, listDatabases, type ServerFlavour } from './admin.js';
// What only SingleStore has: its version, a database's partitions, PROFILE, event traces.
export {
  SINGLESTORE_SQL,
  SLOW_QUERY_TRACE,
  SLOW_QUERY_THRESHOLD_MS,
  singleStoreVersion,
  databasePartitions,
  profileQuery,
  startSlowQueryTrace,
  stopSlowQueryTrace,
  slowQueryEvents,
  explainPrivilegeError,
  TRACE_PRIVILEGE,
  type QueryProfile,
  type TraceEvent,
} from '../targets/singlestore-server.js';
export { topicPartitionsFor } from '../targets/index.js';
export {
  DONATIONS_TABLE,
  OPTIMIZED_TABLE,
  MESSAGES_TABLE,
  DONATION_COLUMN_NAMES,
  naiveTableDdl,
  layoutDdl,
  layout,
  TABLE_LAYOUTS,
  type LayoutKey,
  type TableLayout,
  optimizedTableDdl,
  donationTableDdl,
  messagesTableDdl,
  suggestedIndexes,
  type DdlStatement,
  type SchemaKind,
  type SuggestedIndex,
} from './schema.js';
