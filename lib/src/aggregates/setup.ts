/**
 * Lesson 09's flow: the totals tables, a rows table in the kit's layout, and a pipeline that
 * writes both in each batch's transaction: a procedure pipeline on SingleStore, the kit's
 * pipeline with keepTotals on MariaDB.
 */
import { LocalPipeline } from '../pipeline/local.js';
import type { Pipeline, PipelineHandles } from '../pipeline/pipeline.js';
import { SingleStorePipeline } from '../pipeline/singlestore.js';
import { TOTALS_PROCEDURE, totalsProcedureSql } from './procedure.js';
import { AGGREGATED_TABLE, ensureTotalsTables, totalsTablesDdl } from './tables.js';

export const TOTALS_PIPELINE = 'donations_totals_consumer';

export async function setUpTotalsPipeline(handles: PipelineHandles, options: { name?: string; topic?: string; batchIntervalMs?: number } = {}): Promise<Pipeline> {
  const { db } = handles;
  await ensureTotalsTables(db);
  const spec = { name: options.name ?? TOTALS_PIPELINE, topic: options.topic ?? handles.kafka.topic, table: AGGREGATED_TABLE, format: 'donations-json' as const, batchIntervalMs: options.batchIntervalMs };
  let pipeline: Pipeline;
  if (db.target === 'singlestore') {
    await db.execute(totalsProcedureSql(AGGREGATED_TABLE));
    pipeline = new SingleStorePipeline(handles, { ...spec, procedure: TOTALS_PROCEDURE });
  } else {
    pipeline = new LocalPipeline(handles, spec, { keepTotals: true });
  }
  await pipeline.create();
  return pipeline;
}

/** Empties the totals and the rows table, for a replay from the topic's beginning. */
export async function resetTotals(handles: PipelineHandles): Promise<void> {
  for (const ddl of totalsTablesDdl(handles.db.target)) {
    const table = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(ddl.sql)![1]!;
    await handles.db.execute(`TRUNCATE TABLE ${table}`);
  }
  await handles.db.execute(`TRUNCATE TABLE ${AGGREGATED_TABLE}`);
}
