/**
 * What `npm run up | down | status | reset` share: where the kit keeps its local state,
 * how it tells whether a service answers, and the table it prints.
 */
import { createConnection } from 'node:net';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { GRAFANA_PASSWORD_PLACEHOLDER, SetupError, describeError, isDebugEnabled, loadConfig, parseDotEnv, type KitConfig } from '@donations/lib';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Git-ignored: jars, the Jupyter kernel, and the default state of the services the kit starts. */
export const KIT_DIR = join(ROOT, '.kit');

/**
 * Data, logs and pid files of one set of services. KIT_STATE_DIR gives a second set its
 * own (the fault suite runs services it may kill, beside the learner's).
 */
export function stateDir(config: KitConfig): string {
  return config.kit.stateDir ? resolve(ROOT, config.kit.stateDir) : KIT_DIR;
}

function runDir(config: KitConfig): string {
  return join(stateDir(config), 'run');
}

export type ServiceName = 'kafka' | 'mariadb' | 'grafana' | 'singlestore';
export type RunMode = 'local' | 'docker' | 'external';

export interface ServiceState {
  mode: RunMode;
  pid?: number;
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/** The services `up` started, and how: `down` stops only these. */
export function readStartedServices(config: KitConfig): Partial<Record<ServiceName, ServiceState>> {
  const file = join(runDir(config), 'started.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

export function recordStartedService(config: KitConfig, name: ServiceName, state: ServiceState | undefined): void {
  const started = readStartedServices(config);
  if (state) started[name] = state;
  else delete started[name];
  ensureDir(runDir(config));
  writeFileSync(join(runDir(config), 'started.json'), JSON.stringify(started, null, 2));
}

/** A zombie (exited, not yet reaped: common where PID 1 is no init) counts as dead. */
export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      resolvePort(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Polls `check` until it returns true; no fixed sleeps beyond a short poll interval. */
export async function waitUntil(what: string, check: () => Promise<boolean>, options: { timeoutMs: number; failFast?: () => string | undefined }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 100;
  while (Date.now() < deadline) {
    if (await check()) return;
    const failure = options.failFast?.();
    if (failure) throw new SetupError(`${what} did not start: ${failure}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1_000);
  }
  throw new SetupError(`${what} did not answer within ${Math.round(options.timeoutMs / 1000)} s`);
}

export function isLocalHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(host);
}

export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

export function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** The placeholders of .env.example that `npm run up` replaces, each with a random password of its own. */
export const GENERATED_PASSWORD_PLACEHOLDERS = [
  'change-me-local-password',
  GRAFANA_PASSWORD_PLACEHOLDER,
  'change-me-grafana-admin-password',
  'change-me-singlestore-password',
];

/** .env.example as `npm run up` writes it to .env: every placeholder replaced, everywhere it appears. */
export function dotEnvFromExample(example: string): string {
  return GENERATED_PASSWORD_PLACEHOLDERS.reduce((text, placeholder) => text.replaceAll(placeholder, randomBytes(12).toString('hex')), example);
}

/**
 * Makes sure `.env` exists: a fresh clone gets .env.example with generated passwords, so no
 * password is ever committed. An older .env gets the generated variables added since it was
 * written (say GRAFANA_ADMIN_PASSWORD), so that docker compose finds every one it requires.
 */
export function ensureDotEnv(folder = ROOT): { created: boolean; added: string[] } {
  const target = join(folder, '.env');
  const example = readFileSync(join(folder, '.env.example'), 'utf8');
  if (!existsSync(target)) {
    writeFileSync(target, dotEnvFromExample(example), { mode: 0o600 });
    return { created: true, added: [] };
  }
  const present = parseDotEnv(readFileSync(target, 'utf8'));
  const missing = Object.entries(parseDotEnv(example)).filter(([name, value]) => GENERATED_PASSWORD_PLACEHOLDERS.includes(value) && !(name in present));
  if (missing.length > 0) {
    const lines = missing.map(([name, placeholder]) => dotEnvFromExample(`${name}=${placeholder}`));
    appendFileSync(target, `\n# Added by \`npm run up\` (see .env.example)\n${lines.join('\n')}\n`);
  }
  return { created: false, added: missing.map(([name]) => name) };
}

export function loadKitConfig(): KitConfig {
  ensureDotEnv();
  return loadConfig();
}

export interface StatusRow {
  service: string;
  address: string;
  state: string;
  connect: string;
}

export function printTable(rows: StatusRow[]): void {
  const headers: StatusRow = { service: 'service', address: 'address', state: 'state', connect: 'how to connect' };
  const all = [headers, ...rows];
  const keys = Object.keys(headers) as (keyof StatusRow)[];
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: StatusRow) => keys.map((key, i) => row[key].padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Entry point wrapper: a KitError becomes one line on stderr and exit code 1, never a stack trace. */
export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    console.error(`error: ${describeError(error)}`);
    if (isDebugEnabled()) console.error(error);
    process.exitCode = 1;
  }
  // Client libraries keep timers and sockets open; a script ends when its work does.
  process.exit();
}

export function removeDir(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
