/**
 * The local pipeline's bookkeeping, shaped like SingleStore's information_schema views:
 * kit_pipelines (PIPELINES), kit_pipelines_cursors (PIPELINES_CURSORS),
 * kit_pipelines_batches (PIPELINES_BATCHES_SUMMARY), kit_pipelines_errors
 * (PIPELINES_ERRORS). The writes a batch makes inside its transaction, and the read model
 * everything else asks, live here and nowhere else; their DDL is MariaDB's
 * (targets/mariadb-status-tables.ts).
 */
import type { Database, DatabaseConnection } from '../database/database.js';
import { KitError } from '../errors.js';
import { rowsPerSecond, type BatchSummary, type PipelineCursor, type PipelineErrorRecord, type PipelineSpec } from './pipeline.js';
import { pipelineStoreDdl, STORE_TABLES } from '../targets/mariadb-status-tables.js';
import type { RejectKind } from './transform.js';

export interface StoredPipeline {
  state: string;
  topic: string;
  table: string;
}

export interface Rejection {
  offset: string;
  kind: RejectKind;
  reason: string;
  value: Buffer | null;
}

export interface BatchRecord {
  partition: number;
  earliestOffset: string;
  latestOffset: string;
  messages: number;
  inserted: number;
  skippedDuplicates: number;
  rejected: number;
  bytes: number;
  startedAt: Date;
  batchTimeMs: number;
}

/** The store of one pipeline, on the database it loads. */
export class PipelineStore {
  constructor(
    private readonly db: Database,
    readonly name: string,
  ) {}

  async ensureTables(): Promise<void> {
    for (const ddl of pipelineStoreDdl()) await this.db.execute(ddl.sql);
  }

  /** The stored definition, or undefined when the pipeline (or the store) does not exist. */
  async get(lockName: string): Promise<(StoredPipeline & { lockFree: boolean }) | undefined> {
    const rows = await this.db
      .query<{ state: string; topic: string; table_name: string; lock_free: number }>(
        'SELECT state, topic, table_name, IS_USED_LOCK(?) IS NULL AS lock_free FROM kit_pipelines WHERE pipeline_name = ?',
        [lockName, this.name],
      )
      .catch((error: KitError) => {
        if (error.message.startsWith('ER_NO_SUCH_TABLE')) return [];
        throw error;
      });
    const row = rows[0];
    return row ? { state: row.state, topic: row.topic, table: row.table_name, lockFree: Number(row.lock_free) === 1 } : undefined;
  }

  async save(spec: Required<PipelineSpec>, brokers: readonly string[]): Promise<void> {
    await this.db.execute(
      `INSERT INTO kit_pipelines (pipeline_name, topic, table_name, format, state, batch_interval_ms, config_json, created_at)
       VALUES (?, ?, ?, ?, 'Stopped', ?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE topic = VALUES(topic), table_name = VALUES(table_name), format = VALUES(format),
         batch_interval_ms = VALUES(batch_interval_ms), config_json = VALUES(config_json)`,
      [this.name, spec.topic, spec.table, spec.format, spec.batchIntervalMs, JSON.stringify({ brokers, topic: spec.topic })],
    );
  }

  async setState(state: 'Running' | 'Stopped'): Promise<void> {
    await this.db.execute('UPDATE kit_pipelines SET state = ? WHERE pipeline_name = ?', [state, this.name]);
  }

  async resetCursors(): Promise<void> {
    await this.db.execute('DELETE FROM kit_pipelines_cursors WHERE pipeline_name = ?', [this.name]);
  }

  /** Forgets the pipeline: its definition, cursors, batches and errors. */
  async delete(): Promise<void> {
    const exists = await this.db.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kit_pipelines'");
    if (!exists.length) return;
    for (const table of STORE_TABLES) await this.db.execute(`DELETE FROM ${table} WHERE pipeline_name = ?`, [this.name]);
  }

  async cursors(): Promise<PipelineCursor[]> {
    const rows = await this.db.query(
      'SELECT source_partition_id, cursor_offset, latest_offset FROM kit_pipelines_cursors WHERE pipeline_name = ? ORDER BY source_partition_id',
      [this.name],
    );
    return rows.map((row) => ({ partition: Number(row.source_partition_id), loadedOffset: String(row.cursor_offset), latestOffset: String(row.latest_offset) }));
  }

