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
export const loadDataWriter: BatchWriter = async (connection, table, format, rows) => {
  const result = await connection.loadData(
    `LOAD DATA LOCAL INFILE 'kit-batch' IGNORE INTO TABLE ${quoteIdentifier(table, 'table')} CHARACTER SET utf8mb4 (${columns(format)})`,
    () => Readable.from(tsvChunks(rows)),
  );
  return result.affectedRows;
};

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

/** What tsvChunks fills before handing a chunk to LOAD DATA's stream. */
const TSV_CHUNK_BYTES = 1 << 20;

/**
 * Rows as LOAD DATA's default text format, in chunks of about 1 MB, each line written
 * straight into the chunk's buffer (an array of lines joined, then encoded, cost a third
 * more of the transform and TSV's time, npm run bench).
 */
export function* tsvChunks(rows: Iterable<Row>): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(TSV_CHUNK_BYTES);
  let used = 0;
  for (const row of rows) {
    const line = rowToTsv(row);
    // A UTF-16 unit takes at most 3 bytes in UTF-8, and the newline 1.
    const room = line.length * 3 + 1;
    if (used + room > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(Math.max(TSV_CHUNK_BYTES, room));
      used = 0;
    }
    used += chunk.write(line, used, 'utf8');
    chunk[used++] = 0x0a;
  }
  if (used > 0) yield chunk.subarray(0, used);
}
