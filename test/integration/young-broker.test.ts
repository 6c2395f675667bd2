// The first run on a young broker: a broker of its own, started from a fresh data folder so
// that __consumer_offsets does not exist yet, then `npm run produce`, `npm run pipeline --
// --until-caught-up` and `npm run reconcile` as a learner runs them, on the release line of
// KIT_KAFKA_VERSION. The first group join waits while the broker creates its offsets topic;
// the pipeline used to stop there ("Consumer group was not initialized"). Every other run
// gives the pipeline a client of no retries, which meets the coordinator not yet
// available every time (a slower machine's young broker).
// YOUNG_BROKER_RUNS sets how many brokers (default 2).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, dropDatabase, ensureDatabase, loadConfig, openDatabase, setUpDonationsPipeline } from '@donations/lib';
import { startLocalKafka, stopProcess } from '../../infra/local-services.js';
import { KIT_DIR, isPortOpen } from '../../infra/services.js';
import { faultEnv, runKitScript } from '../faults/fault-services.js';
import { scratch, type Scratch } from './helpers.js';

const RUNS = Number(process.env.YOUNG_BROKER_RUNS ?? 2);
const LINE = loadConfig().kit.kafkaVersion;
const TOPIC = 'kit-young-donations';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

/** A port and the one above it (the controller's) that nothing listens on, from 29500 up. */
async function freePortPair(): Promise<number> {
  for (let port = 29_500; port < 29_600; port += 2) {
    if (!(await isPortOpen('127.0.0.1', port)) && !(await isPortOpen('127.0.0.1', port + 1))) return port;
  }
  throw new Error('no free port pair in 29500-29599');
}

/** The environment of the kit's scripts for run `run`: its broker, the scratch database, a database of its own per run. */
function runEnv(run: number, port: number): Record<string, string> {
  const { user, password, host, port: dbPort } = s.config.database;
  return faultEnv({
    KIT_STATE_DIR: join(KIT_DIR, 'young', `${LINE}-${run}`),
    KIT_KAFKA_VERSION: LINE,
    KAFKA_BROKERS: `127.0.0.1:${port}`,
    KAFKA_TOPIC: TOPIC,
    DATABASE_URL: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${dbPort}/${s.database}_${run}`,
  });
}

const outcomes: { run: number; slow: boolean; ok: boolean; ms: number }[] = [];

describe(`the first run on a young broker (Kafka ${LINE}, ${RUNS} brokers)`, () => {
  it.each(Array.from({ length: RUNS }, (_, i) => i + 1))(
    'run %i: a fresh broker, then produce, the pipeline until caught up, and an EXACT reconciliation',
    async (run) => {
      const port = await freePortPair();
      const env = runEnv(run, port);
      rmSync(env.KIT_STATE_DIR!, { recursive: true, force: true });
      const config = loadConfig(env);
      await ensureDatabase(config.database);
      const pid = await startLocalKafka(config);
      const started = performance.now();
      const slow = run % 2 === 0;
      try {
        const produced = await runKitScript('infra/produce.ts', ['--count', '2k'], { env });
        expect(produced.code, produced.stderr).toBe(0);
        if (slow) {
          // In process, with a client of no retries: the coordinator stays unavailable past its budget.
          const db = openDatabase(config.database);
          try {
            const pipeline = await setUpDonationsPipeline({ db, kafka: createKafka(config.kafka, { retries: 0 }) });
            await pipeline.start();
            try {
              await pipeline.waitUntilCaughtUp({ timeoutMs: 60_000 });
            } finally {
              await pipeline.stop();
            }
          } finally {
            await db.close();
          }
        } else {
          const pipeline = await runKitScript('infra/pipeline.ts', ['--until-caught-up'], { env, timeoutMs: 90_000 });
          expect(pipeline.code, `${pipeline.stdout.slice(-500)}${pipeline.stderr}`).toBe(0);
        }
        const reconciled = await runKitScript('infra/reconcile.ts', [], { env });
        expect(reconciled.stdout, reconciled.stderr).toMatch(/: EXACT/);
        outcomes.push({ run, slow, ok: true, ms: Math.round(performance.now() - started) });
      } catch (error) {
        outcomes.push({ run, slow, ok: false, ms: Math.round(performance.now() - started) });
        throw error;
      } finally {
        await stopProcess(pid, 'the young broker');
        rmSync(env.KIT_STATE_DIR!, { recursive: true, force: true });
        await dropDatabase(config.database, config.database.database).catch(() => undefined);
      }
    },
    180_000,
  );

  afterAll(() => {
    const passed = (slow: boolean) => outcomes.filter((o) => o.slow === slow && o.ok).length;
    const of = (slow: boolean) => outcomes.filter((o) => o.slow === slow).length;
    console.log(`young brokers, Kafka ${LINE}: as users run it ${passed(false)}/${of(false)} passed, no-retry client ${passed(true)}/${of(true)} passed; ${outcomes.map((o) => `${o.ms} ms`).join(', ')}`);
  });
});
