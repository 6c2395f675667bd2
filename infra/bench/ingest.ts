/** The ingest part: raw LOAD DATA of a ready file (the database's limit) vs the kit's pipeline, with and without lesson 09's totals. */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { DONATION_COLUMN_NAMES, checkTotals, ensureTotalsTables, rebuildTotalsSql, tsvChunks } from '@donations/lib';
import { $ } from 'zx';
import { benchCampaign, campaignRows } from './events.js';
import { load, round2, runWorker, spread, timed, withServiceCpu } from './measure.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import type { Results } from './report.js';
import { BENCH_DATABASE, OUT, SEED, count, freshTable, n, profileFile, sourceTopic, workerEnv, type Bench } from './context.js';

/** mariadb's own client, LOAD DATA LOCAL INFILE of a ready file: no Kafka, no JavaScript, the database's limit. */
async function rawLoadData(bench: Bench, file: string, table: string): Promise<number> {
  const { host, port, user, password } = bench.config.database;
  const sql = `LOAD DATA LOCAL INFILE '${file}' INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`;
  const started = performance.now();
  // The password goes through the environment, never the command line (ps would show it).
  await $({ env: { ...process.env, MYSQL_PWD: password } })`mariadb --local-infile=1 -h ${host} -P ${port} -u ${user} ${BENCH_DATABASE} -e ${sql}`;
  return (performance.now() - started) / 1000;
}

async function pipelineRun(bench: Bench, topic: string, table: string, options: { layout?: 'naive' | 'optimized'; totals?: boolean; writer?: string; profileAs?: string } = {}) {
  await freshTable(bench.db, table, options.layout ?? 'naive');
  if (options.totals) {
    await ensureTotalsTables(bench.db);
    for (const sql of rebuildTotalsSql(table).slice(0, 5)) await bench.db.execute(sql, [bench.campaignId]);
  }
  const profile = options.profileAs ? profileFile(options.profileAs) : undefined;
  const args = ['--topic', topic, '--table', table, '--name', `bench_${table}`, ...(options.totals ? ['--totals'] : []), ...(options.writer ? ['--writer', options.writer] : [])];
  const run = await withServiceCpu(bench.services, () => runWorker<{ seconds: number; batches: number }>('ingest', args, { env: workerEnv, profile }));
  const loaded = await count(bench.db, table);
  if (loaded !== bench.events) throw new Error(`the pipeline loaded ${loaded} of ${bench.events} rows into ${table}`);
  return {
    rowsPerSecond: bench.events / run.value.seconds,
    batches: run.value.batches,
    cpu: { node: round2(run.value.cpuSeconds), database: run.databaseCpuSeconds, broker: run.brokerCpuSeconds },
  };
}

export async function benchIngest(bench: Bench): Promise<NonNullable<Results['ingest']>> {
  const loadBefore = load();
  const topic = await sourceTopic(bench);
  // The same rows, once, as a ready file: what the pipeline would write.
  const file = join(OUT, 'donations.tsv');
  const out = createWriteStream(file);
  for (const chunk of tsvChunks(campaignRows(benchCampaign(bench.campaignId, SEED), bench.events))) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');

  const raw: number[] = [];
  const rawDatabaseCpu: number[] = [];
  const pipeline: number[] = [];
  const pipelineCpu: { node: number; database: number; broker: number }[] = [];
  let batches = 0;
  for (let run = 0; run < bench.repeat; run++) {
    const table = `ingest_raw_${run}`;
    await freshTable(bench.db, table);
    const rawRun = await withServiceCpu(bench.services, () => rawLoadData(bench, file, table));
    if ((await count(bench.db, table)) !== bench.events) throw new Error(`LOAD DATA loaded a different count into ${table}`);
    raw.push(bench.events / rawRun.value);
    rawDatabaseCpu.push(rawRun.databaseCpuSeconds);
    await bench.db.execute(`DROP TABLE ${table}`);

    const kit = await pipelineRun(bench, topic, `ingest_pipeline_${run}`);
    pipeline.push(kit.rowsPerSecond);
    pipelineCpu.push(kit.cpu);
    batches = kit.batches;
    await bench.db.execute(`DROP TABLE ingest_pipeline_${run}`);
    console.log(`ingest, run ${run + 1}: raw LOAD DATA ${n(raw[run]!)} rows/s, pipeline ${n(pipeline[run]!)} rows/s`);
  }

  // Breakdown: the old reference (LOAD DATA streamed through the kit's JavaScript transform, no Kafka), and the INSERT writer.
  await freshTable(bench.db, 'ingest_js_reference');
  const js = await timed(() =>
    bench.db.withConnection((connection) =>
      connection.loadData(`LOAD DATA LOCAL INFILE 'bench' INTO TABLE ingest_js_reference CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`, () =>
        Readable.from(tsvChunks(campaignRows(benchCampaign(bench.campaignId, SEED), bench.events))),
      ),
    ),
  );
  const insertWriter = await pipelineRun(bench, topic, 'ingest_insert_writer', { writer: 'insert' });

  // Lesson 09's question: what do totals kept in each batch's transaction cost? Same layout (the kit's), alternated.
  const withoutTotals: number[] = [];
  const withTotals: number[] = [];
  let totalsExact = true;
  for (let run = 0; run < Math.max(2, bench.repeat); run++) {
    withoutTotals.push((await pipelineRun(bench, topic, 'ingest_optimized', { layout: 'optimized' })).rowsPerSecond);
    withTotals.push((await pipelineRun(bench, topic, 'ingest_totals', { layout: 'optimized', totals: true })).rowsPerSecond);
    totalsExact &&= (await checkTotals(bench.db, 'ingest_totals', bench.campaignId)).exact;
  }

  let profile: ProfileSummary | undefined;
  if (bench.profile) {
    const profiled = await pipelineRun(bench, topic, 'ingest_profiled', { profileAs: 'pipeline' });
    profile = summariseProfile(profileFile('pipeline'));
    console.log(`ingest, profiled run: ${n(profiled.rowsPerSecond)} rows/s (slower: the profiler samples)`);
  }
  const rawSpread = spread(raw);
  const pipelineSpread = spread(pipeline);
  const best = pipelineCpu[pipeline.indexOf(Math.max(...pipeline))]!;
  const without = spread(withoutTotals);
  const withT = spread(withTotals);
  return {
    rows: bench.events,
    load: [loadBefore, load()],
    rawLoadData: { ...rawSpread, databaseCpuSeconds: round2(Math.min(...rawDatabaseCpu)) },
    pipeline: { ...pipelineSpread, batches, cpu: best },
    jsReferenceRowsPerSecond: Math.round(bench.events / js.seconds),
    insertWriterRowsPerSecond: Math.round(insertWriter.rowsPerSecond),
    totals: { without, with: withT, ratio: round2(withT.best / without.best), exact: totalsExact },
    ratio: round2(pipelineSpread.best / rawSpread.best),
    profile,
  };
}
