// The database side: the handle, the server's databases, the lessons' DDL.
export { Database, openDatabase, type DatabaseConnection, type DatabaseOptions, type ResultSetHeader } from './database.js';
export { checkDatabase, ensureDatabase, dropDatabase, listDatabases, type ServerFlavour } from './admin.js';
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
