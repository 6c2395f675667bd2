/**
 * `npm run pipeline`: the donations pipeline. Creates what is missing, then runs it until
 * Ctrl-C (on SingleStore: starts it in the database and follows it), printing progress.
 */
import { KitError, createKafka, targetOf, openDatabase, setUpDonationsPipeline, DONATIONS_TABLE, type Pipeline } from '@donations/lib';
import { countFlag, endProgress, flags, progressLine, stopOnSignals } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = `usage: npm run pipeline -- [--schema naive|optimized] [--table NAME] [--test N] [--foreground N] [--status] [--until-caught-up]
  --test N           show what the next N messages would become (TEST PIPELINE ... LIMIT N); load nothing
  --foreground N     load N batches and stop (START PIPELINE ... FOREGROUND LIMIT N BATCHES)
  --status           print state, cursors, last batches and errors
  --until-caught-up  stop once the topic's current end is loaded`;

async function printStatus(pipeline: Pipeline): Promise<void> {
  console.log('status: ', await pipeline.status());
  console.table(await pipeline.cursors());
  // SingleStore's batch rows are rows extracted (ROWS_STREAMED), not rows loaded: the column says which.
  console.table((await pipeline.batches(5)).map(({ batchId, rows, rowsCounted, skippedDuplicates, rejected, batchTimeMs, rowsPerSecond }) => ({ batchId, [`rows ${rowsCounted}`]: rows, skippedDuplicates, rejected, batchTimeMs, rowsPerSecond })));
  const errors = await pipeline.errors(10);
  if (errors.length) console.table(errors.map(({ partition, offset, kind, reason }) => ({ partition, offset, kind, reason })));
}

await runScript(async () => {
  const args = flags(
    { schema: { type: 'string' }, table: { type: 'string' }, test: { type: 'string' }, foreground: { type: 'string' }, status: { type: 'boolean' }, 'until-caught-up': { type: 'boolean' } },
    USAGE,
  );
  if (args.help) return console.log(USAGE);
  const schema = (args.schema as string | undefined) ?? 'naive';
  if (schema !== 'naive' && schema !== 'optimized') throw new KitError(`--schema: "${schema}" is neither naive nor optimized`);
  const testCount = countFlag(args.test, 'test');
  const foreground = countFlag(args.foreground, 'foreground');
  const config = loadKitConfig();
  const db = openDatabase(config.database);
  const pipeline = await setUpDonationsPipeline({ db, kafka: createKafka(config.kafka) }, { schema, table: (args.table as string | undefined) ?? DONATIONS_TABLE });
  try {
    console.log(`-- ${targetOf(config.database).runsSingleStoreSql ? 'running' : 'the kit runs the equivalent of'}:\n${pipeline.statements.create()}\n`);
    if (args.status) return await printStatus(pipeline);
    if (testCount) return console.table(await pipeline.test(testCount));
    if (foreground) return console.table(await pipeline.runForeground(foreground));

    const signal = stopOnSignals('the pipeline');
    await pipeline.start();
    const started = Date.now();
    let previous = 0n;
    let previousAt = Date.now();
    for (;;) {
      const cursors = await pipeline.cursors();
      const loaded = cursors.reduce((sum, c) => sum + BigInt(c.loadedOffset), 0n);
      const latest = cursors.reduce((sum, c) => sum + BigInt(c.latestOffset), 0n);
      const rate = Number(loaded - previous) / ((Date.now() - previousAt) / 1000 || 1);
      previous = loaded;
      previousAt = Date.now();
      progressLine(`${loaded.toLocaleString('en-US')} messages loaded, ${Math.round(rate).toLocaleString('en-US')} msg/s, lag ${(latest - loaded).toLocaleString('en-US')}, ${Math.round((Date.now() - started) / 1000)} s`);
      if (signal.aborted) break;
      if (args['until-caught-up']) {
        try {
          await pipeline.waitUntilCaughtUp({ timeoutMs: 2_000 });
          break;
        } catch {
          continue;
        }
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
    endProgress();
    await printStatus(pipeline);
  } finally {
    await pipeline.close();
    await db.close();
  }
});
