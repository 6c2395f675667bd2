// What an executed notebook must not show: a fixture of each problem, and a clean one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barChart } from '@donations/lib';
import { findContentProblems } from '../../infra/notebook-checks.js';
import { ROOT } from '../../infra/services.js';

const dir = mkdtempSync(join(tmpdir(), 'kit-nb-checks-'));

function notebook(name: string, outputs: object[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ cells: [{ cell_type: 'markdown', source: 'x' }, { cell_type: 'code', source: 'y', outputs }] }));
  return file;
}

describe('findContentProblems', () => {
  it('passes a notebook whose chart is drawn and whose text is clean', async () => {
    const svg = await barChart([{ label: 'Q1', value: 800 }, { label: 'Q2', value: 3 }], { title: 'latency', logScale: true });
    const file = notebook('clean.ipynb', [
      { output_type: 'display_data', data: { 'text/html': svg } },
      { output_type: 'stream', name: 'stdout', text: 'campaign 3 in donation_transactions: EXACT\nfigures written to figures/07.json\n' },
    ]);
    expect(findContentProblems(file)).toEqual([]);
  });

  it('names a blank chart, a path of this machine, a mismatch and tables that differ', () => {
    const blank = '<svg><g class="mark-rect role-mark layer_0_marks" role="x"><path d="M0,10h0v20h0Z"></path></g></svg>';
    const file = notebook('bad.ipynb', [
      { output_type: 'display_data', data: { 'text/html': blank } },
      { output_type: 'stream', name: 'stdout', text: [`figures written to ${ROOT}/out/figures/05.json\n`, 'campaign 3: MISMATCH\n'] },
      { output_type: 'execute_result', data: { 'text/plain': 'The tables differ: is a pipeline still loading?' } },
      // tslab reports a cell that does not compile this way, on stderr, with no error output.
      { output_type: 'stream', name: 'stderr', text: "19:3 - Type 'SlowLogSettings' is not assignable to type 'Record<string, unknown>'.\n" },
    ]);
    expect(findContentProblems(file)).toEqual([
      'cell 1: a blank chart (a bar with no extent (M0,10h0v20h0Z))',
      `cell 1: an absolute path of this machine (${ROOT}/...)`,
      'cell 1: says MISMATCH',
      'cell 1: says The tables differ',
      "cell 1: says 19:3 - Type 'SlowLogSettings' is not assignable to type 'Record<string, unknown>'.",
    ]);
  });
});
