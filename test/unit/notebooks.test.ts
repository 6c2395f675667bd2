// Committed notebooks carry no outputs, run on the tslab kernel, and follow the lesson shape.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../notebooks/', import.meta.url);
const names = readdirSync(dir).filter((n) => n.endsWith('.ipynb')).sort();

interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }[];
  metadata: { kernelspec?: { name: string } };
}
const load = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Notebook;
const text = (source: string | string[]) => (Array.isArray(source) ? source.join('') : source);

describe('committed notebooks', () => {
  it('are numbered NN-kebab-topic, 00 to 09', () => {
    expect(names.map((n) => n.slice(0, 2))).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09']);
    for (const name of names) expect(name).toMatch(/^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$/);
  });

  it.each(names)('%s has no outputs and runs on the tslab kernel', (name) => {
    const notebook = load(name);
    expect(notebook.metadata.kernelspec?.name).toBe('tslab');
    for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count ?? null).toBeNull();
    }
  });

  it.each(names)('%s opens with its goal, time and prerequisites and ends with a recap and exercises', (name) => {
    const cells = load(name).cells;
    const first = text(cells[0]!.source);
    expect(first).toMatch(/^# \d\d · /);
    expect(first).toContain('**Goal:**');
    expect(first).toContain('**Time:**');
    expect(first).toContain('**Prerequisites:**');
    const last = text(cells[cells.length - 1]!.source);
    expect(last).toContain('## Recap');
    expect(last).toMatch(/## Exercises\n\n1\. [^\n]+(\n   [^\n]+)*\n2\. /);
  });

  it.each(names)('%s imports shared code from the lib package, never by a relative path', (name) => {
    for (const cell of load(name).cells.filter((c) => c.cell_type === 'code')) {
      expect(text(cell.source)).not.toMatch(/from '\.\.?\//);
      expect(text(cell.source)).not.toMatch(/password\s*[:=]\s*['"]/i);
    }
  });

  // A learner reads steps, not programs: each cell does one thing over the library.
  it.each(names)('%s has code cells of at most 15 lines and imports at most 12 names from the lib', (name) => {
    for (const cell of load(name).cells.filter((c) => c.cell_type === 'code')) {
      const source = text(cell.source);
      expect(source.split('\n').filter((line) => line.trim()).length, source).toBeLessThanOrEqual(15);
      const imported = /import \{([^}]*)\} from '@donations\/lib'/.exec(source);
      if (imported) expect(imported[1]!.split(',').filter((n) => n.trim()).length, source).toBeLessThanOrEqual(12);
    }
  });

  it.each(names)('%s leaves target differences and number formatting to the library', (name) => {
    for (const cell of load(name).cells.filter((c) => c.cell_type === 'code')) {
      const source = text(cell.source);
      expect(source).not.toMatch(/onSingleStore|target === |'singlestore'|'mariadb'/);
      expect(source).not.toContain('toLocaleString');
    }
  });

  // tslab turns a cell's top-level declarations into properties of the notebook's module: a
  // shorthand `{ pipeline }` then names nothing (ReferenceError). Write `{ pipeline: pipeline }`.
  it.each(names)('%s writes no shorthand property of a top-level variable (tslab cannot resolve it)', (name) => {
    const cells = load(name).cells.filter((c) => c.cell_type === 'code').map((c) => text(c.source));
    const declared = new Set(cells.flatMap((source) => [...source.matchAll(/^(?:const|let) (\w+)/gm)].map((m) => m[1]!)));
    for (const source of cells) expect(shorthandProperties(source).filter((n) => declared.has(n)), source).toEqual([]);
  });
});

/** Identifiers standing alone as properties of an object literal (`{ a, b: 1 }` gives a). */
function shorthandProperties(source: string): string[] {
  // Destructuring declarations and imports are not object literals.
  const code = source.replace(/^(?:import|const|let) \{[^}]*\}.*$/gm, '').replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '""');
  const found: string[] = [];
  const open: string[] = [];
  const tokens = code.match(/\w+|\S/g) ?? [];
  tokens.forEach((token, i) => {
    if ('({['.includes(token)) open.push(token);
    else if (')}]'.includes(token)) open.pop();
    else if (/^[A-Za-z_]\w*$/.test(token) && open.at(-1) === '{' && ['{', ','].includes(tokens[i - 1]!) && [',', '}'].includes(tokens[i + 1]!)) found.push(token);
  });
  return found;
}
