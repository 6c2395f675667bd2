/**
 * The kit's local pipeline in a process of its own, for the fault suite to kill -9.
 *
 *   node --import tsx test/faults/pipeline-worker.ts <pipeline> <topic> <table>
 *
 * Settings come from the environment (KAFKA_BROKERS, DATABASE_URL). Started with
 * `node --import tsx`, not `npx tsx`: tsx's CLI runs the script in a child process, and
 * killing the pid it returns would leave the pipeline running.
 *
 * With FAULT_KEEP_TOTALS=1 it keeps lesson 09's totals in each batch's transaction.
 *
 * One JSON line per event on stdout. With FAULT_PAUSE_IN_BATCH_MS set, each batch pauses
 * after its rows are written and before its transaction commits, and says so: a kill after
 * `rows-written` lands inside the transaction, every time.
 *   {"event":"started"}
 *   {"event":"rows-written","rows":500}    (inside the transaction, before COMMIT)
 *   {"event":"batch","partition":0,"rows":500,...}   (after COMMIT)
 */
import { LocalPipeline, createKafka, describeError, loadConfig, openDatabase, type BatchSummary } from '@donations/lib';

export type WorkerEvent =
  | { event: 'started' }
  | { event: 'rows-written'; rows: number }
  | ({ event: 'batch' } & BatchSummary)
  | { event: 'error'; message: string };

function emit(event: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const pauseMs = Number(process.env.FAULT_PAUSE_IN_BATCH_MS ?? 0);

/** Inside the batch's transaction, after its rows are written: a kill here lands before COMMIT. */
async function pauseBeforeCommit(rowsWritten: number): Promise<void> {
  if (pauseMs <= 0) return;
  emit({ event: 'rows-written', rows: rowsWritten });
  await new Promise((r) => setTimeout(r, pauseMs));
}

const [name, topic, table] = process.argv.slice(2);
if (!name || !topic || !table) {
  console.error('error: usage: pipeline-worker.ts <pipeline> <topic> <table>');
  process.exit(2);
}

try {
  const config = loadConfig();
  const handles = { db: openDatabase(config.database), kafka: createKafka(config.kafka) };
  const pipeline = new LocalPipeline(handles, { name, topic, table, format: 'donations-json', batchIntervalMs: 50 }, {
    beforeCommit: pauseBeforeCommit,
    keepTotals: process.env.FAULT_KEEP_TOTALS === '1',
  });
  pipeline.onBatch((summary) => emit({ event: 'batch', ...summary }));
  await pipeline.create();
  await pipeline.start();
  emit({ event: 'started' });
  process.once('SIGTERM', () => {
    void pipeline.close().finally(() => process.exit(0));
  });
} catch (error) {
  emit({ event: 'error', message: describeError(error) });
  process.exit(1);
}
