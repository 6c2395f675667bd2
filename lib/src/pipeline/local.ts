/**
 * The kit's own pipeline, for MariaDB: a Kafka consumer with SingleStore's promises.
 * - Batches: whatever the topic holds past the cursor, every batchIntervalMs when idle.
 * - Exactly once: a batch's rows, its record and the partition's new cursor commit in one
 *   transaction; the consumer starts from the cursors in the database, never from Kafka's
 *   committed offsets, and messages below the stored cursor are skipped inside the
 *   transaction, so a re-delivered batch cannot load twice.
 * - SKIP DUPLICATE KEY ERRORS: a row whose key exists is skipped and counted.
 * - Bad messages are recorded with their reason (kit_pipelines_errors); their neighbours load.
 * - A failed batch (database restarting) is retried; nothing is skipped.
 */
import type { Database, DatabaseConnection } from '../database/database.js';
import { KitError, PipelineError } from '../errors.js';
import { operationSignal } from '../interrupt.js';
import { topicOffsets } from '../kafka/admin.js';
import type { KafkaClient } from '../kafka/client.js';
import { readRange, startBatchConsumer, type BatchConsumer, type ConsumedBatch } from '../kafka/consumer.js';
import { DONATION_COLUMN_NAMES } from '../database/schema.js';
import { PipelineLock } from './lock.js';
import {
  checkedSpec,
  rowsPerSecond,
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
import { singleStoreStatements, type PipelineStatements } from './statements.js';
import { PipelineStore, type Rejection } from './store.js';
import { addToTotals, freshRows } from '../aggregates/maintain.js';
import { transformMessage, type DonationRow, type PipelineFormat, type Row } from './transform.js';
import { WRITERS, type WriterName } from './writer.js';

export interface LocalPipelineOptions {
  /** How batches are written: LOAD DATA LOCAL INFILE from a stream (default), or multi-row INSERT. */
  writer?: WriterName;
  /** Inside each batch's transaction, after its rows are written and before COMMIT (the fault suite pauses here). */
  beforeCommit?: (rowsWritten: number) => Promise<void>;
  /** Keep the dashboard's totals (aggregates/) in each batch's transaction, as a SingleStore procedure pipeline does. */
  keepTotals?: boolean;
}

/** Local pipelines running in this process, by database and name: one runner per pipeline per kernel. */
const runningHere = new Map<string, LocalPipeline>();

export class LocalPipeline implements Pipeline {
  readonly target = 'mariadb' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  private readonly db: Database;
  private readonly kafka: KafkaClient;
  private readonly store: PipelineStore;
  private readonly lock: PipelineLock;
  private readonly writer: WriterName;
  private readonly beforeCommit?: (rowsWritten: number) => Promise<void>;
  private readonly keepTotals: boolean;
  private consumer: BatchConsumer | undefined;
  /** The batch being loaded while the consumer fetches the next: false once a batch was left unloaded. */
  private loading: Promise<boolean> = Promise.resolve(true);
  /** Set while this object runs the pipeline in a notebook kernel: Kernel > Interrupt stops it. */
  private interruptRegistration: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private inForeground = false;
  private listeners = new Set<(batch: BatchSummary) => void>();
  /** The last failure of a running pipeline; it retries the batch after it. */
  lastError: KitError | undefined;

  constructor(handles: PipelineHandles, spec: PipelineSpec, options: LocalPipelineOptions = {}) {
    this.spec = checkedSpec(spec);
    if (!handles.db.name) throw new PipelineError('a pipeline needs a database: open the handle on one');
    // A pool of its own, as SingleStore's pipelines do not share the dashboard's connections.
    this.db = handles.db.withDatabase(handles.db.name, { connectionLimit: 3 });
    this.kafka = handles.kafka;
    this.statements = singleStoreStatements(this.spec, handles.kafka.settings);
    this.store = new PipelineStore(this.db, this.spec.name);
    this.lock = new PipelineLock(this.db, this.spec.name);
    this.writer = options.writer ?? 'load-data';
    this.beforeCommit = options.beforeCommit;
    this.keepTotals = options.keepTotals ?? false;
    if (this.keepTotals && this.spec.format !== 'donations-json') throw new PipelineError('totals are kept for donations only: use format donations-json');
  }

  private get key(): string {
    return `${this.db.address}/${this.db.name}/${this.spec.name}`;
  }

  get running(): boolean {
    return this.consumer !== undefined;
  }

  async create(options: { replace?: boolean } = {}): Promise<void> {
    await this.store.ensureTables();
    await this.stopEarlierObject();
    const existing = await this.store.get(this.lock.name);
    if (existing && options.replace === false) throw new PipelineError(`pipeline ${this.spec.name} exists already: drop it, or create it with replace`);
    if (existing?.state === 'Running' && !existing.lockFree) {
      throw new PipelineError(`pipeline ${this.spec.name} is running in another process: stop it before replacing it`);
    }
    // CREATE OR REPLACE keeps the cursors; another topic's offsets mean nothing here, so a
    // new topic starts from its beginning.
    if (existing && existing.topic !== this.spec.topic) await this.store.resetCursors();
    await this.store.save(this.spec, this.kafka.brokers);
  }

  async drop(): Promise<void> {
    await this.stop();
    await this.store.delete();
  }

  /**
   * SingleStore's ALTER PIPELINE ... SET OFFSETS EARLIEST: forgets the cursors, so that the
   * next run starts each partition at the topic's first offset. The pipeline must be stopped,
   * here and in every other process (its lock is free).
   */
  async replayFromEarliest(): Promise<void> {
    const stored = await this.store.get(this.lock.name);
    if (!stored) throw new PipelineError(`pipeline ${this.spec.name} does not exist: create it first`);
    const runningInThisKernel = this.running || (runningHere.get(this.key) ?? this) !== this;
    if (runningInThisKernel || !stored.lockFree) {
      throw new PipelineError(`pipeline ${this.spec.name} is running: a replay from the earliest offsets needs it stopped (await pipeline.stop())`);
    }
    await this.store.resetCursors();
  }

  async status(): Promise<PipelineStatus | undefined> {
    const stored = await this.store.get(this.lock.name);
    if (!stored) return undefined;
    // A pipeline whose process died keeps 'Running' in the table; its lock died with it.
    const state = stored.state === 'Running' && stored.lockFree && !this.running ? 'Stopped (its process is gone)' : stored.state;
    return { name: this.spec.name, state, topic: stored.topic, table: stored.table };
  }

  batches(limit = 20): Promise<BatchSummary[]> {
    return this.store.batches(limit);
  }

  errors(limit = 50): Promise<PipelineErrorRecord[]> {
    return this.store.errors(limit);
  }

  errorCount(): Promise<number> {
    return this.store.errorCount();
  }

  cursors(): Promise<PipelineCursor[]> {
    return this.store.cursors();
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

  /** Where each partition starts: the stored cursor, else the beginning (as SingleStore does). */
  private async startOffsets(): Promise<Map<number, { start: bigint; end: bigint }>> {
    const stored = new Map((await this.cursors()).map((c) => [c.partition, BigInt(c.loadedOffset)]));
    return new Map((await topicOffsets(this.kafka, this.spec.topic)).map((range) => [range.partition, { start: stored.get(range.partition) ?? range.low, end: range.high }]));
  }

  async test(limit: number): Promise<TestRow[]> {
    const messages = await readRange(this.kafka, this.spec.topic, await this.startOffsets(), { limit, groupPrefix: `kit-test-pipeline-${this.spec.name}` });
    return messages.map((message) => {
      const transformed = transformMessage(message.value, this.spec.format);
      return transformed.ok
        ? { partition: message.partition, offset: message.offset, row: rowObject(transformed.row, this.spec.format) }
        : { partition: message.partition, offset: message.offset, error: `${transformed.kind}: ${transformed.reason}` };
    });
  }

  onBatch(listener: (batch: BatchSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (!(await this.store.get(this.lock.name))) throw new PipelineError(`pipeline ${this.spec.name} does not exist: create it first`);
    await this.stopEarlierObject();
    await this.lock.acquire(`pipeline ${this.spec.name} is already running in another process: stop it there first (Ctrl-C, or \`await pipeline.stop()\` in that notebook)`);
    runningHere.set(this.key, this);
    try {
      await this.store.setState('Running');
      const starts = await this.startOffsets();
      this.consumer = await startBatchConsumer(this.kafka, {
        topic: this.spec.topic,
        groupId: `kit-pipeline-${this.db.name}-${this.spec.name}-${process.pid}-${Date.now().toString(36)}`,
        startOffsets: new Map([...starts].map(([partition, range]) => [partition, range.start])),
        maxWaitMs: this.spec.batchIntervalMs,
        eachBatch: (batch, isRunning) => this.loadInTurn(batch, isRunning),
        onCrash: (error) => void (this.lastError = new PipelineError(`the pipeline's Kafka consumer crashed: ${error.message}`, { cause: error })),
      });
      // In a notebook, the pipeline runs in the kernel's process: an interrupt stops it with
      // the cell's other work (SingleStore's pipelines run in the database and go on).
      // A foreground run registers as itself (runForeground).
      if (!this.inForeground) {
        const interrupt = operationSignal(`pipeline ${this.spec.name}`);
        this.interruptRegistration = interrupt.done;
        interrupt.signal?.addEventListener('abort', () => void this.stopSelf().catch(() => undefined), { once: true });
      }
    } catch (error) {
      await this.stopSelf();
      throw error;
    }
  }

  /** An earlier object of this kernel that runs the same pipeline (a re-run cell after an interrupt) is stopped first. */
  private async stopEarlierObject(): Promise<void> {
    const earlier = runningHere.get(this.key);
    if (earlier && earlier !== this) {
      console.log(`stopping the earlier run of pipeline ${this.spec.name} in this kernel`);
      await earlier.stopSelf();
    }
  }

  async runForeground(batches: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<BatchSummary[]> {
    if (this.running) throw new PipelineError(`pipeline ${this.spec.name} is running: stop it before a foreground run`);
    const stop = operationSignal(`the foreground run of pipeline ${this.spec.name}`, options.signal);
    const loaded: BatchSummary[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const unsubscribe = this.onBatch((batch) => {
      loaded.push(batch);
      if (loaded.length >= batches) finish();
    });
    stop.signal?.addEventListener('abort', () => finish(), { once: true });
    const timer = setTimeout(finish, options.timeoutMs ?? 30_000);
    this.inForeground = true;
    try {
      await this.start();
      await done;
    } finally {
      this.inForeground = false;
      clearTimeout(timer);
      unsubscribe();
      stop.done();
      await this.stopSelf();
    }
    return loaded.slice(0, batches);
  }

  async stop(): Promise<void> {
    // A new object for the same name (a re-run cell) stops the one that really runs.
    const earlier = runningHere.get(this.key);
    if (earlier && earlier !== this) await earlier.stop();
    await this.stopSelf();
  }

  /** One stop at a time: an interrupt and a stop() may ask at once. */
  private stopSelf(): Promise<void> {
    this.stopping ??= this.stopOnce().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.interruptRegistration?.();
    this.interruptRegistration = undefined;
    const consumer = this.consumer;
    const wasRunning = consumer !== undefined || this.lock.held;
    this.consumer = undefined;
    if (runningHere.get(this.key) === this) runningHere.delete(this.key);
    await consumer?.stop();
    // The batch loading when the consumer stopped finishes (or gives up) before the lock goes.
    await this.loading;
    this.loading = Promise.resolve(true);
    // An object that never ran this pipeline (a status view) leaves its state alone.
    if (wasRunning) await this.store.setState('Stopped').catch(() => undefined);
    await this.lock.release();
  }

  /** Stops this object's run, if any (not another object's), and releases its connections. */
  async close(): Promise<void> {
    await this.stopSelf();
    await this.db.close();
  }

  /**
   * Batches load one after another, in the order fetched, but the consumer fetches and
   * decodes the next while one loads (kafkajs waits for a batch's handler before its next
   * fetch: the profile showed the pipeline idle a third of the time). Exactly once is
   * unchanged: each batch commits its rows with its cursor, and a batch left unloaded (the
   * pipeline stopped during its retries) stops every later one, so the cursor never skips it.
   */
  private loadInTurn(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean> {
    const previous = this.loading;
    const mine = previous.then((loaded) => (loaded ? this.loadWithRetry(batch, isRunning) : false));
    this.loading = mine;
    // Handled once the batch before it has loaded: at most one batch waits in memory.
    return previous;
  }

  /** A failed batch (database restarting, lost connection) is retried until it loads or the pipeline stops. */
  private async loadWithRetry(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean> {
    let delay = 200;
    for (;;) {
      try {
        const summary = await this.loadBatch(batch);
        this.lastError = this.lock.lastError;
        for (const listener of this.listeners) listener(summary);
        return true;
      } catch (error) {
        this.lastError = error instanceof KitError ? error : new PipelineError(String(error), { cause: error });
        if (!isRunning() || !this.running) return false;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /**
   * Writes a batch's rows and adds the ones the table did not hold to the totals. Usually
   * every row is new: the rows are written first, and if the table took them all (and no id
   * came twice in the batch) they are what the totals count. Otherwise the write is undone to
   * a savepoint, the new rows are found by asking the table, and written again: the exact
   * count either way, without the lookup on the common path.
   */
  private async writeKeepingTotals(connection: DatabaseConnection, rows: DonationRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const write = () => WRITERS[this.writer](connection, this.spec.table, this.spec.format, rows);
    const distinct = new Set(rows.map((row) => row[0])).size;
    await connection.execute('SAVEPOINT kit_rows');
    const inserted = await write();
    if (inserted === rows.length && distinct === rows.length) {
      await addToTotals(connection, rows);
      return inserted;
    }
    await connection.execute('ROLLBACK TO SAVEPOINT kit_rows');
    // The rows a batch adds, found before they are written: they are what the totals count.
    const added = await freshRows(connection, this.spec.table, rows);
    const again = await write();
    await addToTotals(connection, added);
    return again;
  }

  /** One batch, one transaction: rows, rejected messages, the batch record and the new cursor. */
  private async loadBatch(batch: ConsumedBatch): Promise<BatchSummary> {
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
        return { batchId: 0, state: 'Skipped', partition: batch.partition, rows: 0, skippedDuplicates: 0, rejected: 0, batchTimeMs: 0, rowsPerSecond: 0, startedAt: null };
      }
      const rejections: Rejection[] = [];
      let bytes = 0;
      let transformedRows = 0;
      const format = this.spec.format;
      /** The batch's rows as the writer reads them; rejected messages are set aside on the way. */
      function* transformed(): Generator<Row> {
        for (const message of fresh) {
          bytes += message.value?.length ?? 0;
          const result = transformMessage(message.value, format);
          if (result.ok) {
            transformedRows += 1;
            yield result.row;
          } else rejections.push({ offset: message.offset, kind: result.kind, reason: result.reason, value: message.value });
        }
      }
      let inserted: number;
      if (this.keepTotals) {
        const rows = [...transformed()] as DonationRow[];
        inserted = await this.writeKeepingTotals(connection, rows);
      } else if (this.writer !== 'load-data') {
        const rows = [...transformed()];
        inserted = rows.length ? await WRITERS[this.writer](connection, this.spec.table, format, rows) : 0;
      } else {
        // Rows stream from the messages to LOAD DATA without being held as a batch: the
        // profile showed garbage collection at 17-19% of the pipeline's time, most of it
        // copying a whole batch of rows that outlived each young-generation collection.
        inserted = await WRITERS[this.writer](connection, this.spec.table, format, transformed());
      }
      await this.beforeCommit?.(inserted);
      const earliest = fresh[0]!.offset;
      const latest = fresh[fresh.length - 1]!.offset;
      const batchTimeMs = Math.round(performance.now() - started);
      const record = {
        partition: batch.partition,
        earliestOffset: earliest,
        latestOffset: latest,
        messages: fresh.length,
        inserted,
        skippedDuplicates: transformedRows - inserted,
        rejected: rejections.length,
        bytes,
        startedAt,
        batchTimeMs,
      };
      const batchId = await this.store.recordBatch(connection, record, rejections);
      await this.store.advanceCursor(connection, batch.partition, BigInt(latest) + 1n, batch.highWatermark);
      await connection.execute('COMMIT');
      connection.release();
      return {
        batchId,
        state: 'Succeeded',
        partition: batch.partition,
        rows: inserted,
        skippedDuplicates: record.skippedDuplicates,
        rejected: rejections.length,
        batchTimeMs,
        rowsPerSecond: rowsPerSecond(inserted, batchTimeMs),
        startedAt,
      };
    } catch (error) {
      await rollback(connection);
      throw error;
    }
  }
}

async function rollback(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.execute('ROLLBACK');
    connection.release();
  } catch {
    connection.destroy();
  }
}

function rowObject(row: Row, format: PipelineFormat): Record<string, unknown> {
  if (format === 'lines') return { id: row[0] };
  return Object.fromEntries(DONATION_COLUMN_NAMES.map((name, i) => [name, row[i]]));
}
