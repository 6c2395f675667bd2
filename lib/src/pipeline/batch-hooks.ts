/**
 * Work a caller adds to each batch's transaction of the kit's local pipeline: lesson 09's
 * totals (aggregates/maintain.ts) and the fault suite's pause before COMMIT. The pipeline
 * knows nothing of what the work is; it commits with the rows and the cursor, or not at all.
 */
import type { DatabaseConnection } from '../database/database.js';
import type { PipelineSpec } from './pipeline.js';
import type { Row } from './transform.js';

/** A batch's rows, and how to write them, as a rows hook receives them. */
export interface RowsWrite {
  /** The batch's connection, inside its transaction. */
  connection: DatabaseConnection;
  table: string;
  rows: readonly Row[];
  /** Writes rows into the table, skipping duplicate keys; returns how many it inserted. May run again after a rollback to a savepoint. */
  write(rows: readonly Row[]): Promise<number>;
}

export interface BatchRowsHook {
  /** Refuses, by throwing, a pipeline it cannot serve. */
  check?(spec: Required<PipelineSpec>): void;
  /** Writes the batch's rows through `write` and does its own work on the connection; returns the rows inserted. */
  writeRows(batch: RowsWrite): Promise<number>;
}

/** Runs inside each batch's transaction, after its rows are written and before COMMIT (the fault suite pauses here). */
export type BeforeCommit = (rowsWritten: number, connection: DatabaseConnection) => Promise<void>;
