/**
 * Lesson 09's flow: the totals tables, a rows table in the kit's layout, and a pipeline that
 * writes both in each batch's transaction: a procedure pipeline on SingleStore, the kit's
 * pipeline with the totals' rows hook on MariaDB (each target's createPipeline picks).
 */
import type { Pipeline, PipelineHandles } from '../pipeline/pipeline.js';
import { targetOf, type BatchWork } from '../targets/index.js';
import { TOTALS_ROWS_HOOK } from './maintain.js';
import { PROCEDURE_REJECTIONS_SQL, PROCEDURE_REJECTS_DESCRIPTION, PROCEDURE_REJECTS_LATEST_SQL, PROCEDURE_REJECTS_TABLE, TOTALS_PROCEDURE, totalsProcedureSql } from './procedure.js';
import { AGGREGATED_TABLE, ensureTotalsTables, TOTALS_TABLES } from './tables.js';

export const TOTALS_PIPELINE = 'donations_totals_consumer';

/** Keeping the totals in each batch's transaction, in both targets' forms. */
export const TOTALS_BATCH_WORK: BatchWork = {
  procedure: {
    name: TOTALS_PROCEDURE,
    sql: totalsProcedureSql,
    tables: [PROCEDURE_REJECTS_DESCRIPTION],
    rejects: { countSql: PROCEDURE_REJECTIONS_SQL, latestSql: PROCEDURE_REJECTS_LATEST_SQL },
  },
  rowsHook: TOTALS_ROWS_HOOK,
};

export async function setUpTotalsPipeline(handles: PipelineHandles, options: { name?: string; topic?: string; batchIntervalMs?: number } = {}): Promise<Pipeline> {
  await ensureTotalsTables(handles.db);
  const spec = { name: options.name ?? TOTALS_PIPELINE, topic: options.topic ?? handles.kafka.topic, table: AGGREGATED_TABLE, format: 'donations-json' as const, batchIntervalMs: options.batchIntervalMs };
  const pipeline = targetOf(handles.db).createPipeline(handles, spec, { batchWork: TOTALS_BATCH_WORK });
  await pipeline.create();
  return pipeline;
}

/** Empties the totals, the rows table and what the procedure recorded (where it exists), for a replay from the topic's beginning. */
export async function resetTotals(handles: PipelineHandles): Promise<void> {
  for (const table of [...Object.values(TOTALS_TABLES), AGGREGATED_TABLE]) await handles.db.execute(`TRUNCATE TABLE ${table}`);
  const [rejects] = await handles.db.query('SELECT 1 AS found FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [PROCEDURE_REJECTS_TABLE]);
  if (rejects) await handles.db.execute(`TRUNCATE TABLE ${PROCEDURE_REJECTS_TABLE}`);
}
