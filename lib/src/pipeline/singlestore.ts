/** SingleStore's own pipelines: every step is the SQL of statements.ts, run on the target. */
import { pipelineBrokersProblem } from '../config.js';
import type { Database } from '../database/database.js';
import { singleStoreVersion } from '../targets/singlestore-server.js';
import { PipelineError } from '../errors.js';
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
import { SASL_PASSWORD_PLACEHOLDER, singleStoreStatements, type PipelineStatements } from '../targets/singlestore-statements.js';
import type { ProcedureRejects } from '../targets/target.js';

export class SingleStorePipeline implements Pipeline {
  readonly target = 'singlestore' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  private readonly db: Database;
  private readonly kafka: KafkaClient;
  private readonly procedureSql: string | undefined;
  private readonly procedureTablesSql: readonly string[];
  private readonly rejects: ProcedureRejects | undefined;

  /**
   * `procedureSql`: the CREATE OR REPLACE PROCEDURE of spec.procedure, run before the
   * pipeline's CREATE, after `procedureTablesSql` (the tables it writes). `rejects`: where it
   * records the rows it skips, counted with PIPELINES_ERRORS.
   */
  constructor(handles: PipelineHandles, spec: PipelineSpec, options: { procedureSql?: string; procedureTablesSql?: readonly string[]; rejects?: ProcedureRejects } = {}) {
    this.spec = checkedSpec(spec);
    this.procedureSql = options.procedureSql;
    this.procedureTablesSql = options.procedureTablesSql ?? [];
    this.rejects = options.rejects;
    this.db = handles.db;
    this.kafka = handles.kafka;
    this.statements = singleStoreStatements(this.spec, handles.kafka.settings);
  }

