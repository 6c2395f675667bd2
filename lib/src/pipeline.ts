/**
 * One pipeline interface, two implementations:
 * - SingleStorePipeline issues CREATE PIPELINE ... LOAD DATA KAFKA and reads information_schema.
 * - LocalPipeline is the kit's own for MariaDB: a kafkajs consumer with the same promises
 *   (batches, exactly once, duplicates skipped and counted, bad messages recorded).
 */
import { Readable } from 'node:stream';
import type { PoolConnection } from 'mysql2/promise';
import type { Consumer, Kafka } from 'kafkajs';
import type { DatabaseTarget, KafkaConfig, KitConfig } from './config.js';
import { asDatabaseError, createPool, execute, quoteIdentifier, queryRows, type Pool } from './db.js';
import { KitError, NotSupportedOnTargetError, PipelineError } from './errors.js';
import { assertTopicName, createKafka, withAdmin } from './kafka.js';
import { DONATION_COLUMN_NAMES, localPipelineTablesDdl } from './schema.js';
import { rowToTsv, transformMessage, type PipelineFormat, type RejectKind, type Row } from './transform.js';

export interface PipelineSpec {
  name: string;
  topic: string;
  table: string;
  format: PipelineFormat;
  /** Time between two batches when the topic is idle (SingleStore's BATCH_INTERVAL). */
  batchIntervalMs?: number;
}

export interface PipelineStatus {
  name: string;
  state: string;
  topic: string;
  table: string;
}

export interface BatchSummary {
  batchId: number;
  state: string;
  partition: number | null;
  rows: number;
  skippedDuplicates: number | null;
  rejected: number | null;
  batchTimeMs: number;
  rowsPerSecond: number;
  startedAt: Date | null;
}

export interface PipelineErrorRecord {
  batchId: number | null;
  partition: number | null;
  offset: string | null;
  kind: string;
  reason: string;
  at: Date | null;
}

export interface PipelineCursor {
  partition: number;
  /** The next offset the pipeline will load. */
  cursorOffset: string;
  /** The topic's end as last seen: cursor == latest means caught up. */
  latestOffset: string;
}

export interface TestRow {
  partition: number;
  offset: string;
  row?: Record<string, unknown>;
  error?: string;
}

