// The lab as a learner uses it: JupyterLab started as `npm run lab` starts it, driven in
// Debian's Chromium through its menus and keyboard. Notebooks 00, 01 and 02 run with
// Run All; an exercise runs after the last cell closed the lesson; Kernel > Interrupt stops
// a long cell's producer and pipeline (checked in Kafka and the database, outside the
// browser); 02 then runs again in the same kernel. A database and topic of its own, as the
// notebook test; screenshots in out/lab/.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKafka, createPipeline, deleteTopics, dropDatabase, getCampaign, loadConfig, openDatabase, readEnvironment, topicOffsets, type Database, type KafkaClient } from '@donations/lib';
import { prepareLab } from '../../infra/lab.js';
import { NOTEBOOKS_DIR } from '../../infra/jupyter.js';
import { ROOT } from '../../infra/services.js';
import { chromiumMissing, freePort, JupyterLabPage, launchChromium, type NotebookState } from './jupyterlab.js';

const missing = chromiumMissing();
const suffix = randomBytes(3).toString('hex');
const database = `kit_test_lab_${suffix}`;
const topic = `kit-test-lab-${suffix}`;
const url = new URL(readEnvironment().DATABASE_URL!);
url.pathname = `/${database}`;
const env = { DATABASE_URL: url.toString(), KAFKA_TOPIC: topic };
const config = loadConfig({ ...readEnvironment(), ...env });
const shots = join(ROOT, 'out', 'lab');
// JupyterLab serves a copy: what it saves (autosave included) never reaches notebooks/.
const served = join(shots, 'notebooks');
/** 02's pipeline, as the notebook creates it. */
const QUICK_START_PIPELINE = { name: 'kafka_msg_consumer', table: 'messages', format: 'lines' } as const;
const QUICK_START = '02-pipeline-quick-start.ipynb';

