// docs/singlestore.md lists each SingleStore statement with the code that issues it and the
// tests that pin and run it: every file and test it names must exist, so the page cannot
// drift from the code unnoticed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/services.js';

const page = readFileSync(join(ROOT, 'docs/singlestore.md'), 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const sources = ['lib/src', 'infra', 'test', 'grafana'].flatMap((dir) => files(join(ROOT, dir))).filter((f) => f.endsWith('.ts'));
const tests = sources.filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');

// The tables' rows: | statement | issued by | documentation | pinned by | run by |
const rows = page.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|---')).map((line) => line.split(' | '));

describe('docs/singlestore.md', () => {
  it('names only source files that exist', () => {
    const named = new Set(rows.flatMap((cells) => [...cells.slice(1, 2).concat(cells.slice(3)).join(' ').matchAll(/`([\w./-]+\.ts)`/g)].map((m) => m[1]!)));
    expect(named.size).toBeGreaterThan(5);
    const missing = [...named].filter((name) => !sources.some((f) => f.endsWith(`/${name}`) || basename(f) === basename(name)));
    expect(missing).toEqual([]);
  });

  it('quotes only test names that exist (a trailing "..." abbreviates)', () => {
    const quoted = rows.flatMap((cells) => cells.slice(3).flatMap((cell) => [...cell.matchAll(/"([^"]{6,}?)"/g)].map((m) => m[1]!)));
    expect(quoted.length).toBeGreaterThan(5);
    const missing = quoted.map((q) => q.split('...')[0]!.replace(/\s+$/, '')).filter((prefix) => prefix.length > 0 && !tests.includes(prefix));
    expect(missing).toEqual([]);
  });
});

// docs/helios.md, the cloud VM's page: every `npm run` it names is a script of the kit, every
// file of infra/, test/ or docs/ it names exists.
describe('docs/helios.md', () => {
  const helios = readFileSync(join(ROOT, 'docs/helios.md'), 'utf8');
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('names only npm scripts the kit has', () => {
    const named = [...new Set([...helios.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))];
    expect(named).toEqual(expect.arrayContaining(['cloud:env', 'cloud:user-data']));
    expect(named.filter((name) => !scripts[name])).toEqual([]);
  });

  it('names only files that exist', () => {
    const named = [...new Set([...helios.matchAll(/\b((?:infra|test|docs)\/[\w./-]+\.(?:ts|sh|yaml|json|template|md))\b/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  });
});
