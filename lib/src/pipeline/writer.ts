/**
 * How a batch's rows reach the table, inside the batch's transaction. Both skip rows whose
 * key exists (SKIP DUPLICATE KEY ERRORS) and return how many they inserted.
 */
import { Readable } from 'node:stream';
import type { DatabaseConnection } from '../database/database.js';
import { DONATION_COLUMN_NAMES } from '../database/schema.js';
import { quoteIdentifier } from '../names.js';
import { rowToTsv, type PipelineFormat, type Row } from './transform.js';

export type WriterName = 'load-data' | 'insert';

/** Writes rows; the load-data writer takes them as they come (an iterable), the insert writer as an array. */
export type BatchWriter = (connection: DatabaseConnection, table: string, format: PipelineFormat, rows: Iterable<Row>) => Promise<number>;

function columns(format: PipelineFormat): string {
  return format === 'donations-json' ? DONATION_COLUMN_NAMES.join(', ') : 'id';
}

/** LOAD DATA LOCAL INFILE from a stream of tab-separated lines: the fastest path MariaDB offers. */
export const loadDataWriter: BatchWriter = (connection, table, format, rows) => loadTsv(connection, table, format, tsvChunks(rows));

/** LOAD DATA of chunks of ready TSV lines; returns the rows inserted. */
export async function loadTsv(connection: DatabaseConnection, table: string, format: PipelineFormat, chunks: Iterable<Buffer>): Promise<number> {
  const result = await connection.loadData(
    `LOAD DATA LOCAL INFILE 'kit-batch' IGNORE INTO TABLE ${quoteIdentifier(table, 'table')} CHARACTER SET utf8mb4 (${columns(format)})`,
    () => Readable.from(chunks),
  );
  return result.affectedRows;
}

/** Multi-row INSERT IGNORE, 2,000 rows per statement. */
export const insertWriter: BatchWriter = async (connection, table, format, iterable) => {
  const rows = Array.isArray(iterable) ? (iterable as Row[]) : [...iterable];
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 2_000) {
    const result = await connection.execute(`INSERT IGNORE INTO ${quoteIdentifier(table, 'table')} (${columns(format)}) VALUES ?`, [rows.slice(i, i + 2_000)]);
    inserted += result.affectedRows;
  }
  return inserted;
};

export const WRITERS: Record<WriterName, BatchWriter> = { 'load-data': loadDataWriter, insert: insertWriter };

/** What a chunk holds before it is handed to LOAD DATA's stream. */
const TSV_CHUNK_BYTES = 1 << 20;

/**
 * Lines written straight into a buffer of about 1 MB, handed on when full (an array of
 * lines joined, then encoded, cost a third more of the transform and TSV's time, npm run bench).
 */
export class TsvChunker {
  buffer = Buffer.allocUnsafe(TSV_CHUNK_BYTES);
  used = 0;

  /** Makes `bytes` free at `used`; returns the chunk filled so far when a new one had to start. */
  reserve(bytes: number): Buffer | undefined {
    if (this.used + bytes <= this.buffer.length) return undefined;
    const full = this.used > 0 ? this.buffer.subarray(0, this.used) : undefined;
    this.buffer = Buffer.allocUnsafe(Math.max(TSV_CHUNK_BYTES, bytes));
    this.used = 0;
    return full;
  }

  /** Writes a line and its newline; returns the chunk filled before it, if any. */
  writeLine(line: string): Buffer | undefined {
    // A UTF-16 unit takes at most 3 bytes in UTF-8, and the newline 1.
    const full = this.reserve(line.length * 3 + 1);
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
    return full;
  }

  /** The last chunk, if it holds anything. */
  rest(): Buffer | undefined {
    return this.used > 0 ? this.buffer.subarray(0, this.used) : undefined;
  }
}

/** Rows as LOAD DATA's default text format, in chunks of about 1 MB. */
export function* tsvChunks(rows: Iterable<Row>): Generator<Buffer> {
  const chunker = new TsvChunker();
  for (const row of rows) {
    const full = chunker.writeLine(rowToTsv(row));
    if (full) yield full;
  }
  const rest = chunker.rest();
  if (rest) yield rest;
}
