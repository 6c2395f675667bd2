/** The Docker path of `npm run up`: docker compose with the kit's compose file. */
import { spawnSync } from 'node:child_process';
import { $ } from 'zx';
import type { KitConfig } from '@donations/lib';
import { ROOT } from './services.js';

$.verbose = false;
$.quiet = true;

/** True when a Docker engine answers (the `docker` command alone may be only a client). */
export function dockerEngineAvailable(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 10_000 });
  return result.status === 0 && result.stdout.toString().trim() !== '';
}

export function composeServices(config: KitConfig): string[] {
  const services = ['kafka', 'grafana'];
  services.push(config.database.target === 'singlestore' ? 'singlestore' : 'mariadb');
  return services;
}

export async function composeUp(config: KitConfig): Promise<void> {
  const profile = config.database.target === 'singlestore' ? ['--profile', 'singlestore'] : [];
  await $({ cwd: ROOT, verbose: true })`docker compose ${profile} up -d --wait ${composeServices(config)}`;
}

export async function composeDown(): Promise<void> {
  await $({ cwd: ROOT, verbose: true })`docker compose --profile singlestore down`;
}
