/** The freshness part: produce-to-visible under a steady 5k events/s, the producer in its thread as in the live parts. */
import { LocalPipeline, createKafka, percentile, produceCampaignOffThread, produceLine, startCampaign } from '@donations/lib';
import { load, sleep } from './measure.js';
import type { Results } from './report.js';
import { freshTable, n, newTopic, type Bench } from './context.js';

export async function benchFreshness(bench: Bench, rate = 5_000, seconds = 40): Promise<NonNullable<Results['freshness']>> {
  const loadBefore = load();
  const kafka = createKafka(bench.config.kafka);
  const topic = await newTopic(bench, 'kit-bench-fresh');
  await freshTable(bench.db, 'freshness');
  const local = new LocalPipeline({ db: bench.db, kafka }, { name: 'bench_freshness', topic, table: 'freshness', format: 'donations-json' });
  await local.drop();
  await local.create();
  await local.start();
  const stream = produceCampaignOffThread(kafka, { topic, campaign: await startCampaign(bench.db, { seed: 3 }), rate, durationMs: seconds * 1000 });
  const probes = await startCampaign(bench.db, { seed: 4 });
  const latencies: number[] = [];
  const deadline = performance.now() + (seconds - 1) * 1000;
  await sleep(1_000);
  while (performance.now() < deadline) {
    const event = probes.next();
    const sentAt = performance.now();
    await produceLine(kafka, topic, JSON.stringify(event), String(event.transaction_id));
    for (;;) {
      const rows = await bench.db.query('SELECT 1 FROM freshness WHERE transaction_id = ?', [event.transaction_id]);
      if (rows.length) break;
      if (performance.now() - sentAt > 10_000) throw new Error('a probe was not visible after 10 s');
      await sleep(5);
    }
    latencies.push(performance.now() - sentAt);
    // About 300 probes in 40 s: enough for a p99.
    await sleep(100);
  }
  await stream;
  await local.close();
  const result = { rate, probes: latencies.length, p50Ms: Math.round(percentile(latencies, 50)), p95Ms: Math.round(percentile(latencies, 95)), p99Ms: Math.round(percentile(latencies, 99)), maxMs: Math.round(Math.max(...latencies)), load: [loadBefore, load()] as [number, number] };
  console.log(`freshness at ${n(rate)} events/s: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms over ${result.probes} probes`);
  return result;
}
