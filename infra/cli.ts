/** Small helpers the presenter CLIs share: flags, a progress line, Ctrl-C. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KitError } from '@donations/lib';

/**
 * Whether the module at `moduleUrl` (its import.meta.url) is the script Node was started with.
 * Compared as file URLs of real paths: a checkout under "My Projects" or behind a symlink
 * (macOS's /tmp) still runs.
 */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  let real = script;
  try {
    real = realpathSync(script);
  } catch {
    // A script path that no longer resolves: compare it as given.
  }
  return moduleUrl === pathToFileURL(real).href || moduleUrl === pathToFileURL(script).href;
}

export function flags<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options: { ...options, help: { type: 'boolean' } }, allowPositionals: false }).values as unknown as Record<keyof T | 'help', string | boolean | undefined>;
  } catch (error) {
    throw new KitError(`${(error as Error).message}\n${usage}`);
  }
}

/** A count: 50000, 50_000, 50k, 2m or 1.5m (millions). */
export function countFlag(value: string | boolean | undefined, name: string, min = 1): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(value.replace(/_/g, '').trim());
  const count = match ? Number(match[1]) * ({ '': 1, k: 1_000, m: 1_000_000 } as Record<string, number>)[match[2]!.toLowerCase()]! : Number.NaN;
  if (!Number.isSafeInteger(count) || count < min) throw new KitError(`--${name}: "${value}" is not a count (examples: 50000, 50k, 2m for two million)`);
  return count;
}

/** A duration in milliseconds: 500ms, 30s, 2m or 2min (minutes). A bare number is refused: 60 could mean anything. */
export function durationFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)$/i.exec(value.replace(/_/g, '').trim());
  if (!match) throw new KitError(`--${name}: "${value}" is not a duration: give a unit (examples: 500ms, 30s, 2m, 1h)`);
  const unitMs = ({ ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000 } as Record<string, number>)[match[2]!.toLowerCase()]!;
  const ms = Math.round(Number(match[1]) * unitMs);
  if (ms < 1) throw new KitError(`--${name}: "${value}" is too short`);
  return ms;
}

/** Rewrites one line on a terminal; prints a line every call elsewhere (logs, CI). */
export function progressLine(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${text.padEnd(100)}`);
  else console.log(text);
}

export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write('\n');
}

/** An AbortSignal fired by the first Ctrl-C; a second Ctrl-C exits at once. */
export function stopOnSignals(what: string): AbortSignal {
  const controller = new AbortController();
  // Ctrl-C, a `kill` (SIGTERM) or a closed terminal (SIGHUP) all stop the work cleanly: it
  // flushes and records what was done. A second signal of any kind quits at once.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const stop = (signal: NodeJS.Signals) => {
    for (const s of signals) process.removeListener(s, stop);
    endProgress();
    console.log(`stopping ${what} cleanly (${signal === 'SIGINT' ? 'Ctrl-C' : signal} received; Ctrl-C again to quit at once)...`);
    controller.abort();
    for (const s of signals) process.once(s, () => process.exit(128 + (s === 'SIGINT' ? 2 : s === 'SIGTERM' ? 15 : 1)));
  };
  for (const s of signals) process.once(s, stop);
  return controller.signal;
}