  /**
   * CREATE [OR REPLACE] PIPELINE with the SKIP clause for this server's version
   * (singlestore-statements.ts, skipErrorsFor, says which and why). Refuses, in one line,
   * brokers the server cannot reach: a loopback address on a server that is not on this machine.
   */
  async create(options: { replace?: boolean } = {}): Promise<void> {
    const problem = pipelineBrokersProblem({ kafka: this.kafka.settings, database: this.db.settings });
    if (problem) throw problem;
    for (const ddl of this.procedureTablesSql) await this.db.execute(ddl);
    if (this.procedureSql) await this.db.execute(this.procedureSql);
    let sql = this.statements.create(options.replace ?? true, { version: await singleStoreVersion(this.db) });
    const password = this.kafka.settings.sasl?.password;
    if (password) sql = sql.replace(`"${SASL_PASSWORD_PLACEHOLDER}"`, JSON.stringify(password).replace(/'/g, "\\'"));
    await this.db.execute(sql);
  }

  /** TEST PIPELINE: "When testing a pipeline, it must first be stopped." Refuses a running one. */
  async test(limit: number): Promise<TestRow[]> {
    await this.requireStopped('TEST PIPELINE');
    const rows = await this.db.query(this.statements.test(limit));
    return rows.map((row) => ({ partition: -1, offset: '', row }));
  }

  /** ALTER PIPELINE ... SET OFFSETS EARLIEST, on a stopped pipeline. */
  async replayFromEarliest(): Promise<void> {
    await this.requireStopped('a replay from the earliest offsets');
    await this.db.execute(this.statements.replayFromEarliest());
  }

  private async requireStopped(what: string): Promise<void> {
    const status = await this.status();
    if (!status) throw new PipelineError(`pipeline ${this.spec.name} does not exist: create it first`);
    if (status.state === 'Running') throw new PipelineError(`pipeline ${this.spec.name} is running: ${what} needs it stopped (await pipeline.stop(), or STOP PIPELINE ${this.spec.name})`);
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
      // ROWS_STREAMED counts rows extracted, bad and duplicate ones included: not rows loaded.
      rows: Number(row.ROWS_STREAMED ?? 0),
      rowsCounted: 'extracted',
      skippedDuplicates: null,
      rejected: null,
      batchTimeMs: Math.round(Number(row.BATCH_TIME ?? 0) * 1000),
      rowsPerSecond: Number(row.ROWS_PER_SEC ?? 0),
      startedAt: null,
    }));
  }

  /**
   * The latest rejected messages, each once: PIPELINES_ERRORS repeats an error for each node
   * that saw it ("LEAF ERROR (<host>:<port>)"), so copies of one (batch, partition, line,
   * code) collapse into the aggregator's row. `offset` is the batch's first offset.
   */
  async errors(limit = 50): Promise<PipelineErrorRecord[]> {
    const rows = await this.db.query(this.statements.errors, [limit * 4]);
    const unique = new Map<string, PipelineErrorRecord & { fromLeaf: boolean }>();
    for (const row of rows) {
      const message = String(row.ERROR_MESSAGE ?? '');
      const fromLeaf = /^LEAF ERROR\b/i.test(message);
      const key = [row.BATCH_ID, row.BATCH_SOURCE_PARTITION_ID, row.LOAD_DATA_LINE_NUMBER, row.ERROR_CODE].join('/');
      const known = unique.get(key);
      if (known && !(known.fromLeaf && !fromLeaf)) continue;
      unique.set(key, {
        fromLeaf,
        batchId: row.BATCH_ID == null ? null : Number(row.BATCH_ID),
        partition: row.BATCH_SOURCE_PARTITION_ID == null ? null : Number(row.BATCH_SOURCE_PARTITION_ID),
        offset: row.BATCH_EARLIEST_OFFSET == null ? null : String(row.BATCH_EARLIEST_OFFSET),
        kind: [row.ERROR_TYPE, row.ERROR_CODE].filter((part) => part != null && part !== '').join(' ') || String(row.ERROR_KIND ?? ''),
        reason: message.replace(/^LEAF ERROR \([^)]*\):\s*/i, ''),
        at: row.ERROR_UNIX_TIMESTAMP == null ? null : new Date(Number(row.ERROR_UNIX_TIMESTAMP) * 1000),
        input: row.LOAD_DATA_LINE == null ? null : String(row.LOAD_DATA_LINE),
      });
    }
    const skipped = await this.procedureRejects(limit);
    return [...skipped, ...[...unique.values()].map(({ fromLeaf: _, ...record }) => record)].slice(0, limit);
  }

  /** The rows the procedure skipped, as error records (kind `procedure <reason>`). */
  private async procedureRejects(limit: number): Promise<PipelineErrorRecord[]> {
    if (!this.rejects) return [];
    const rows = await this.db.query(this.rejects.latestSql, [limit]);
    return rows.map((row) => ({
      batchId: null,
      partition: null,
      offset: null,
      kind: `procedure ${String(row.reason)}`,
      reason: row.reason === 'duplicate' ? `transaction_id ${String(row.transaction_id)}: ${String(row.copies)} copies skipped` : `skipped by ${this.spec.procedure}: ${String(row.reason)}`,
      at: row.rejected_at instanceof Date ? row.rejected_at : row.rejected_at == null ? null : new Date(`${String(row.rejected_at).replace(' ', 'T')}Z`),
      input: row.raw == null ? null : String(row.raw),
    }));
  }

  /** Skipped messages in PIPELINES_ERRORS, plus the rows a procedure recorded as rejected. */
  async errorCount(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(this.statements.errorCount);
    const [recorded] = this.rejects ? await this.db.query<{ n: number }>(this.rejects.countSql) : [];
    return Number(row?.n ?? 0) + Number(recorded?.n ?? 0);
  }

  /** Failed batch attempts (PIPELINES_ERRORS rows of type Error): not rejected messages. */
  async batchFailures(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(this.statements.batchFailures);
    return Number(row?.n ?? 0);
  }

  /**
   * How long PIPELINES_ERRORS keeps an error (`pipelines_errors_retention_minutes`), null when
   * the server does not say: older rejections are no longer counted.
   */
  async errorRetentionMinutes(): Promise<number | null> {
    try {
      const [row] = await this.db.query<{ minutes: unknown }>(this.statements.errorRetention);
      const minutes = Number(row?.minutes);
      return row?.minutes == null || !Number.isFinite(minutes) ? null : minutes;
    } catch {
      return null;
    }
  }

  /**
   * Loaded is SUCCESSFUL_CURSOR_OFFSET; CURSOR_OFFSET moves when a batch is extracted,
   * before it commits, so rows counted right after it could miss the last batch.
   */
  async cursors(): Promise<PipelineCursor[]> {
    const rows = await this.db.query(this.statements.cursors);
    const offset = (value: unknown) => (value == null ? '0' : String(value));
    return rows.map((row) => ({
      partition: Number(row.SOURCE_PARTITION_ID),
      loadedOffset: offset(row.SUCCESSFUL_CURSOR_OFFSET),
      latestOffset: offset(row.LATEST_OFFSET),
      extractedOffset: offset(row.CURSOR_OFFSET),
    }));
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