export interface Pipeline {
  readonly target: DatabaseTarget;
  readonly spec: Required<PipelineSpec>;
  /** The SingleStore statement each step stands for (shown in notebooks on both targets). */
  readonly statements: PipelineStatements;
  create(options?: { replace?: boolean }): Promise<void>;
  /** TEST PIPELINE ... LIMIT n: what n messages would become; inserts nothing. */
  test(limit: number): Promise<TestRow[]>;
  /** START PIPELINE ... FOREGROUND LIMIT n BATCHES. */
  runForeground(batches: number, options?: { timeoutMs?: number }): Promise<BatchSummary[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
  drop(): Promise<void>;
  status(): Promise<PipelineStatus | undefined>;
  batches(limit?: number): Promise<BatchSummary[]>;
  errors(limit?: number): Promise<PipelineErrorRecord[]>;
  cursors(): Promise<PipelineCursor[]>;
  /** Resolves once every partition's cursor has reached the topic's end as it is now. */
  waitUntilCaughtUp(options?: { timeoutMs?: number; onProgress?: (loaded: bigint, end: bigint) => void }): Promise<void>;
  close(): Promise<void>;
}

function withDefaults(spec: PipelineSpec): Required<PipelineSpec> {
  quoteIdentifier(spec.name, 'pipeline');
  quoteIdentifier(spec.table, 'table');
  assertTopicName(spec.topic);
  return { ...spec, batchIntervalMs: spec.batchIntervalMs ?? 100 };
}

// ------------------------------------------------------------------ SingleStore SQL text

export interface PipelineStatements {
  create(replace?: boolean): string;
  test(limit: number): string;
  runForeground(batches: number): string;
  start(): string;
  stop(): string;
  drop(): string;
  status: string;
  batches: string;
  errors: string;
  cursors: string;
}

export function singleStoreStatements(spec: Required<PipelineSpec>, kafka: KafkaConfig): PipelineStatements {
  const name = quoteIdentifier(spec.name, 'pipeline');
  const table = quoteIdentifier(spec.table, 'table');
  const source = `${kafka.pipelineBrokers.join(',')}/${spec.topic}`;
  const security: string[] = [];
  if (kafka.sasl || kafka.ssl) {
    const protocol = kafka.sasl ? (kafka.ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT') : 'SSL';
    const configJson: Record<string, string> = { 'security.protocol': protocol };
    if (kafka.sasl) {
      configJson['sasl.mechanism'] = kafka.sasl.mechanism.toUpperCase();
      configJson['sasl.username'] = kafka.sasl.username;
    }
    security.push(`CONFIG '${JSON.stringify(configJson)}'`);
    // The password is shown as a placeholder: notebooks print these statements.
    if (kafka.sasl) security.push(`CREDENTIALS '{"sasl.password": "<KAFKA_SASL_PASSWORD>"}'`);
  }
  const format =
    spec.format === 'donations-json'
      ? `FORMAT JSON (\n    ${DONATION_COLUMN_NAMES.map((c) => `${c} <- ${c}`).join(',\n    ')}\n)`
      : '';
  const create = (replace = true) =>
    [
      `CREATE ${replace ? 'OR REPLACE ' : ''}PIPELINE ${name} AS`,
      `LOAD DATA KAFKA '${source}'`,
      ...security,
      `BATCH_INTERVAL ${spec.batchIntervalMs}`,
      'SKIP DUPLICATE KEY ERRORS',
      `INTO TABLE ${table}`,
      format,
    ]
      .filter(Boolean)
      .join('\n');
  const infoWhere = `WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = '${spec.name}'`;
  return {
    create,
    test: (limit) => `TEST PIPELINE ${name} LIMIT ${limit}`,
    runForeground: (batches) => `START PIPELINE ${name} FOREGROUND LIMIT ${batches} BATCHES`,
    start: () => `START PIPELINE IF NOT RUNNING ${name}`,
    stop: () => `STOP PIPELINE IF RUNNING ${name}`,
    drop: () => `DROP PIPELINE IF EXISTS ${name}`,
    status: `SELECT PIPELINE_NAME, STATE FROM information_schema.PIPELINES ${infoWhere}`,
    batches: `SELECT BATCH_ID, BATCH_STATE, BATCH_TIME, ROWS_STREAMED, ROWS_PER_SEC FROM information_schema.PIPELINES_BATCHES_SUMMARY ${infoWhere} ORDER BY BATCH_ID DESC LIMIT ?`,
    errors: `SELECT BATCH_ID, BATCH_SOURCE_PARTITION_ID, BATCH_EARLIEST_OFFSET, ERROR_KIND, ERROR_MESSAGE, ERROR_UNIX_TIMESTAMP FROM information_schema.PIPELINES_ERRORS ${infoWhere} ORDER BY ERROR_ID DESC LIMIT ?`,
    cursors: `SELECT SOURCE_PARTITION_ID, CURSOR_OFFSET, LATEST_OFFSET FROM information_schema.PIPELINES_CURSORS ${infoWhere} ORDER BY SOURCE_PARTITION_ID`,
  };
}

/** Builds the pipeline for the configured target. */
export function createPipeline(config: KitConfig, spec: PipelineSpec, options: { pool?: Pool; kafka?: Kafka } = {}): Pipeline {
  return config.database.target === 'singlestore' ? new SingleStorePipeline(config, spec, options.pool) : new LocalPipeline(config, spec, options);
}

// ------------------------------------------------------------------ SingleStore

export class SingleStorePipeline implements Pipeline {
  readonly target = 'singlestore' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;

  constructor(
    private readonly config: KitConfig,
    spec: PipelineSpec,
    pool?: Pool,
  ) {
    this.spec = withDefaults(spec);
    this.statements = singleStoreStatements(this.spec, config.kafka);
    this.pool = pool ?? createPool(config.database);
    this.ownsPool = !pool;
  }

  private run(sql: string, params: unknown[] = []) {
    return queryRows<Record<string, unknown>>(this.pool, this.config.database, sql, params);
  }

  async create(options: { replace?: boolean } = {}): Promise<void> {
    let sql = this.statements.create(options.replace ?? true);
    const password = this.config.kafka.sasl?.password;
    if (password) sql = sql.replace('"<KAFKA_SASL_PASSWORD>"', JSON.stringify(password).replace(/'/g, "\\'"));
    await this.run(sql);
  }

  async test(limit: number): Promise<TestRow[]> {
    const rows = await this.run(this.statements.test(limit));
    return rows.map((row) => ({ partition: -1, offset: '', row }));
  }

  async runForeground(batches: number): Promise<BatchSummary[]> {
    await this.run(this.statements.runForeground(batches));
    return this.batches(batches);
  }

  async start(): Promise<void> {
    await this.run(this.statements.start());
  }

  async stop(): Promise<void> {
    await this.run(this.statements.stop());
  }

  async drop(): Promise<void> {
    await this.run(this.statements.drop());
  }

  async status(): Promise<PipelineStatus | undefined> {
    const [row] = await this.run(this.statements.status);
    return row ? { name: String(row.PIPELINE_NAME), state: String(row.STATE), topic: this.spec.topic, table: this.spec.table } : undefined;
  }

  async batches(limit = 20): Promise<BatchSummary[]> {
    const rows = await this.run(this.statements.batches, [limit]);
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
    const rows = await this.run(this.statements.errors, [limit]);
    return rows.map((row) => ({
      batchId: row.BATCH_ID == null ? null : Number(row.BATCH_ID),
      partition: row.BATCH_SOURCE_PARTITION_ID == null ? null : Number(row.BATCH_SOURCE_PARTITION_ID),
      offset: row.BATCH_EARLIEST_OFFSET == null ? null : String(row.BATCH_EARLIEST_OFFSET),
      kind: String(row.ERROR_KIND ?? ''),
      reason: String(row.ERROR_MESSAGE ?? ''),
      at: row.ERROR_UNIX_TIMESTAMP == null ? null : new Date(Number(row.ERROR_UNIX_TIMESTAMP) * 1000),
    }));
  }

  async cursors(): Promise<PipelineCursor[]> {
    const rows = await this.run(this.statements.cursors);
    return rows.map((row) => ({ partition: Number(row.SOURCE_PARTITION_ID), cursorOffset: String(row.CURSOR_OFFSET), latestOffset: String(row.LATEST_OFFSET) }));
  }

  async waitUntilCaughtUp(options: { timeoutMs?: number; onProgress?: (loaded: bigint, end: bigint) => void } = {}): Promise<void> {
    const kafka = createKafka(this.config.kafka);
    const ends = await topicEnds(kafka, this.config.kafka, this.spec.topic);
    await pollCursors(() => this.cursors(), ends, options);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }
}

// ------------------------------------------------------------------ helpers shared by both

async function topicEnds(kafka: Kafka, config: KafkaConfig, topic: string): Promise<Map<number, bigint>> {
  const offsets = await withAdmin(kafka, config.brokers, (admin) => admin.fetchTopicOffsets(topic));
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}

async function pollCursors(
  read: () => Promise<PipelineCursor[]>,
  ends: Map<number, bigint>,
  options: { timeoutMs?: number; onProgress?: (loaded: bigint, end: bigint) => void },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const total = [...ends.values()].reduce((a, b) => a + b, 0n);
  for (;;) {
    const cursors = new Map((await read()).map((c) => [c.partition, BigInt(c.cursorOffset)]));
    let loaded = 0n;
    let caughtUp = true;
    for (const [partition, end] of ends) {
      const at = cursors.get(partition) ?? 0n;
      loaded += at < end ? at : end;
      if (at < end) caughtUp = false;
    }
    options.onProgress?.(loaded, total);
    if (caughtUp) return;
    if (Date.now() > deadline) throw new PipelineError(`the pipeline loaded ${loaded} of ${total} messages before the timeout: is it running? (see its errors and batches)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ------------------------------------------------------------------ the kit's local pipeline

interface LoadedBatch {
  summary: BatchSummary;
}

/**
 * Exactly once: rows, the new cursor and the batch record commit in one transaction, and
 * the consumer starts from the cursors stored in the database, never from Kafka's
 * committed offsets. Messages below the stored cursor are skipped inside the transaction,
 * so a re-delivered batch cannot load twice.
 */
export class LocalPipeline implements Pipeline {
  readonly target = 'mariadb' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  /** How batches are written: LOAD DATA LOCAL INFILE from a stream, or multi-row INSERT. */
  loadMethod: 'load-data' | 'insert' = 'load-data';
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  /** Holds the pipeline's named lock: one process runs a pipeline; the lock dies with it. */
  private lockConnection: PoolConnection | undefined;
  /** Taking the lock again after a database restart, when under way. */
  private relocking: Promise<void> | undefined;
  /** Takes the lock again when its connection died (a database restart). */
  private lockWatch: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private listeners = new Set<(batch: BatchSummary) => void>();
  /** The last failure of a running pipeline; it retries the batch after it. */
  lastError: KitError | undefined;

  constructor(
    private readonly config: KitConfig,
    spec: PipelineSpec,
    options: { pool?: Pool; kafka?: Kafka } = {},
  ) {
    this.spec = withDefaults(spec);
    this.statements = singleStoreStatements(this.spec, config.kafka);
    this.pool = options.pool ?? createPool(config.database, { connectionLimit: 4 });
    this.ownsPool = !options.pool;
    this.kafka = options.kafka ?? createKafka(config.kafka, { clientId: `kit-pipeline-${spec.name}` });
  }

  private query<T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    return queryRows<T>(this.pool, this.config.database, sql, params);
  }

  async create(options: { replace?: boolean } = {}): Promise<void> {
    for (const ddl of localPipelineTablesDdl()) await execute(this.pool, this.config.database, ddl.sql);
    const existing = await this.status();
    if (existing && options.replace === false) throw new PipelineError(`pipeline ${this.spec.name} exists already: drop it, or create it with replace`);
    if (existing?.state === 'Running') throw new PipelineError(`pipeline ${this.spec.name} is running: stop it before replacing it`);
    // CREATE OR REPLACE keeps the cursors, as SingleStore keeps a replaced pipeline's offsets;
    // another topic's offsets mean nothing here, so a new topic starts from its beginning.
    if (existing && existing.topic !== this.spec.topic) {
      await execute(this.pool, this.config.database, 'DELETE FROM kit_pipelines_cursors WHERE pipeline_name = ?', [this.spec.name]);
    }
    await execute(
      this.pool,
      this.config.database,
      `INSERT INTO kit_pipelines (pipeline_name, topic, table_name, format, state, batch_interval_ms, config_json, created_at)
       VALUES (?, ?, ?, ?, 'Stopped', ?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE topic = VALUES(topic), table_name = VALUES(table_name), format = VALUES(format),
         batch_interval_ms = VALUES(batch_interval_ms), config_json = VALUES(config_json)`,
      [this.spec.name, this.spec.topic, this.spec.table, this.spec.format, this.spec.batchIntervalMs, JSON.stringify({ brokers: this.config.kafka.brokers, topic: this.spec.topic })],
    );
  }

  async drop(): Promise<void> {
    await this.stop();
    const tables = await this.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kit_pipelines'");
    if (!tables.length) return;
    for (const table of ['kit_pipelines', 'kit_pipelines_cursors', 'kit_pipelines_batches', 'kit_pipelines_errors']) {
      await execute(this.pool, this.config.database, `DELETE FROM ${table} WHERE pipeline_name = ?`, [this.spec.name]);
    }
  }

  async status(): Promise<PipelineStatus | undefined> {
    const rows = await this.query<{ state: string; topic: string; table_name: string; orphaned: number }>(
      `SELECT state, topic, table_name, IS_USED_LOCK(?) IS NULL AS orphaned FROM kit_pipelines WHERE pipeline_name = ?`,
      [this.lockName(), this.spec.name],
    ).catch((error: KitError) => {
      if (error.message.startsWith('ER_NO_SUCH_TABLE')) return [];
      throw error;
    });
    const row = rows[0];
    if (!row) return undefined;
    // A pipeline whose process died keeps 'Running' in the table; its lock died with it.
    const state = row.state === 'Running' && Number(row.orphaned) === 1 && !this.running ? 'Stopped (its process is gone)' : row.state;
    return { name: this.spec.name, state, topic: row.topic, table: row.table_name };
  }

  async batches(limit = 20): Promise<BatchSummary[]> {
    const rows = await this.query<Record<string, unknown>>(
      'SELECT * FROM kit_pipelines_batches WHERE pipeline_name = ? ORDER BY batch_id DESC LIMIT ?',
      [this.spec.name, limit],
    );
    return rows.map(toBatchSummary);
  }

  async errors(limit = 50): Promise<PipelineErrorRecord[]> {
    const rows = await this.query<Record<string, unknown>>(
      'SELECT * FROM kit_pipelines_errors WHERE pipeline_name = ? ORDER BY error_id DESC LIMIT ?',
      [this.spec.name, limit],
    );
    return rows.map((row) => ({
      batchId: Number(row.batch_id),
      partition: Number(row.source_partition_id),
      offset: String(row.message_offset),
      kind: String(row.error_kind),
      reason: String(row.error_message),
      at: row.created_at as Date,
    }));
  }

  async cursors(): Promise<PipelineCursor[]> {
    const rows = await this.query<Record<string, unknown>>(
      'SELECT source_partition_id, cursor_offset, latest_offset FROM kit_pipelines_cursors WHERE pipeline_name = ? ORDER BY source_partition_id',
      [this.spec.name],
    );
    return rows.map((row) => ({ partition: Number(row.source_partition_id), cursorOffset: String(row.cursor_offset), latestOffset: String(row.latest_offset) }));
  }

  async waitUntilCaughtUp(options: { timeoutMs?: number; onProgress?: (loaded: bigint, end: bigint) => void } = {}): Promise<void> {
    const ends = await topicEnds(this.kafka, this.config.kafka, this.spec.topic);
    await pollCursors(() => this.cursors(), ends, options);
  }

  /** Where each partition starts: the stored cursor, else the beginning (as SingleStore does). */
  private async startOffsets(): Promise<Map<number, string>> {
    const offsets = await withAdmin(this.kafka, this.config.kafka.brokers, (admin) => admin.fetchTopicOffsets(this.spec.topic));
    const stored = new Map((await this.cursors()).map((c) => [c.partition, c.cursorOffset]));
    return new Map(offsets.map((o) => [o.partition, stored.get(o.partition) ?? o.low]));
  }

  async test(limit: number): Promise<TestRow[]> {
    const starts = await this.startOffsets();
    const consumer = this.kafka.consumer({ groupId: `kit-test-pipeline-${this.spec.name}-${Date.now()}`, allowAutoTopicCreation: false });
    const results: TestRow[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.spec.topic, fromBeginning: true });
      const ends = await topicEnds(this.kafka, this.config.kafka, this.spec.topic);
      const pending = [...ends].filter(([p, end]) => BigInt(starts.get(p) ?? '0') < end);
      if (pending.length === 0) return [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 15_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              if (results.length >= limit) return;
              const transformed = transformMessage(message.value, this.spec.format);
              results.push(
                transformed.ok
                  ? { partition, offset: message.offset, row: rowObject(transformed.row, this.spec.format) }
                  : { partition, offset: message.offset, error: `${transformed.kind}: ${transformed.reason}` },
              );
              if (results.length >= limit || BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .then(() => {
            for (const [partition, offset] of starts) consumer.seek({ topic: this.spec.topic, partition, offset });
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return results.slice(0, limit);
  }

  onBatch(listener: (batch: BatchSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    const status = await this.status();
    if (!status) throw new PipelineError(`pipeline ${this.spec.name} does not exist: create it first`);
    await this.acquireLock();
    await this.setState('Running');
    this.running = this.consume();
    try {
      await this.running;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async runForeground(batches: number, options: { timeoutMs?: number } = {}): Promise<BatchSummary[]> {
    if (this.running) throw new PipelineError(`pipeline ${this.spec.name} is running: stop it before a foreground run`);
    const loaded: BatchSummary[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const unsubscribe = this.onBatch((batch) => {
      loaded.push(batch);
      if (loaded.length >= batches) finish();
    });
    const timer = setTimeout(finish, options.timeoutMs ?? 30_000);
    try {
      await this.start();
      await done;
    } finally {
      clearTimeout(timer);
      unsubscribe();
      await this.stop();
    }
    return loaded.slice(0, batches);
  }

  /**
   * GET_LOCK belongs to a connection: a process killed with -9 loses it at once, so a
   * restarted pipeline never waits for a crashed one.
   */
  private async acquireLock(): Promise<void> {
    const connection = await this.pool.getConnection().catch((error: unknown) => {
      throw asDatabaseError(error, this.config.database);
    });
    const [rows] = await connection.query<import('mysql2').RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS acquired', [this.lockName()]);
    if (Number(rows[0]?.acquired) !== 1) {
      connection.release();
      throw new PipelineError(`pipeline ${this.spec.name} is already running (another process, another notebook, or an earlier pipeline object in this one): stop that one first`);
    }
    // After a database restart the lock watch takes it again (see consume()).
    connection.on('error', () => {
      if (this.lockConnection === connection) this.lockConnection = undefined;
      connection.destroy();
    });
    this.lockConnection = connection;
  }

  private lockName(): string {
    return `kit_pipeline.${this.config.database.database}.${this.spec.name}`.slice(0, 64);
  }

  private async releaseLock(): Promise<void> {
    const connection = this.lockConnection;
    this.lockConnection = undefined;
    if (!connection) return;
    try {
      await connection.query('SELECT RELEASE_LOCK(?)', [this.lockName()]);
      connection.release();
    } catch {
      connection.destroy();
    }
  }

  private async consume(): Promise<void> {
    const consumer = this.kafka.consumer({
      // A group of its own per run: offsets live in the database, and a fresh group does not
      // wait out the session of a consumer whose process was killed.
      groupId: `kit-pipeline-${this.config.database.database}-${this.spec.name}-${process.pid}-${Date.now().toString(36)}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.spec.batchIntervalMs,
      minBytes: 1,
      maxBytes: 64 * 1024 * 1024,
      maxBytesPerPartition: 16 * 1024 * 1024,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
    this.consumer = consumer;
    const starts = await this.startOffsets();
    await consumer.connect();
    await consumer.subscribe({ topic: this.spec.topic, fromBeginning: true });
    consumer.on(consumer.events.CRASH, (event) => {
      this.lastError = new PipelineError(`the pipeline's Kafka consumer crashed: ${event.payload.error.message}`, { cause: event.payload.error });
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const result = await this.loadBatchWithRetry(batch.partition, batch.messages, BigInt(batch.highWatermark), isRunning);
        if (!result) return;
        resolveOffset(batch.lastOffset());
        await heartbeat();
        for (const listener of this.listeners) listener(result.summary);
      },
    });
    for (const [partition, offset] of starts) consumer.seek({ topic: this.spec.topic, partition, offset });
    this.lockWatch = setInterval(() => {
      if (!this.lockConnection && !this.relocking) {
        this.relocking = this.acquireLock()
          .catch((error: unknown) => void (this.lastError = error instanceof KitError ? error : asDatabaseError(error, this.config.database)))
          .finally(() => (this.relocking = undefined));
      }
    }, 2_000);
    this.lockWatch.unref();
  }

  /** A failed batch (database restarting, lost connection) is retried; nothing is skipped. */
  private async loadBatchWithRetry(
    partition: number,
    messages: { offset: string; value: Buffer | null }[],
    highWatermark: bigint,
    isRunning: () => boolean,
  ): Promise<LoadedBatch | undefined> {
    let delay = 200;
    for (;;) {
      try {
        const result = await this.loadBatch(partition, messages, highWatermark);
        this.lastError = undefined;
        return result;
      } catch (error) {
        this.lastError = error instanceof KitError ? error : asDatabaseError(error, this.config.database);
        if (!isRunning()) return undefined;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /** One batch, one transaction: rows, errors, the batch record and the new cursor. */
  async loadBatch(partition: number, messages: { offset: string; value: Buffer | null }[], highWatermark: bigint): Promise<LoadedBatch> {
    const startedAt = new Date();
    const started = performance.now();
    const connection = await this.pool.getConnection();
    try {
      await connection.query('START TRANSACTION');
      const [cursorRows] = await connection.query<import('mysql2').RowDataPacket[]>(
        'SELECT cursor_offset FROM kit_pipelines_cursors WHERE pipeline_name = ? AND source_partition_id = ? FOR UPDATE',
        [this.spec.name, partition],
      );
      const from = cursorRows[0] ? BigInt(cursorRows[0].cursor_offset) : -1n;
      const fresh = messages.filter((m) => BigInt(m.offset) >= from);
      if (fresh.length === 0) {
        await connection.query('ROLLBACK');
        return { summary: emptySummary(partition) };
      }
      const rows: Row[] = [];
      const rejects: { offset: string; kind: RejectKind; reason: string; value: Buffer | null }[] = [];
      let bytes = 0;
      for (const message of fresh) {
        bytes += message.value?.length ?? 0;
        const transformed = transformMessage(message.value, this.spec.format);
        if (transformed.ok) rows.push(transformed.row);
        else rejects.push({ offset: message.offset, kind: transformed.kind, reason: transformed.reason, value: message.value });
      }
      const inserted = rows.length ? await this.writeRows(connection, rows) : 0;
      const earliest = fresh[0]!.offset;
      const latest = fresh[fresh.length - 1]!.offset;
      const batchTimeMs = Math.round(performance.now() - started);
      const [batchResult] = await connection.query<import('mysql2').ResultSetHeader>(
        `INSERT INTO kit_pipelines_batches (pipeline_name, batch_state, source_partition_id, earliest_offset, latest_offset, messages,
           rows_inserted, rows_skipped_duplicates, rows_rejected, bytes, started_at, batch_time_ms)
         VALUES (?, 'Succeeded', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [this.spec.name, partition, earliest, latest, fresh.length, inserted, rows.length - inserted, rejects.length, bytes, startedAt, batchTimeMs],
      );
      const batchId = batchResult.insertId;
      if (rejects.length) {
        await connection.query(
          `INSERT INTO kit_pipelines_errors (pipeline_name, batch_id, source_partition_id, message_offset, error_kind, error_message, message_bytes, message_head, created_at) VALUES ?`,
          [rejects.map((r) => [this.spec.name, batchId, partition, r.offset, r.kind, r.reason.slice(0, 1024), r.value?.length ?? 0, r.value?.subarray(0, 1024) ?? null, startedAt])],
        );
      }
      const next = BigInt(latest) + 1n;
      await connection.query(
        `INSERT INTO kit_pipelines_cursors (pipeline_name, source_partition_id, cursor_offset, latest_offset, updated_at)
         VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3))
         ON DUPLICATE KEY UPDATE cursor_offset = VALUES(cursor_offset), latest_offset = VALUES(latest_offset), updated_at = VALUES(updated_at)`,
        [this.spec.name, partition, next.toString(), (highWatermark > next ? highWatermark : next).toString()],
      );
      await connection.query('COMMIT');
      return {
        summary: {
          batchId,
          state: 'Succeeded',
          partition,
          rows: inserted,
          skippedDuplicates: rows.length - inserted,
          rejected: rejects.length,
          batchTimeMs,
          rowsPerSecond: batchTimeMs > 0 ? Math.round((inserted * 1000) / batchTimeMs) : inserted,
          startedAt,
        },
      };
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw asDatabaseError(error, this.config.database);
    } finally {
      connection.release();
    }
  }

  /** Writes rows, skipping duplicate keys (SKIP DUPLICATE KEY ERRORS); returns how many were inserted. */
  protected async writeRows(connection: PoolConnection, rows: Row[]): Promise<number> {
    const table = quoteIdentifier(this.spec.table, 'table');
    const columns = this.spec.format === 'donations-json' ? DONATION_COLUMN_NAMES.join(', ') : 'id';
    if (this.loadMethod === 'load-data') {
      const [result] = await connection.query<import('mysql2').ResultSetHeader>({
        sql: `LOAD DATA LOCAL INFILE 'kit-batch' IGNORE INTO TABLE ${table} CHARACTER SET utf8mb4 (${columns})`,
        infileStreamFactory: () => Readable.from(tsvChunks(rows)),
      });
      return result.affectedRows;
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 2_000) {
      const [result] = await connection.query<import('mysql2').ResultSetHeader>(`INSERT IGNORE INTO ${table} (${columns}) VALUES ?`, [rows.slice(i, i + 2_000)]);
      inserted += result.affectedRows;
    }
    return inserted;
  }

  async stop(): Promise<void> {
    if (this.lockWatch) clearInterval(this.lockWatch);
    this.lockWatch = undefined;
    const consumer = this.consumer;
    const wasRunning = this.running !== undefined || this.lockConnection !== undefined;
    this.consumer = undefined;
    this.running = undefined;
    if (consumer) await consumer.disconnect().catch(() => undefined);
    // An object that never ran this pipeline (a status view) leaves its state alone.
    if (wasRunning) await this.setState('Stopped').catch(() => undefined);
    await this.releaseLock();
  }

  private async setState(state: 'Running' | 'Stopped'): Promise<void> {
    await execute(
      this.pool,
      this.config.database,
      'UPDATE kit_pipelines SET state = ? WHERE pipeline_name = ?',
      [state, this.spec.name],
    );
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }
}

function* tsvChunks(rows: Row[]): Generator<Buffer> {
  const chunk: string[] = [];
  for (const row of rows) {
    chunk.push(rowToTsv(row));
    if (chunk.length === 5_000) {
      yield Buffer.from(chunk.join('\n') + '\n', 'utf8');
      chunk.length = 0;
    }
  }
  if (chunk.length) yield Buffer.from(chunk.join('\n') + '\n', 'utf8');
}

function rowObject(row: Row, format: PipelineFormat): Record<string, unknown> {
  if (format === 'lines') return { id: row[0] };
  return Object.fromEntries(DONATION_COLUMN_NAMES.map((name, i) => [name, row[i]]));
}

function emptySummary(partition: number): BatchSummary {
  return { batchId: 0, state: 'Skipped', partition, rows: 0, skippedDuplicates: 0, rejected: 0, batchTimeMs: 0, rowsPerSecond: 0, startedAt: null };
}

function toBatchSummary(row: Record<string, unknown>): BatchSummary {
  return {
    batchId: Number(row.batch_id),
    state: String(row.batch_state),
    partition: Number(row.source_partition_id),
    rows: Number(row.rows_inserted),
    skippedDuplicates: Number(row.rows_skipped_duplicates),
    rejected: Number(row.rows_rejected),
    batchTimeMs: Number(row.batch_time_ms),
    rowsPerSecond: Number(row.batch_time_ms) > 0 ? Math.round((Number(row.rows_inserted) * 1000) / Number(row.batch_time_ms)) : Number(row.rows_inserted),
    startedAt: row.started_at as Date,
  };
}

export { NotSupportedOnTargetError };
