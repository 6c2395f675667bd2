/** The producer part: the kit's producer vs kcat, the same JSON lines (kcat installed where the kit can, else its rows skipped with the reason). */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { recordProduced } from '@donations/lib';
import { $ } from 'zx';
import { FIXED_TIME, benchCampaign } from './events.js';
import { load, round2, spread } from './measure.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import type { Results } from './report.js';
import { OUT, SEED, n, newTopic, produceWithKit, profileFile, topicEnd, type Bench } from './context.js';
import { ensureKcat } from '../local-services.js';

export async function benchProducer(bench: Bench): Promise<NonNullable<Results['producer']>> {
  const loadBefore = load();
  const file = join(OUT, 'events.tsv');
  const out = createWriteStream(file);
  const generator = benchCampaign(bench.campaignId, SEED);
  for (let i = 0; i < bench.events; i++) {
    const event = generator.next(FIXED_TIME);
    if (!out.write(`${event.transaction_id}\t${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const kcat: number[] = [];
  const kit: number[] = [];
  const kitCpu: number[] = [];
  // The kit's worker from its spawn to its exit (Node's and tsx's start included), as kcat's rate counts.
  const kitProcess: number[] = [];
  const found = await ensureKcat();
  const kcatSkipped = 'missing' in found ? `${found.missing}; its rows are skipped` : undefined;
  if (kcatSkipped) console.log(`producer: ${kcatSkipped}`);
  for (let run = 0; run < bench.repeat; run++) {
    if ('kcat' in found) {
      const kcatTopic = await newTopic(bench, 'kit-bench-kcat');
      const started = performance.now();
      await $`${found.kcat} -P -b ${bench.config.kafka.brokers.join(',')} -t ${kcatTopic} -K ${'\t'} -X acks=all -l ${file}`;
      kcat.push(bench.events / ((performance.now() - started) / 1000));
      if ((await topicEnd(bench, kcatTopic)) !== bench.events) throw new Error('kcat did not deliver every event');
    }

    const topic = await newTopic(bench, 'kit-bench-kit');
    const spawned = performance.now();
    const summary = await produceWithKit(bench, topic);
    kitProcess.push(bench.events / ((performance.now() - spawned) / 1000));
    kit.push(summary.eventsPerSecond);
    kitCpu.push(summary.cpuSeconds);
    if (!bench.source) {
      await recordProduced(bench.db, summary);
      bench.source = topic;
    }
    console.log(`producer, run ${run + 1}: ${kcatSkipped ? 'kcat skipped' : `kcat ${n(kcat[run]!)} events/s`}, kit ${n(kit[run]!)} events/s`);
  }
  let profile: ProfileSummary | undefined;
  if (bench.profile) {
    await produceWithKit(bench, await newTopic(bench, 'kit-bench-prof'), { profileAs: 'producer' });
    profile = summariseProfile(profileFile('producer'));
  }
  const kcatSpread = kcat.length ? spread(kcat) : undefined;
  const kitSpread = spread(kit);
  const kitProcessSpread = spread(kitProcess);
  return {
    events: bench.events,
    load: [loadBefore, load()],
    kcat: kcatSpread,
    kcatSkipped,
    kit: kitSpread,
    kitProcess: kitProcessSpread,
    wholeProcessRatio: kcatSpread ? round2(kitProcessSpread.best / kcatSpread.best) : undefined,
    kitCpuSecondsPerMillion: round2((Math.min(...kitCpu) / bench.events) * 1e6),
    ratio: kcatSpread ? round2(kitSpread.best / kcatSpread.best) : undefined,
    profile,
  };
}
