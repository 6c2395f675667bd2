/**
 * One pipeline interface, two implementations (each target's createPipeline): SingleStore's own
 * pipelines, driven by SQL, and the kit's local pipeline for MariaDB, which keeps the
 * same promises. The SingleStore statement of every step is available on both, so that
 * notebooks always show the real SQL.
 */
import type { DatabaseTarget } from '../config.js';
import type { Database } from '../database/database.js';
import { PipelineError } from '../errors.js';
import { sleep } from '../interrupt.js';
import type { KafkaClient } from '../kafka/client.js';
import { assertIdentifier, assertTopicName } from '../names.js';
import type { PipelineStatements } from '../targets/singlestore-statements.js';
import type { PipelineFormat } from './transform.js';

export interface PipelineSpec {
  name: string;
  topic: string;
  table: string;
  format: PipelineFormat;
  /** Time between two batches when the topic is idle (SingleStore's BATCH_INTERVAL). */
  batchIntervalMs?: number;
  /** SingleStore: load into this stored procedure (which writes `table` and more) instead of into the table. */
  procedure?: string;
}

/** What a pipeline needs to run: the database it loads and the broker it reads. */
export interface PipelineHandles {
  db: Database;
  kafka: KafkaClient;
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
  /** See `rowsCounted`. */
  rows: number;
  /**
   * What `rows` counts: rows loaded (the local pipeline), or rows extracted from the topic
   * (SingleStore's ROWS_STREAMED: bad and duplicate messages included).
   */
  rowsCounted: 'loaded' | 'extracted';
  skippedDuplicates: number | null;
  rejected: number | null;
  batchTimeMs: number;
  rowsPerSecond: number;
  startedAt: Date | null;
}

export interface PipelineErrorRecord {
  batchId: number | null;
  partition: number | null;
  /**
   * Local pipeline: the message's offset. SingleStore: the first offset of the message's batch
   * (BATCH_EARLIEST_OFFSET); PIPELINES_ERRORS has no per-message offset.
   */
  offset: string | null;
  kind: string;
  reason: string;
  at: Date | null;
  /** The message as the pipeline read it (SingleStore's LOAD_DATA_LINE; the local pipeline's first KB), when known. */
  input?: string | null;
}

export interface PipelineCursor {
  partition: number;
  /**
   * The next offset whose batch is loaded and committed: what "caught up" compares.
   * SingleStore: SUCCESSFUL_CURSOR_OFFSET ("up to which data has been successfully loaded").
   */
  loadedOffset: string;
  /** The topic's end as the pipeline last saw it. */
  latestOffset: string;
  /**
   * SingleStore only: CURSOR_OFFSET, which moves when a batch is extracted, before it
   * commits (and past a batch skipped on error). Ahead of loadedOffset while a batch is in flight.
   */
  extractedOffset?: string;
}

export interface TestRow {
  partition: number;
  offset: string;
  row?: Record<string, unknown>;
  error?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  onProgress?: (loaded: bigint, end: bigint) => void;
  signal?: AbortSignal;
}

export interface Pipeline {
  readonly target: DatabaseTarget;
  readonly spec: Required<PipelineSpec>;
  /** The SingleStore statement each step stands for (shown in notebooks on both targets). */
  readonly statements: PipelineStatements;
  /** CREATE [OR REPLACE] PIPELINE. */
  create(options?: { replace?: boolean }): Promise<void>;
  /** TEST PIPELINE ... LIMIT n: what n messages would become; inserts nothing. SingleStore: the pipeline must be stopped. */
  test(limit: number): Promise<TestRow[]>;
  /** START PIPELINE ... FOREGROUND LIMIT n BATCHES. */
  runForeground(batches: number, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<BatchSummary[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
  drop(): Promise<void>;
  /**
   * The next batch reads each partition from the topic's first offset (a stopped pipeline):
   * ALTER PIPELINE ... SET OFFSETS EARLIEST on SingleStore, the cursors reset locally. Rows
   * already in the table are skipped as duplicates.
   */
  replayFromEarliest(): Promise<void>;
  status(): Promise<PipelineStatus | undefined>;
  batches(limit?: number): Promise<BatchSummary[]>;
  errors(limit?: number): Promise<PipelineErrorRecord[]>;
  /** How many messages the pipeline has rejected so far (not skipped duplicates, not failed batches). */
  errorCount(): Promise<number>;
  /** How long its record of rejections lasts, in minutes; null: as long as the table (the local pipeline) or unknown. */
  errorRetentionMinutes(): Promise<number | null>;
  cursors(): Promise<PipelineCursor[]>;
  /** Resolves once every partition is loaded up to the topic's end as it is now. */
  waitUntilCaughtUp(options?: WaitOptions): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_BATCH_INTERVAL_MS = 100;

export function checkedSpec(spec: PipelineSpec): Required<PipelineSpec> {
  assertIdentifier(spec.name, 'pipeline');
  assertIdentifier(spec.table, 'table');
  assertTopicName(spec.topic);
  if (spec.procedure) assertIdentifier(spec.procedure, 'procedure');
  return { ...spec, batchIntervalMs: spec.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS, procedure: spec.procedure ?? '' };
}

/** An offset column as a bigint; NULL (no batch yet) reads as 0. */
function offsetOf(value: string | null | undefined): bigint {
  return value === null || value === undefined || value === '' || value === 'null' ? 0n : BigInt(value);
}

/** Loaded rows per second of a batch. */
export function rowsPerSecond(rows: number, batchTimeMs: number): number {
  return batchTimeMs > 0 ? Math.round((rows * 1000) / batchTimeMs) : rows;
}

/** Polls the pipeline's cursors until each partition's loaded offset reaches `ends`. */
export async function waitForCursors(read: () => Promise<PipelineCursor[]>, ends: ReadonlyMap<number, bigint>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const total = [...ends.values()].reduce((a, b) => a + b, 0n);
  for (;;) {
    const snapshot = await read();
    const cursors = new Map(snapshot.map((c) => [c.partition, offsetOf(c.loadedOffset)]));
    const extracted = new Map(snapshot.map((c) => [c.partition, offsetOf(c.extractedOffset ?? c.loadedOffset)]));
    let loaded = 0n;
    let caughtUp = true;
    let extractedAll = true;
    for (const [partition, end] of ends) {
      const at = cursors.get(partition) ?? 0n;
      loaded += at < end ? at : end;
      if (at < end) caughtUp = false;
      if ((extracted.get(partition) ?? 0n) < end) extractedAll = false;
    }
    options.onProgress?.(loaded, total);
    if (caughtUp) return;
    if (Date.now() > deadline) {
      throw new PipelineError(
        extractedAll
          ? `the pipeline extracted every message but committed ${loaded} of ${total} before the timeout: a batch failed or is still loading (see its errors and batches)`
          : `the pipeline loaded ${loaded} of ${total} messages before the timeout: is it running? (see its errors and batches)`,
      );
    }
    await sleep(100, options.signal);
  }
}
