// The headless runner (npm run workshop, the notebook test) on notebooks of its own, with the
// real Jupyter and TypeScript kernel: each notebook in a fresh kernel, the executed copies
// written, and the run stopped at the first failure with the failing cell's error.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNotebooks } from '../../infra/jupyter.js';

function notebook(dir: string, name: string, cells: string[]): string {
  const file = `${name}.ipynb`;
  writeFileSync(join(dir, file), JSON.stringify({
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4, nbformat_minor: 5,
  }));
  return file;
}

const outputText = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { cells: { outputs: { text?: string[] | string }[] }[] }).cells
  .flatMap((c) => c.outputs.map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))).join('');

describe('the headless notebook runner', () => {
  it('runs each notebook in a kernel of its own, and stops at the first that fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-notebooks-'));
    const outDir = join(dir, 'out');
    const names = [
      // Its folder is not printed: an executed copy naming a path of the machine fails its checks.
      notebook(dir, 'a', [`(globalThis as any).seen = "a";\nconsole.log(process.cwd() === ${JSON.stringify(dir)} ? 'a ran in its folder' : 'a ran elsewhere');`]),
      notebook(dir, 'b', ['console.log(`b sees ${(globalThis as any).seen ?? "a fresh kernel"}`);', 'throw new Error("the second cell of b");', 'console.log("after");']),
      notebook(dir, 'c', ['console.log("c ran");']),
    ];
    const runs = await runNotebooks({ notebooks: names, outDir, dir });
    expect(runs.map((r) => [r.notebook, r.status])).toEqual([['a.ipynb', 'passed'], ['b.ipynb', 'failed'], ['c.ipynb', 'not run']]);
    expect(runs[1]!.error).toMatch(/the second cell of b/);
    expect(outputText(join(outDir, 'a.ipynb'))).toBe('a ran in its folder\n');
    expect(outputText(join(outDir, 'b.ipynb'))).toMatch(/^b sees a fresh kernel\n/);
    expect(existsSync(join(outDir, 'c.ipynb'))).toBe(false);
  }, 120_000);
});
