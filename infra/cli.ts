/** Small helpers the presenter CLIs share: flags, a progress line, Ctrl-C. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KitError } from '@donations/lib';

export function flags<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options: { ...options, help: { type: 'boolean' } }, allowPositionals: false }).values as unknown as Record<keyof T | 'help', string | boolean | undefined>;
  } catch (error) {
    throw new KitError(`${(error as Error).message}\n${usage}`);
  }
}

export function numberFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const text = value.replace(/_/g, '');
  const match = /^(\d+(?:\.\d+)?)(k|m|s|ms|min)?$/i.exec(text);
  if (!match) throw new KitError(`--${name}: "${value}" is not a number (examples: 50000, 50k, 2m, 30s)`);
  const n = Number(match[1]);
  const unit = match[2]?.toLowerCase();
  if (unit === 'k') return n * 1_000;
  if (unit === 'm') return n * 1_000_000;
  if (unit === 's') return n * 1_000;
  if (unit === 'min') return n * 60_000;
  return n;
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
export function stopOnCtrlC(what: string): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    endProgress();
    console.log(`stopping ${what} cleanly (Ctrl-C again to quit at once)...`);
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}
