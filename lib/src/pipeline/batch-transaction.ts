/**
 * One batch, one transaction: its rows, its rejected messages, its batch record and the
 * partition's new cursor commit together. Messages below the stored cursor (a re-delivered
 * batch) are skipped inside the transaction, so a batch cannot load twice; a row whose key
 * exists is skipped and counted (SKIP DUPLICATE KEY ERRORS).
 */
import type { Database, DatabaseConnection } from '../database/database.js';
import type { ConsumedBatch } from '../kafka/consumer.js';
import type { BatchRowsHook, BeforeCommit } from './batch-hooks.js';
import { rowsPerSecond, type BatchSummary, type PipelineSpec } from './pipeline.js';
import type { PipelineStore, Rejection } from './store.js';
import { writeDonationTsv } from './donation-tsv.js';
import { rowToTsv, transformMessage, type PipelineFormat, type Row } from './transform.js';
import { TsvChunker, WRITERS, loadTsv, type WriterName } from './writer.js';

export interface BatchTransactionOptions {
  writer: WriterName;
  beforeCommit?: BeforeCommit;
  rowsHook?: BatchRowsHook;
}

export class BatchTransaction {
  constructor(
    private readonly db: Database,
    private readonly store: PipelineStore,
    private readonly spec: Required<PipelineSpec>,
    private readonly options: BatchTransactionOptions,
  ) {}

  async load(batch: ConsumedBatch): Promise<BatchSummary> {
    const startedAt = new Date();
    const started = performance.now();
    const connection = await this.db.connect();
    try {
      await connection.execute('START TRANSACTION');
      const from = await this.store.lockCursor(connection, batch.partition);
      // Offsets rise within a batch: compare as BigInt only until the first fresh one.
      let firstFresh = 0;
      while (firstFresh < batch.messages.length && BigInt(batch.messages[firstFresh]!.offset) < from) firstFresh++;
      const fresh = firstFresh === 0 ? batch.messages : batch.messages.slice(firstFresh);
      if (fresh.length === 0) {
        await connection.execute('ROLLBACK');
        connection.release();
        return { batchId: 0, state: 'Skipped', partition: batch.partition, rows: 0, rowsCounted: 'loaded', skippedDuplicates: 0, rejected: 0, batchTimeMs: 0, rowsPerSecond: 0, startedAt: null };
      }
      const tally: Tally = { bytes: 0, rows: 0, rejections: [] };
      const inserted = await this.write(connection, fresh, tally);
      await this.options.beforeCommit?.(inserted, connection);
      const earliest = fresh[0]!.offset;
      const latest = fresh[fresh.length - 1]!.offset;
      const batchTimeMs = Math.round(performance.now() - started);
      const record = {
        partition: batch.partition,
        earliestOffset: earliest,
        latestOffset: latest,
        messages: fresh.length,
        inserted,
        skippedDuplicates: tally.rows - inserted,
        rejected: tally.rejections.length,
        bytes: tally.bytes,
        startedAt,
        batchTimeMs,
      };
      const batchId = await this.store.recordBatch(connection, record, tally.rejections);
      await this.store.advanceCursor(connection, batch.partition, BigInt(latest) + 1n, batch.highWatermark);
      await connection.execute('COMMIT');
      connection.release();
      return {
        batchId,
        state: 'Succeeded',
        partition: batch.partition,
        rows: inserted,
        rowsCounted: 'loaded',
        skippedDuplicates: record.skippedDuplicates,
        rejected: tally.rejections.length,
        batchTimeMs,
        rowsPerSecond: rowsPerSecond(inserted, batchTimeMs),
        startedAt,
      };
    } catch (error) {
      await rollback(connection);
      throw error;
    }
  }

  /** The batch's messages into the table; rejected messages are set aside in the tally on the way. */
  private write(connection: DatabaseConnection, messages: readonly Message[], tally: Tally): Promise<number> {
    const { table, format } = this.spec;
    if (!this.options.rowsHook && this.options.writer === 'load-data' && format === 'donations-json') {
      // From each message's bytes straight to its line, without a row in between: parsing
      // to objects and building lines as strings were half of the pipeline's time (npm run bench).
      return loadTsv(connection, table, format, donationChunks(messages, tally));
    }
    return this.writeRows(connection, rowsOf(messages, format, tally));
  }

  /** The rows through the rows hook (held as an array), the insert writer (an array), or streamed to LOAD DATA. */
  private async writeRows(connection: DatabaseConnection, rows: Iterable<Row>): Promise<number> {
    const { table, format } = this.spec;
    const writer = WRITERS[this.options.writer];
    const write = (batch: Iterable<Row>) => writer(connection, table, format, batch);
    const hook = this.options.rowsHook;
    if (hook) {
      const held = [...rows];
      return held.length ? hook.writeRows({ connection, table, rows: held, write }) : 0;
    }
    if (this.options.writer !== 'load-data') {
      const held = [...rows];
      return held.length ? write(held) : 0;
    }
    // Rows stream from the messages to LOAD DATA without being held as a batch: the
    // profile showed garbage collection at 17-19% of the pipeline's time, most of it
    // copying a whole batch of rows that outlived each young-generation collection.
    return write(rows);
  }
}

type Message = ConsumedBatch['messages'][number];

/** What a batch's messages gave, counted as the writer reads them. */
interface Tally {
  bytes: number;
  /** Rows handed to the writer (inserted, or skipped as duplicates). */
  rows: number;
  rejections: Rejection[];
}

/** The message's row, counted; or undefined, its rejection recorded. */
function rowOf(message: Message, format: PipelineFormat, tally: Tally): Row | undefined {
  const result = transformMessage(message.value, format);
  if (!result.ok) {
    tally.rejections.push({ offset: message.offset, kind: result.kind, reason: result.reason, value: message.value });
    return undefined;
  }
  tally.rows += 1;
  return result.row;
}

function* rowsOf(messages: readonly Message[], format: PipelineFormat, tally: Tally): Generator<Row> {
  for (const message of messages) {
    tally.bytes += message.value?.length ?? 0;
    const row = rowOf(message, format, tally);
    if (row) yield row;
  }
}

/**
 * The donations' TSV lines in chunks: the producer's plain shape through writeDonationTsv,
 * anything else (or anything it declines) through transformMessage, which names a refusal.
 */
function* donationChunks(messages: readonly Message[], tally: Tally): Generator<Buffer> {
  const chunker = new TsvChunker();
  for (const message of messages) {
    const value = message.value;
    if (value !== null && value.length > 0) {
      tally.bytes += value.length;
      const full = chunker.reserve(value.length + 1);
      if (full) yield full;
      const end = writeDonationTsv(value, chunker.buffer, chunker.used);
      if (end >= 0) {
        chunker.used = end;
        tally.rows += 1;
        continue;
      }
    }
    const row = rowOf(message, 'donations-json', tally);
    if (!row) continue;
    const full = chunker.writeLine(rowToTsv(row));
    if (full) yield full;
  }
  const rest = chunker.rest();
  if (rest) yield rest;
}

async function rollback(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.execute('ROLLBACK');
    connection.release();
  } catch {
    connection.destroy();
  }
}
