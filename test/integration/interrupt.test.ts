// Kernel > Interrupt reaches a notebook's kernel as SIGINT: the kit's work running in that
// process stops, a pipeline started in an earlier cell included. A child process stands in
// for the tslab kernel (the same marker, the same signal), on the real broker and database.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, naiveTableDdl } from '@donations/lib';
import { ROOT } from '../../infra/services.js';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

const KERNEL = `
(globalThis as Record<string, unknown>).__tslab__ = {};
import { createPipeline, openLesson, startCampaign, produceDonations } from '@donations/lib';
const lesson = await openLesson();
const pipeline = createPipeline(lesson, { name: 'interrupted', topic: lesson.kafka.topic, table: 'donation_transactions', format: 'donations-json' });
await pipeline.create();
await pipeline.start();
const campaign = await startCampaign(lesson.db);
const producing = produceDonations(lesson, { campaign, rate: 500, durationMs: 60_000 });
await new Promise((resolve) => setTimeout(resolve, 1_500));
process.kill(process.pid, 'SIGINT');
const summary = await producing.catch((error: Error) => error.message);
await new Promise((resolve) => setTimeout(resolve, 2_000));
console.log('STATE ' + JSON.stringify({ state: (await pipeline.status())?.state, summary: typeof summary === 'string' ? summary : summary.acknowledged }));
await pipeline.close();
await lesson.close();
`;

describe.skipIf(process.env.DATABASE_TARGET === 'singlestore')('an interrupt in a notebook kernel', () => {
  it('stops the producer and a pipeline started earlier, and names them in one line', async () => {
    const topic = await s.topic(2);
    await s.db.execute(naiveTableDdl(s.db.target).sql);
    // Inside the project, so that '@donations/lib' resolves as it does from a notebook.
    mkdirSync(join(ROOT, '.kit'), { recursive: true });
    const folder = mkdtempSync(join(ROOT, '.kit', 'kernel-'));
    const script = join(folder, 'kernel.ts');
    writeFileSync(script, KERNEL);
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), [script], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `mysql://${s.config.database.user}:${encodeURIComponent(s.config.database.password)}@${s.config.database.host}:${s.config.database.port}/${s.database}`, KAFKA_TOPIC: topic },
      timeout: 60_000,
    }).finally(() => rmSync(folder, { recursive: true, force: true }));
    expect(stdout).toMatch(/^Interrupted: stopping pipeline interrupted, the producer of campaign \d+; what the broker acknowledged is recorded\.$/m);
    const result = JSON.parse(/^STATE (.*)$/m.exec(stdout)![1]!) as { state: string; summary: number | string };
    expect(result.state).toBe('Stopped');
    // Stopped after about 1.5 s of 500 a second, far from the minute asked.
    expect(typeof result.summary).toBe('number');
    expect(result.summary as number).toBeLessThan(5_000);
    // The pipeline's own record agrees, from outside the process.
    const pipeline = createPipeline({ db: s.db, kafka: s.kafka }, { name: 'interrupted', topic, table: 'donation_transactions', format: 'donations-json' });
    expect((await pipeline.status())?.state).toBe('Stopped');
  });
});
