/**
 * How the bench measures: child processes (zx), CPU seconds of the services from /proc,
 * the machine's load, best and range of repeated runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import type { KitConfig } from '@donations/lib';
import { ROOT, splitHostPort } from '../services.js';

$.verbose = false;
$.quiet = true;

export const WORKER = join(ROOT, 'infra/bench/worker.ts');

/** The machine's 1-minute load average, rounded: BENCHMARKS.md notes it beside each part. */
export function load(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** The pid listening on a local port (the broker, the database), if this machine runs it. */
export async function listenerPid(port: number): Promise<number | undefined> {
  const out = (await $`ss -ltnpH ${`sport = :${port}`}`.nothrow()).stdout;
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/** User + system CPU seconds a process has used (from /proc; 0 when it is not on this machine). */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export interface Services {
  database: number | undefined;
  broker: number | undefined;
}

export async function servicePids(config: KitConfig): Promise<Services> {
  return { database: await listenerPid(config.database.port), broker: await listenerPid(splitHostPort(config.kafka.brokers[0]!).port) };
}

/** CPU seconds the database and the broker spend during `work`: what the Node profile cannot see. */
export async function withServiceCpu<T>(services: Services, work: () => Promise<T>): Promise<{ value: T; databaseCpuSeconds: number; brokerCpuSeconds: number }> {
  const before = { database: processCpuSeconds(services.database), broker: processCpuSeconds(services.broker) };
  const value = await work();
  return {
    value,
    databaseCpuSeconds: round2(processCpuSeconds(services.database) - before.database),
    brokerCpuSeconds: round2(processCpuSeconds(services.broker) - before.broker),
  };
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  return work().then((value) => ({ value, seconds: (performance.now() - started) / 1000 }));
}

export interface WorkerOptions {
  /** Write a CPU profile of the measured work to this file. */
  profile?: string;
  env?: Record<string, string>;
}

/** Runs infra/bench/worker.ts to completion and returns its RESULT line. */
export async function runWorker<T>(mode: string, args: string[], options: WorkerOptions = {}): Promise<T & { cpuSeconds: number }> {
  const profile = options.profile ? ['--profile', options.profile] : [];
  const run = await $({ cwd: ROOT, env: { ...process.env, ...options.env } })`node --import tsx ${WORKER} ${mode} ${args} ${profile}`.nothrow();
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (run.exitCode !== 0 || !line) throw new Error(`bench worker ${mode} failed (exit ${run.exitCode}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(line.slice('RESULT '.length)) as T & { cpuSeconds: number };
}

/** Starts a long-running worker (the pipeline, for kill -9); resolves once it says STARTED. */
export async function startWorker(mode: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn('node', ['--import', 'tsx', WORKER, mode, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('STARTED')) resolve();
    });
    void exited.then((code) => reject(new Error(`bench worker ${mode} exited (${code}) before it started: ${stderr.trim().slice(-300)}`)));
  });
  return { child, exited };
}

/** Best (highest) and range of repeated rates. */
export function spread(values: number[]): { best: number; min: number; max: number; runs: number[] } {
  const runs = values.map((v) => Math.round(v));
  return { best: Math.max(...runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
