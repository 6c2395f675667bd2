/**
 * The fault suite's own Kafka broker and MariaDB server: local processes on ports of their
 * own (19092, 13306) with their data under .kit/faults, started by the kit's `up` script.
 * The suite kills and restarts them; the learner's services on 9092/3306 are never touched.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type KitConfig } from '@donations/lib';
import { ROOT, isProcessAlive } from '../../infra/services.js';

export const FAULT_STATE_DIR = join(ROOT, '.kit', 'faults');
export const FAULT_KAFKA = '127.0.0.1:19092';
export const FAULT_DB_PORT = 13306;

/**
 * The database of the test file that runs (each file runs in a module context of its own):
 * useFaultDatabase gives each file one with a random suffix, created and dropped around it.
 */
let faultDatabase = 'kit_faults';

export function setFaultDatabase(name: string): void {
  faultDatabase = name;
}

/** A password of the suite's own, generated once and kept out of git under .kit/faults. */
function faultPassword(): string {
  const file = join(FAULT_STATE_DIR, 'db-password');
  if (!existsSync(file)) {
    mkdirSync(FAULT_STATE_DIR, { recursive: true });
    writeFileSync(file, randomBytes(12).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The environment of every process the suite starts: its own services, nothing from the learner's. */
export function faultEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The learner's settings (.env and shell) must not leak into the suite's processes.
    if (value !== undefined && !/^(KAFKA_|DATABASE_|PIPELINE_|WORKSHOP_|KIT_|GRAFANA_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    KIT_INFRA: 'local',
    KIT_STATE_DIR: FAULT_STATE_DIR,
    KAFKA_BROKERS: FAULT_KAFKA,
    KAFKA_TOPIC: 'kit-faults-donations',
    DATABASE_URL: `mysql://kit:${faultPassword()}@127.0.0.1:${FAULT_DB_PORT}/${faultDatabase}`,
    GRAFANA_DB_PASSWORD: '',
    ...overrides,
  };
}

/** The suite's config, as its child processes see it. */
export function faultConfig(overrides: Record<string, string> = {}): KitConfig {
  return loadConfig(faultEnv(overrides));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a kit script (`infra/*.ts`) with the suite's environment; kills it after `timeoutMs`. */
export function runKitScript(script: string, args: string[] = [], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, env: options.env ?? faultEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/** `npm run up` for the suite's services: idempotent, returns once both answer. */
export async function upFaultServices(): Promise<void> {
  const result = await runKitScript('infra/up.ts', ['--quiet'], { timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`the fault suite's services did not start:\n${result.stdout}${result.stderr}`);
}

export async function downFaultServices(): Promise<void> {
  const result = await runKitScript('infra/down.ts', [], { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`the fault suite's services did not stop:\n${result.stdout}${result.stderr}`);
}

type ServiceName = 'kafka' | 'mariadb';

function servicePid(name: ServiceName): number {
  const started = JSON.parse(readFileSync(join(FAULT_STATE_DIR, 'run', 'started.json'), 'utf8')) as Record<string, { pid?: number }>;
  const pid = started[name]?.pid;
  if (!pid) throw new Error(`the fault suite did not start ${name}`);
  return pid;
}

/** Stops a service with `signal` (SIGKILL: a crash; SIGTERM: a clean shutdown) and waits until it is gone. */
export async function stopService(name: ServiceName, signal: NodeJS.Signals): Promise<void> {
  const pid = servicePid(name);
  process.kill(pid, signal);
  const deadline = Date.now() + 60_000;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${name} (pid ${pid}) did not exit within 60 s of ${signal}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Crash or stop a service, then bring it back with `up`; returns how long it was away. */
export async function restartService(name: ServiceName, signal: NodeJS.Signals): Promise<{ downMs: number }> {
  const started = performance.now();
  await stopService(name, signal);
  await upFaultServices();
  return { downMs: Math.round(performance.now() - started) };
}
