/**
 * Which Node releases the kit supports: package.json's `engines.node`, a list of caret
 * ranges (`^20.12 || ^22 || ^24 || ^26`), the one place that says it. CI tests the machine's
 * Node and those fetched by .ci/node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.js';

export function supportedNodeRange(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  return manifest.engines?.node ?? '';
}

/** Whether `version` (v24.1.0 or 24.1.0) falls in `range`, a `||` list of `^MAJOR` or `^MAJOR.MINOR`. */
export function nodeSatisfies(version: string, range: string): boolean {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number) as [number, number];
  return range.split('||').some((part) => {
    const caret = /^\^(\d+)(?:\.(\d+))?$/.exec(part.trim());
    if (!caret) throw new Error(`package.json engines.node: "${part.trim()}" is not ^MAJOR or ^MAJOR.MINOR`);
    return major === Number(caret[1]) && minor >= Number(caret[2] ?? 0);
  });
}

/** One line for a Node outside the supported range, or nothing. */
export function unsupportedNodeLine(version = process.version, range = supportedNodeRange()): string | undefined {
  if (nodeSatisfies(version, range)) return undefined;
  return `node ${version} is outside the releases the kit supports (${range}): use Node 26, 24 or 22, the LTS releases CI tests.`;
}
