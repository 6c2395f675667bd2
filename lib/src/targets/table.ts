/**
 * A kit table as data: its columns and keys, without the options a target adds. Each
 * target turns a description into its CREATE TABLE (target.tableDdl), so that the
 * columns are written once and the table options once per target.
 */
import { quoteIdentifier } from '../names.js';

export interface TableDescription {
  name: string;
  /** Column definitions, in order. */
  columns: readonly string[];
  /** PRIMARY KEY, KEY, SHARD KEY...: what follows the columns. */
  keys: readonly string[];
  /** The default charset of its text, where a target lets a table choose one. */
  charset?: 'utf8mb4';
  /** Partitioning after the table options, where the target has it (MariaDB's PARTITION BY). */
  partitioning?: string;
}

export interface DdlStatement {
  /** What the statement does, for a notebook's text. */
  purpose: string;
  sql: string;
  /** True when the statement is the kit's MariaDB analog of a SingleStore feature. */
  analog?: boolean;
}

/** CREATE TABLE IF NOT EXISTS, one column or key a line, then `options` (a target's). */
export function createTableSql(table: TableDescription, options: string): string {
  const lines = [...table.columns, ...table.keys].map((line) => `    ${line}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table.name, 'table')} (\n${lines.join(',\n')}\n)${options}`;
}
