// Builds and runs infra/compose-check: docker-compose.yml loaded by compose-go, the loader of
// `docker compose` itself, as `docker compose up` loads it. No Docker engine is needed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../infra/services.js';
import { GO_BIN, goBuild } from './go-build.js';

export const CHECKER = join(GO_BIN, 'compose-check');

export interface ComposePort { host_ip?: string; target: number; published?: string; protocol?: string }
export interface ComposeVolume { type: string; source?: string; target: string; read_only?: boolean }
export interface ComposeService {
  image: string;
  profiles?: string[];
  command?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: ComposePort[];
  volumes?: ComposeVolume[];
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string; start_period?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, unknown>;
  cpus?: number;
  /** Bytes (compose-go prints them as a string). */
  mem_limit?: number | string;
}
export interface LoadedProject { name: string; services: Record<string, ComposeService> }
export type LoadResult = { ok: true; project: LoadedProject; warnings: string[] } | { ok: false; error: string };

/** Builds the checker into .kit/bin (git-ignored). */
export function buildChecker(): void {
  goBuild('compose-check', 'compose-check');
}

/**
 * Loads docker-compose.yml with `envText` as its only env file and an empty environment (the
 * tester's own variables stay out), with the given profiles and the services `up` names.
 */
export function loadCompose(envText: string, options: { profiles?: string[]; services?: string[] } = {}): LoadResult {
  const envFile = join(mkdtempSync(join(tmpdir(), 'kit-compose-')), '.env');
  writeFileSync(envFile, envText, { mode: 0o600 });
  const args = ['--project-dir', ROOT, '--env-file', envFile];
  for (const profile of options.profiles ?? []) args.push('--profile', profile);
  args.push(...(options.services ?? []));
  const run = spawnSync(CHECKER, args, { stdio: 'pipe', env: { HOME: tmpdir() }, timeout: 60_000 });
  if (run.status !== 0) return { ok: false, error: run.stderr.toString().trim() };
  const { project, warnings } = JSON.parse(run.stdout.toString()) as { project: LoadedProject; warnings: string[] };
  return { ok: true, project, warnings };
}
