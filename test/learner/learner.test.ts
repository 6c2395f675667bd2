// A learner without root, as on a laptop: a user account of its own, a clean copy of the
// repository in its home, and the README's first command, `npm run workshop`, then one CLI.
// It uses only what root installed beforehand (Node, Java, MariaDB, Python with venv): the
// npm packages, Kafka's jars, Jupyter's venv, the services' data all land in its copy, and
// its services listen on ports of their own. Needs root to create and remove the user.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, dotEnvFromExample, isPortOpen, isProcessAlive } from '../../infra/services.js';

// One learner per work tree, so that two checkouts running `npm test` at once never meet.
const TREE = createHash('sha256').update(ROOT).digest('hex');
const LEARNER = `kitlearner-${TREE.slice(0, 6)}`;
/** Where this work tree's learner starts looking for free ports. */
const PORT_OFFSET = (parseInt(TREE.slice(6, 8), 16) % 40) * 10;
const HOME = `/home/${LEARNER}`;
const CLONE = join(HOME, 'kit');
const LOGS = join(ROOT, 'out', 'learner');
let kafkaPort = 0;
let dbPort = 0;

/** The first of `from`, `from + 10`, ... whose `width` ports are all free. */
async function freePorts(from: number, width: number): Promise<number> {
  for (let port = from; port < from + 500; port += 10) {
    const taken = await Promise.all(Array.from({ length: width }, (_, i) => isPortOpen('127.0.0.1', port + i, 300)));
    if (!taken.includes(true)) return port;
  }
  throw new Error(`no free ports from ${from}`);
}

const isRoot = process.getuid?.() === 0;
const hasUserTools = ['useradd', 'userdel', 'runuser'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout;
}