const numbered = (state: NotebookState) => state.prompts.every((prompt) => /^\[\d+\]:$/.test(prompt));
const counts = (state: NotebookState) => state.prompts.map((prompt) => Number(/\d+/.exec(prompt)?.[0] ?? 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds for its value; the last value otherwise. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && (done(value) || Date.now() > deadline)) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

describe.skipIf(missing)('the lab in a browser (JupyterLab, Chromium)', () => {
  let lab: ChildProcess | undefined;
  let output = '';
  let browser: Browser | undefined;
  let jl: JupyterLabPage;
  let db: Database;
  let kafka: KafkaClient;
  let scratch = '';
  let started = 0;

  const topicEnd = async () => (await topicOffsets(kafka, topic)).reduce((sum, range) => sum + range.high, 0n);
  /** 02's pipeline as the database records it (by name: the status carries the topic 02 gave it). */
  const quickStartPipeline = async () => {
    const pipeline = createPipeline({ db, kafka }, { ...QUICK_START_PIPELINE, topic });
    try {
      return await pipeline.status();
    } finally {
      if ('close' in pipeline && typeof pipeline.close === 'function') await pipeline.close();
    }
  };

  beforeAll(async () => {
    started = Date.now();
    mkdirSync(shots, { recursive: true });
    rmSync(served, { recursive: true, force: true });
    mkdirSync(served);
    for (const name of readdirSync(NOTEBOOKS_DIR).filter((file) => file.endsWith('.ipynb'))) cpSync(join(NOTEBOOKS_DIR, name), join(served, name));
    scratch = mkdtempSync(join(tmpdir(), 'kit-lab-test-'));
    db = openDatabase(config.database);
    kafka = createKafka(config.kafka);

    const port = await freePort();
    const launch = await prepareLab({ port, openBrowser: false, notebookDir: served, env });
    // Settings and workspaces of its own: the learner's (in .kit/jupyter/config) stay as they are.
    const args = [...launch.args, `--LabApp.user_settings_dir=${join(scratch, 'settings')}`, `--LabApp.workspaces_dir=${join(scratch, 'workspaces')}`];
    lab = spawn(launch.command, args, { env: launch.env, stdio: ['ignore', 'pipe', 'pipe'] });
    lab.stdout!.on('data', (chunk) => (output += chunk));
    lab.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 90_000;
    while (!/\?token=[0-9a-f]+/.test(output)) {
      if (Date.now() > deadline || lab.exitCode !== null) throw new Error(`JupyterLab did not start:\n${output.slice(-2000)}`);
      await sleep(250);
    }
    const token = /\?token=([0-9a-f]+)/.exec(output)![1]!;
    browser = await launchChromium(join(scratch, 'chromium'));
    jl = await JupyterLabPage.open(browser, `http://127.0.0.1:${port}`, token, `kit-browser-test-${suffix}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (lab && lab.exitCode === null && lab.signalCode === null) {
      // Jupyter shuts its kernels down on SIGTERM, which ends anything they still run.
      const closed = new Promise((resolve) => lab!.once('close', resolve));
      lab.kill('SIGTERM');
      if ((await Promise.race([closed, sleep(20_000).then(() => 'late')])) === 'late') lab.kill('SIGKILL');
    }
    // 02's topic, as its pipeline recorded it, goes too when it is the test's own (derived from
    // KAFKA_TOPIC). A shared name such as `test` stays: other runs on this broker may be using it.
    const quickStartTopic = await quickStartPipeline().then((status) => status?.topic, () => undefined);
    await db?.close();
    await dropDatabase(config.database, database);
    await deleteTopics(kafka, [topic, ...(quickStartTopic?.startsWith(topic) ? [quickStartTopic] : [])]);
    rmSync(served, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    // Jupyter's log, for a failure's cause (a kernel that died, a refused request).
    writeFileSync(join(shots, 'jupyterlab.log'), output.replace(/token=[0-9a-f]+/g, 'token=***'));
    console.log(`browser test: ${Math.round((Date.now() - started) / 1000)} s, screenshots in ${shots}`);
  }, 60_000);

  beforeEach(() => {
    // A failure above leaves nothing to drive.
    if (!browser) throw new Error(`JupyterLab or Chromium did not start:\n${output.slice(-2000)}`);
  });

  it('runs 00 with Run > Run All Cells: every cell, no error', async () => {
    await jl.openNotebook('00-setup.ipynb');
    const state = await jl.runAll(60_000);
    await jl.screenshot(join(shots, '00-setup.png'));
    expect(state.errors).toEqual([]);
    expect(numbered(state)).toBe(true);
    expect(state.outputs.join('\n')).toMatch(/^Target: (MariaDB|SingleStore)\./m);
  });

  it('runs 01 the same way: the message is produced and read back', async () => {
    await jl.openNotebook('01-kafka-smoke-tests.ipynb');
    const state = await jl.runAll(60_000);
    await jl.screenshot(join(shots, '01-kafka-smoke-tests.png'));
    expect(state.errors).toEqual([]);
    expect(numbered(state)).toBe(true);
    expect(state.outputs.join('\n')).toMatch(/^msg0 stored in partition \d+ at offset \d+$/m);
  });

  let quickStartKernel: string | undefined;
  let lastCount = 0;

  it('runs 02 the same way: the pipeline loads, then stops', async () => {
    await jl.openNotebook(QUICK_START);
    const state = await jl.runAll(90_000);
    await jl.screenshot(join(shots, '02-pipeline-quick-start.png'));
    expect(state.errors).toEqual([]);
    expect(numbered(state)).toBe(true);
    expect(state.outputs.join('\n')).toMatch(/^rows in messages after the batch: [1-9]\d*$/m);
    expect((await quickStartPipeline())?.state).toBe('Stopped');
    quickStartKernel = await jl.kernelId(QUICK_START);
    expect(quickStartKernel).toBeTruthy();
    lastCount = Math.max(...counts(state));
  });

  it("runs an exercise after Run All, though the last cell closed the lesson (02's exercise 2)", async () => {
    await jl.addCellAndRun([
      `await produceLine(kafka, pipeline.spec.topic, 'exercise 2, run ${suffix}');`,
      'const exercise = await pipeline.runForeground(1);',
      'console.log(`exercise 2: ${exercise.length} batch, ${exercise[0]?.rows} row(s)`);',
    ]);
    const state = await jl.waitUntilRun(60_000);
    await jl.screenshot(join(shots, '02-exercise.png'));
    expect(state.errors).toEqual([]);
    expect(state.outputs.at(-1)).toMatch(/^exercise 2: 1 batch, [1-9]\d* row\(s\)$/);
    const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE id = ?', [`exercise 2, run ${suffix}`]);
    expect(Number(row!.n)).toBe(1);
    lastCount = Math.max(...counts(state));
  });

  it('stops a long cell on Kernel > Interrupt Kernel: the producer and the pipeline stop, what was acknowledged is recorded', async () => {
    await jl.addCellAndRun([
      "import { createTopic, ensureCampaignsTable, startCampaign, produceDonations } from '@donations/lib';",
      'await createTopic(kafka);',
      'await ensureCampaignsTable(db);',
      'const long = await startCampaign(db);',
      'console.log(`campaign ${long.id}: 500 donations/s for 2 minutes, and a foreground pipeline`);',
      'const producing = produceDonations(lesson, { campaign: long, rate: 500, durationMs: 120_000 });',
      'const loading = pipeline.runForeground(1_000_000, { timeoutMs: 120_000 });',
      'await Promise.all([producing, loading]);',
    ]);
    // Two seconds of donations at least, and the pipeline running, before the interrupt.
    await poll(topicEnd, (end) => end >= 1_000n, 60_000);
    expect((await quickStartPipeline())?.state).toBe('Running');
    expect(await jl.kernelStatus()).toBe('Busy');
    await jl.menu('Kernel', 'Interrupt Kernel');
    const state = await jl.waitUntilRun(30_000);
    expect(await jl.kernelStatus()).toBe('Idle');
    await jl.screenshot(join(shots, '02-interrupted.png'));
    const cell = state.outputs.at(-1)!;
    const campaignId = Number(/^campaign (\d+):/m.exec(cell)?.[1]);
    expect(cell).toMatch(/Interrupted: stopping (the producer of campaign \d+|the foreground run of pipeline kafka_msg_consumer), (the producer of campaign \d+|the foreground run of pipeline kafka_msg_consumer); what the broker acknowledged is recorded\./);
    // The interrupt's error is the only one, in one line (no tslab stack).
    expect(state.errors).toHaveLength(1);
    expect(state.errors[0]).toMatch(/^\[?Interrupted \(Kernel > Interrupt\)\.\]?$/);

    // The producer flushes what is in flight and records it: the ledger reaches the topic's end, then neither moves.
    const sent = async () => (await getCampaign(db, campaignId))?.eventsSent ?? -1;
    const settled = await poll(async () => ({ end: await topicEnd(), sent: await sent() }), ({ end, sent }) => BigInt(sent) === end, 15_000);
    expect(BigInt(settled.sent)).toBe(settled.end);
    await sleep(3_000);
    expect(await topicEnd()).toBe(settled.end);
    expect(await sent()).toBe(settled.sent);
    // Stopped long before its two minutes (60,000 donations).
    expect(settled.sent).toBeGreaterThanOrEqual(1_000);
    expect(settled.sent).toBeLessThan(30_000);
    // The foreground run ended with the cell: no longer Running, its lock released.
    expect((await quickStartPipeline())?.state).toBe('Stopped');
    // The kernel lived through it.
    expect(await jl.kernelId(QUICK_START)).toBe(quickStartKernel);
    lastCount = Math.max(...counts(state));
  });

  it('runs 02 again in the same kernel after the interrupt', async () => {
    await jl.deleteLastCell();
    await jl.deleteLastCell();
    const state = await jl.runAll(90_000);
    await jl.screenshot(join(shots, '02-rerun.png'));
    expect(state.errors).toEqual([]);
    expect(numbered(state)).toBe(true);
    expect(await jl.kernelId(QUICK_START)).toBe(quickStartKernel);
    // Numbered after the cells before: the same kernel went on counting.
    expect(Math.min(...counts(state))).toBeGreaterThan(lastCount);
    expect(state.outputs.join('\n')).toMatch(/^rows in messages after the batch: [1-9]\d*$/m);
    expect((await quickStartPipeline())?.state).toBe('Stopped');
  });
});

if (missing) {
  console.warn(`browser test skipped: ${missing}`);
  describe('the lab in a browser', () => {
    it.skip(`skipped: ${missing}`, () => undefined);
  });
}
