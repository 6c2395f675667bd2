/** SingleStore's own pipelines: every step is the SQL of statements.ts, run on the target. */
import type { Database } from '../database/database.js';
import { operationSignal } from '../interrupt.js';
import { topicOffsets } from '../kafka/admin.js';
import type { KafkaClient } from '../kafka/client.js';
import {
  checkedSpec,
  waitForCursors,
  type BatchSummary,
  type Pipeline,
  type PipelineCursor,
  type PipelineErrorRecord,
  type PipelineHandles,
  type PipelineSpec,
  type PipelineStatus,
  type TestRow,
  type WaitOptions,
} from './pipeline.js';
import { SASL_PASSWORD_PLACEHOLDER, singleStoreStatements, type PipelineStatements } from './statements.js';

export class SingleStorePipeline implements Pipeline {
  readonly target = 'singlestore' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  private readonly db: Database;
  private readonly kafka: KafkaClient;

  constructor(handles: PipelineHandles, spec: PipelineSpec) {
    this.spec = checkedSpec(spec);
    this.db = handles.db;
    this.kafka = handles.kafka;
    this.statements = singleStoreStatements(this.spec, handles.kafka.settings);
  }

  async create(options: { replace?: boolean } = {}): Promise<void> {
    let sql = this.statements.create(options.replace ?? true);
    const password = this.kafka.settings.sasl?.password;
    if (password) sql = sql.replace(`"${SASL_PASSWORD_PLACEHOLDER}"`, JSON.stringify(password).replace(/'/g, "\\'"));
    await this.db.execute(sql);
  }

  async test(limit: number): Promise<TestRow[]> {
    const rows = await this.db.query(this.statements.test(limit));
    return rows.map((row) => ({ partition: -1, offset: '', row }));
  }

  async runForeground(batches: number): Promise<BatchSummary[]> {
    await this.db.execute(this.statements.runForeground(batches));
    return this.batches(batches);
  }

  async start(): Promise<void> {
    await this.db.execute(this.statements.start());
  }

  async stop(): Promise<void> {
    await this.db.execute(this.statements.stop());
  }

  async drop(): Promise<void> {
    await this.db.execute(this.statements.drop());
  }

  async status(): Promise<PipelineStatus | undefined> {
    const [row] = await this.db.query(this.statements.status);
    return row ? { name: String(row.PIPELINE_NAME), state: String(row.STATE), topic: this.spec.topic, table: this.spec.table } : undefined;
  }

  async batches(limit = 20): Promise<BatchSummary[]> {
    const rows = await this.db.query(this.statements.batches, [limit]);
    return rows.map((row) => ({
      batchId: Number(row.BATCH_ID),
      state: String(row.BATCH_STATE),
      partition: null,
      rows: Number(row.ROWS_STREAMED ?? 0),
      skippedDuplicates: null,
      rejected: null,
      batchTimeMs: Math.round(Number(row.BATCH_TIME ?? 0) * 1000),
      rowsPerSecond: Number(row.ROWS_PER_SEC ?? 0),
      startedAt: null,
    }));
  }

  async errors(limit = 50): Promise<PipelineErrorRecord[]> {
    const rows = await this.db.query(this.statements.errors, [limit]);
    return rows.map((row) => ({
      batchId: row.BATCH_ID == null ? null : Number(row.BATCH_ID),
      partition: row.BATCH_SOURCE_PARTITION_ID == null ? null : Number(row.BATCH_SOURCE_PARTITION_ID),
      offset: row.BATCH_EARLIEST_OFFSET == null ? null : String(row.BATCH_EARLIEST_OFFSET),
      kind: String(row.ERROR_KIND ?? ''),
      reason: String(row.ERROR_MESSAGE ?? ''),
      at: row.ERROR_UNIX_TIMESTAMP == null ? null : new Date(Number(row.ERROR_UNIX_TIMESTAMP) * 1000),
    }));
  }

  async errorCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(this.statements.errorCount);
    return Number(row?.n ?? 0);
  }

  async cursors(): Promise<PipelineCursor[]> {
    const rows = await this.db.query(this.statements.cursors);
    return rows.map((row) => ({ partition: Number(row.SOURCE_PARTITION_ID), loadedOffset: String(row.CURSOR_OFFSET), latestOffset: String(row.LATEST_OFFSET) }));
  }

  async waitUntilCaughtUp(options: WaitOptions = {}): Promise<void> {
    const stop = operationSignal(`waiting for pipeline ${this.spec.name}`, options.signal);
    try {
      const ends = new Map((await topicOffsets(this.kafka, this.spec.topic)).map((range) => [range.partition, range.high]));
      await waitForCursors(() => this.cursors(), ends, { ...options, signal: stop.signal });
    } finally {
      stop.done();
    }
  }

  async close(): Promise<void> {
    // The pipeline lives in the database; the handle's pool belongs to its owner.
  }
}