function learnerUid(): number | undefined {
  const result = spawnSync('id', ['-u', LEARNER], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

function learnerProcesses(): number[] {
  const result = spawnSync('ps', ['-o', 'pid=', '-u', LEARNER], { encoding: 'utf8' });
  return result.stdout.split('\n').map((line) => Number(line.trim())).filter((pid) => pid > 0);
}

/** Removes the learner, its processes (all started by this test) and its files, including what it left in /tmp. */
async function removeLearner(): Promise<void> {
  const uid = learnerUid();
  if (uid === undefined) return;
  for (const pid of learnerProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 15_000;
  while (learnerProcesses().some(isProcessAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  spawnSync('userdel', ['--force', '--remove', LEARNER]);
  for (const name of readdirSync('/tmp')) {
    const path = join('/tmp', name);
    try {
      if (statSync(path).uid === uid) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
  rmSync(HOME, { recursive: true, force: true });
}

/** The files a fresh clone has: tracked and untracked-but-not-ignored (so uncommitted work is tested too), no node_modules, no .kit, no .env. */
function copyRepository(target: string): void {
  const files = run('git', ['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
  for (const file of files) {
    const source = join(ROOT, file);
    if (!existsSync(source)) continue; // deleted in the work tree
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(source, join(target, file), { preserveTimestamps: true });
  }
}

/** .env as `npm run up` would write it, with ports of the learner's own. */
function learnerDotEnv(): string {
  return dotEnvFromExample(readFileSync(join(ROOT, '.env.example'), 'utf8'))
    .replace(/^KAFKA_BROKERS=.*$/m, `KAFKA_BROKERS=127.0.0.1:${kafkaPort}`)
    .replace(/^(DATABASE_URL=mysql:\/\/[^@\s]+@127\.0\.0\.1:)3306\//m, `$1${dbPort}/`)
    .replace(/^KIT_INFRA=.*$/m, 'KIT_INFRA=local');
}

/** What a login shell of the learner has: its home, the system PATH (plus this Node's folder), and the machine's CA and registry settings. */
function learnerEnv(): string[] {
  const passed = Object.entries(process.env)
    .filter(([name]) => /^(LANG|LC_ALL|TZ|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|PIP_CERT|PIP_INDEX_URL|PIP_DEFAULT_TIMEOUT|npm_config_registry)$/.test(name))
    .map(([name, value]) => `${name}=${value}`);
  return [`HOME=${HOME}`, `USER=${LEARNER}`, `LOGNAME=${LEARNER}`, `PATH=${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, ...passed];
}

interface Result {
  code: number | null;
  output: string;
  seconds: number;
}

/** Runs a shell command as the learner in its copy; its output also goes to out/learner/<log>.log. */
function asLearner(command: string, log: string, timeoutMs: number): Promise<Result> {
  mkdirSync(LOGS, { recursive: true });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', LEARNER, '--', 'env', '-i', ...learnerEnv(), 'sh', '-c', `cd ${CLONE} && ${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      writeFileSync(join(LOGS, `${log}.log`), output);
      resolve({ code, output, seconds: Math.round((performance.now() - started) / 100) / 10 });
    });
  });
}

const tail = (text: string) => text.trim().split('\n').slice(-25).join('\n');

function startedServices(): Record<string, { pid?: number }> {
  return JSON.parse(readFileSync(join(CLONE, '.kit', 'run', 'started.json'), 'utf8'));
}

function ownerOf(pid: number): string {
  return run('ps', ['-o', 'user=', '-p', String(pid)]).trim();
}

describe.skipIf(!isRoot || !hasUserTools)(`a learner without root (skipped unless npm test runs as root, which creates and removes user ${LEARNER})`, () => {
  beforeAll(async () => {
    await removeLearner(); // a previous run that was killed
    kafkaPort = await freePorts(39092 + PORT_OFFSET, 2); // the broker and its controller
    dbPort = await freePorts(33306 + PORT_OFFSET, 1);
    run('useradd', ['--create-home', '--shell', '/bin/sh', LEARNER]);
    copyRepository(CLONE);
    writeFileSync(join(CLONE, '.env'), learnerDotEnv(), { mode: 0o600 });
    run('chown', ['-R', `${LEARNER}:`, HOME]);
  }, 120_000);

  afterAll(async () => {
    if (learnerUid() !== undefined && existsSync(join(CLONE, 'node_modules'))) await asLearner('npm run down', 'down', 120_000);
    await removeLearner();
  }, 180_000);

  it('runs the whole workshop with its first command, on services it starts as itself', async () => {
    const result = await asLearner('npm run workshop -- --rows 20k', 'workshop', 1_500_000);
    console.log(`learner: npm run workshop -- --rows 20k on a fresh copy took ${result.seconds} s`);
    expect(result.code, tail(result.output)).toBe(0);
    const lessons = readdirSync(join(ROOT, 'notebooks')).filter((name) => name.endsWith('.ipynb')).length;
    expect(result.output).toMatch(new RegExp(`notebooks: ${lessons} passed, 0 failed or not run`));
    expect(result.output).toMatch(/downloading \d+ Apache Kafka jars/);
    expect(result.output).toMatch(/installing JupyterLab, nbconvert and ipykernel from PyPI into \.kit\/jupyter\/venv/);
    const executed = readdirSync(join(CLONE, 'out', 'notebooks')).filter((name) => name.endsWith('.ipynb'));
    expect(executed).toHaveLength(lessons);

    // Both services run as the learner, from the packages root installed.
    const services = startedServices();
    for (const name of ['kafka', 'mariadb']) {
      const pid = services[name]?.pid;
      expect(isProcessAlive(pid), `${name} runs`).toBe(true);
      expect(ownerOf(pid!), `${name}'s user`).toBe(LEARNER);
    }
    // Nothing outside the copy changed but npm's own cache.
    const home = readdirSync(HOME).filter((name) => !['.bashrc', '.profile', '.bash_logout'].includes(name));
    expect(home.sort()).toEqual(['.npm', 'kit']);
  }, 1_600_000);

  it('then runs a presenter CLI: npm run produce', async () => {
    const result = await asLearner('npm run produce -- --count 1k', 'produce', 180_000);
    expect(result.code, tail(result.output)).toBe(0);
    expect(result.output).toMatch(/sent 1,000, acknowledged 1,000, failed 0/);
  }, 200_000);
});