  async batches(limit: number): Promise<BatchSummary[]> {
    const rows = await this.db.query('SELECT * FROM kit_pipelines_batches WHERE pipeline_name = ? ORDER BY batch_id DESC LIMIT ?', [this.name, limit]);
    return rows.map((row) => ({
      batchId: Number(row.batch_id),
      state: String(row.batch_state),
      partition: Number(row.source_partition_id),
      rows: Number(row.rows_inserted),
      rowsCounted: 'loaded',
      skippedDuplicates: Number(row.rows_skipped_duplicates),
      rejected: Number(row.rows_rejected),
      batchTimeMs: Number(row.batch_time_ms),
      rowsPerSecond: rowsPerSecond(Number(row.rows_inserted), Number(row.batch_time_ms)),
      startedAt: row.started_at as Date,
    }));
  }

  async errors(limit: number): Promise<PipelineErrorRecord[]> {
    const rows = await this.db.query('SELECT * FROM kit_pipelines_errors WHERE pipeline_name = ? ORDER BY error_id DESC LIMIT ?', [this.name, limit]);
    return rows.map((row) => ({
      batchId: Number(row.batch_id),
      partition: Number(row.source_partition_id),
      offset: String(row.message_offset),
      kind: String(row.error_kind),
      reason: String(row.error_message),
      at: row.created_at as Date,
      input: row.message_head == null ? null : Buffer.from(row.message_head as Buffer).toString('utf8'),
    }));
  }

  async errorCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM kit_pipelines_errors WHERE pipeline_name = ?', [this.name]);
    return Number(row?.n ?? 0);
  }

  // ---- inside a batch's transaction

  /** The partition's cursor, locked until the transaction ends: -1 when none is stored. */
  async lockCursor(connection: DatabaseConnection, partition: number): Promise<bigint> {
    const [row] = await connection.query<{ cursor_offset: string | number }>(
      'SELECT cursor_offset FROM kit_pipelines_cursors WHERE pipeline_name = ? AND source_partition_id = ? FOR UPDATE',
      [this.name, partition],
    );
    return row ? BigInt(row.cursor_offset) : -1n;
  }

  /** Records the batch and its rejected messages; returns the batch id. */
  async recordBatch(connection: DatabaseConnection, batch: BatchRecord, rejections: readonly Rejection[]): Promise<number> {
    const result = await connection.execute(
      `INSERT INTO kit_pipelines_batches (pipeline_name, batch_state, source_partition_id, earliest_offset, latest_offset, messages,
         rows_inserted, rows_skipped_duplicates, rows_rejected, bytes, started_at, batch_time_ms)
       VALUES (?, 'Succeeded', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [this.name, batch.partition, batch.earliestOffset, batch.latestOffset, batch.messages, batch.inserted, batch.skippedDuplicates, batch.rejected, batch.bytes, batch.startedAt, batch.batchTimeMs],
    );
    const batchId = result.insertId;
    if (rejections.length) {
      await connection.execute(
        'INSERT INTO kit_pipelines_errors (pipeline_name, batch_id, source_partition_id, message_offset, error_kind, error_message, message_bytes, message_head, created_at) VALUES ?',
        [rejections.map((r) => [this.name, batchId, batch.partition, r.offset, r.kind, r.reason.slice(0, 1024), r.value?.length ?? 0, r.value?.subarray(0, 1024) ?? null, batch.startedAt])],
      );
    }
    return batchId;
  }

  /** Moves the partition's cursor past the batch. */
  async advanceCursor(connection: DatabaseConnection, partition: number, next: bigint, latest: bigint): Promise<void> {
    await connection.execute(
      `INSERT INTO kit_pipelines_cursors (pipeline_name, source_partition_id, cursor_offset, latest_offset, updated_at)
       VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE cursor_offset = VALUES(cursor_offset), latest_offset = VALUES(latest_offset), updated_at = VALUES(updated_at)`,
      [this.name, partition, next.toString(), (latest > next ? latest : next).toString()],
    );
  }
}
