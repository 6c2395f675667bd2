/** The end-to-end part: produce and load at once, in one process, as notebook 05 does. */
import type { Results } from './report.js';
import { load, round2, runWorker, spread, withServiceCpu } from './measure.js';
import { SEED, count, freshTable, n, newTopic, workerEnv, type Bench } from './context.js';

export async function benchEndToEnd(bench: Bench): Promise<NonNullable<Results['endToEnd']>> {
  const loadBefore = load();
  const rates: number[] = [];
  const cpu: { seconds: number; node: number; database: number; broker: number }[] = [];
  for (let run = 0; run < bench.repeat; run++) {
    const topic = await newTopic(bench, 'kit-bench-e2e');
    await freshTable(bench.db, `e2e_${run}`);
    const measured = await withServiceCpu(bench.services, () =>
      runWorker<{ seconds: number; produceSeconds: number; acknowledged: number }>(
        'e2e',
        ['--topic', topic, '--table', `e2e_${run}`, '--name', `bench_e2e_${run}`, '--campaign', String(bench.campaignId), '--seed', String(SEED), '--count', String(bench.events)],
        { env: workerEnv },
      ),
    );
    const result = measured.value;
    if ((await count(bench.db, `e2e_${run}`)) !== bench.events) throw new Error('produce-and-load did not load every row');
    rates.push(bench.events / result.seconds);
    cpu.push({ seconds: round2(result.seconds), node: round2(result.cpuSeconds), database: measured.databaseCpuSeconds, broker: measured.brokerCpuSeconds });
    console.log(`end to end, run ${run + 1}: ${n(rates[run]!)} rows/s (producing took ${result.produceSeconds.toFixed(1)} s of ${result.seconds.toFixed(1)} s; Node used ${result.cpuSeconds.toFixed(1)} CPU s)`);
    await bench.db.execute(`DROP TABLE e2e_${run}`);
  }
  return { rows: bench.events, load: [loadBefore, load()], rowsPerSecond: spread(rates), cpu: cpu[rates.indexOf(Math.max(...rates))]! };
}
