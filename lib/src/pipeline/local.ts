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
import type { Database } from '../database/database.js';
import { KitError, PipelineError } from '../errors.js';
import { operationSignal } from '../interrupt.js';
import { topicOffsets } from '../kafka/admin.js';
import type { KafkaClient } from '../kafka/client.js';
import { readRange, type ConsumedBatch } from '../kafka/consumer.js';
import { DONATION_COLUMN_NAMES } from '../targets/columns.js';
import { singleStoreStatements, type PipelineStatements } from '../targets/singlestore-statements.js';
import type { BatchRowsHook, BeforeCommit } from './batch-hooks.js';
import { BatchTransaction } from './batch-transaction.js';
import { registerRun, runningInKernel, stopOnInterrupt, unregisterRun, type KernelRun } from './kernel-registry.js';
import { PipelineLock } from './lock.js';
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
import { retryUntilStopped } from './retry.js';
import { BatchRunner } from './runner.js';
import { PipelineStore } from './store.js';
import { transformMessage, type PipelineFormat, type Row } from './transform.js';
import type { WriterName } from './writer.js';

export interface LocalPipelineOptions {
  /** How batches are written: LOAD DATA LOCAL INFILE from a stream (default), or multi-row INSERT. */
  writer?: WriterName;
  /** Inside each batch's transaction, after its rows are written and before COMMIT (the fault suite pauses here). */
  beforeCommit?: BeforeCommit;
  /** Writes each batch's rows, and work of its own, inside the batch's transaction (lesson 09's totals). */
  rowsHook?: BatchRowsHook;
}

export class LocalPipeline implements Pipeline, KernelRun {
  readonly target = 'mariadb' as const;
  readonly spec: Required<PipelineSpec>;
  readonly statements: PipelineStatements;
  private readonly db: Database;
  private readonly kafka: KafkaClient;
  private readonly store: PipelineStore;
  private readonly lock: PipelineLock;
  private readonly batch: BatchTransaction;
  private runner: BatchRunner | undefined;
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
    options.rowsHook?.check?.(this.spec);
    this.batch = new BatchTransaction(this.db, this.store, this.spec, { writer: options.writer ?? 'load-data', beforeCommit: options.beforeCommit, rowsHook: options.rowsHook });
  }

  private get key(): string {
    return `${this.db.address}/${this.db.name}/${this.spec.name}`;
  }

  get running(): boolean {
    return this.runner !== undefined;
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
    const runningInThisKernel = this.running || (runningInKernel(this.key) ?? this) !== this;
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

  /** Its rejections stay in kit_pipelines_errors until the pipeline is dropped. */
  async errorRetentionMinutes(): Promise<null> {
    return null;
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
    registerRun(this.key, this);
    try {
      await this.store.setState('Running');
      const starts = await this.startOffsets();
      this.runner = await BatchRunner.start(this.kafka, {
        topic: this.spec.topic,
        groupId: `kit-pipeline-${this.db.name}-${this.spec.name}-${process.pid}-${Date.now().toString(36)}`,
        startOffsets: new Map([...starts].map(([partition, range]) => [partition, range.start])),
        maxWaitMs: this.spec.batchIntervalMs,
        load: (batch, isRunning) => this.loadWithRetry(batch, isRunning),
        onCrash: (error) => void (this.lastError = new PipelineError(`the pipeline's Kafka consumer crashed: ${error.message}`, { cause: error })),
      });
      // In a notebook, the pipeline runs in the kernel's process: an interrupt stops it with
      // the cell's other work. A foreground run registers as itself (runForeground).
      if (!this.inForeground) this.interruptRegistration = stopOnInterrupt(`pipeline ${this.spec.name}`, this);
    } catch (error) {
      await this.stopRun();
      throw error;
    }
  }

  /** An earlier object of this kernel that runs the same pipeline (a re-run cell after an interrupt) is stopped first. */
  private async stopEarlierObject(): Promise<void> {
    const earlier = runningInKernel(this.key);
    if (earlier && earlier !== this) {
      console.log(`stopping the earlier run of pipeline ${this.spec.name} in this kernel`);
      await earlier.stopRun();
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
      await this.stopRun();
    }
    return loaded.slice(0, batches);
  }

  async stop(): Promise<void> {
    // A new object for the same name (a re-run cell) stops the one that really runs.
    const earlier = runningInKernel(this.key);
    if (earlier && earlier !== this) await earlier.stopRun();
    await this.stopRun();
  }

  /** One stop at a time: an interrupt and a stop() may ask at once. */
  stopRun(): Promise<void> {
    this.stopping ??= this.stopOnce().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.interruptRegistration?.();
    this.interruptRegistration = undefined;
    const runner = this.runner;
    const wasRunning = runner !== undefined || this.lock.held;
    this.runner = undefined;
    unregisterRun(this.key, this);
    // The batch loading when the consumer stopped finishes (or gives up) before the lock goes.
    await runner?.stop();
    // An object that never ran this pipeline (a status view) leaves its state alone.
    if (wasRunning) await this.store.setState('Stopped').catch(() => undefined);
    await this.lock.release();
  }

  /** Stops this object's run, if any (not another object's), and releases its connections. */
  async close(): Promise<void> {
    await this.stopRun();
    await this.db.close();
  }

  /** A failed batch (database restarting, lost connection) is retried until it loads or the pipeline stops. */
  private loadWithRetry(batch: ConsumedBatch, isRunning: () => boolean): Promise<boolean> {
    return retryUntilStopped(
      async () => {
        const summary = await this.batch.load(batch);
        this.lastError = this.lock.lastError;
        for (const listener of this.listeners) listener(summary);
      },
      () => isRunning() && this.running,
      (error) => void (this.lastError = error),
    );
  }
}

function rowObject(row: Row, format: PipelineFormat): Record<string, unknown> {
  if (format === 'lines') return { id: row[0] };
  return Object.fromEntries(DONATION_COLUMN_NAMES.map((name, i) => [name, row[i]]));
}
