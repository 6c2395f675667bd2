/**
 * Jupyter for the kit: Debian's headless runner (nbconvert + nbclient) and the tslab
 * TypeScript kernel, registered in .kit/jupyter so that nothing outside the repository changes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '@donations/lib';
import { ensureDebianPackages } from './local-services.js';
import { findContentProblems } from './notebook-checks.js';
import { KIT_DIR, ROOT, ensureDir } from './services.js';

export const JUPYTER_DIR = join(KIT_DIR, 'jupyter');
export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');
const TSLAB = join(ROOT, 'node_modules', '.bin', 'tslab');

function findJupyter(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v jupyter'], { encoding: 'utf8' }).stdout.trim();
  return found || (existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : undefined);
}

/** The Python interpreter that runs `jupyter` (its shebang), which must import nbclient. */
function jupyterPython(jupyter: string): string {
  const shebang = readFileSync(jupyter, 'utf8').split('\n')[0] ?? '';
  return shebang.startsWith('#!') ? shebang.slice(2).trim().split(' ')[0]! : 'python3';
}

function canExecute(jupyter: string): boolean {
  const python = jupyterPython(jupyter);
  return spawnSync(python, ['-c', 'import nbconvert, nbclient, ipykernel'], { stdio: 'ignore' }).status === 0;
}

/** Makes sure Jupyter can execute notebooks headless and knows the tslab kernel; returns the env to run it with. */
export async function ensureJupyter(): Promise<{ jupyter: string; env: NodeJS.ProcessEnv }> {
  let jupyter = findJupyter();
  if (!jupyter || !canExecute(jupyter)) {
    await ensureDebianPackages('Jupyter (nbconvert, nbclient, ipykernel)', ['/usr/bin/jupyter-nbconvert', '/usr/share/doc/python3-nbclient', '/usr/share/doc/python3-ipykernel'], [
      'jupyter-nbconvert',
      'jupyter-client',
      'python3-nbclient',
      'python3-ipykernel',
    ]);
    jupyter = '/usr/bin/jupyter';
  }
  if (!canExecute(jupyter)) {
    throw new SetupError(`${jupyter} cannot execute notebooks: install nbconvert, nbclient and ipykernel for ${jupyterPython(jupyter)} (apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel).`);
  }
  if (!existsSync(TSLAB)) throw new SetupError('tslab is not installed: run `npm ci` first.');
  const kernelSpec = join(JUPYTER_DIR, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  if (!existsSync(kernelSpec) || !readFileSync(kernelSpec, 'utf8').includes(TSLAB)) {
    ensureDir(JUPYTER_DIR);
    const result = spawnSync(TSLAB, ['install', `--python=${jupyterPython(jupyter)}`, `--binary=${TSLAB}`, `--prefix=${JUPYTER_DIR}`], { encoding: 'utf8' });
    if (result.status !== 0) throw new SetupError(`tslab could not register its kernel: ${result.stderr.trim().split('\n').pop()}`);
  }
  const env = { ...process.env, JUPYTER_PATH: join(JUPYTER_DIR, 'share', 'jupyter') };
  return { jupyter, env };
}

export function listNotebooks(only?: string[]): string[] {
  return readdirSync(NOTEBOOKS_DIR)
    .filter((name) => /^\d\d-[a-z0-9-]+\.ipynb$/.test(name))
    .filter((name) => !only?.length || only.some((prefix) => name.startsWith(prefix)))
    .sort();
}

export interface NotebookRun {
  notebook: string;
  status: 'passed' | 'failed' | 'not run';
  seconds: number;
  /** The failing cell and its error, when it failed. */
  error?: string;
  output?: string;
}

interface ExecutedNotebook {
  cells: { cell_type: string; source: string | string[]; outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[] }[];
}

/** Error outputs, and stderr streams that carry a JavaScript error (tslab reports some that way). */
export function findErrorCells(file: string): string[] {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as ExecutedNotebook;
  const errors: string[] = [];
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      const text = Array.isArray(output.text) ? output.text.join('') : (output.text ?? '');
      if (output.output_type === 'error') {
        if (output.ename || output.evalue) errors.push(`${output.ename}: ${output.evalue}`);
        else errors.push(`error in cell: ${(Array.isArray(cell.source) ? cell.source.join('') : cell.source).split('\n')[0]}`);
      }
      else if (output.output_type === 'stream' && output.name === 'stderr' && /^\w*Error\b/m.test(text)) errors.push(text.split('\n').slice(0, 3).join(' '));
    }
  }
  return errors;
}

/** Executes notebooks in order; stops at the first failure (later lessons build on earlier ones). */
export async function runNotebooks(options: {
  notebooks: string[];
  outDir: string;
  env?: NodeJS.ProcessEnv;
  timeoutSeconds?: number;
  onResult?: (run: NotebookRun) => void;
}): Promise<NotebookRun[]> {
  const { jupyter, env } = await ensureJupyter();
  ensureDir(options.outDir);
  const runs: NotebookRun[] = [];
  let failed = false;
  for (const notebook of options.notebooks) {
    if (failed) {
      runs.push({ notebook, status: 'not run', seconds: 0 });
      continue;
    }
    const started = performance.now();
    // --allow-errors keeps the executed copy, whose error outputs say what failed (nbconvert's own message is often empty for tslab).
    const { code, stderr } = await run(jupyter, ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors', join(NOTEBOOKS_DIR, notebook), '--output-dir', options.outDir, `--ExecutePreprocessor.timeout=${options.timeoutSeconds ?? 3600}`], { ...env, ...options.env });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const output = join(options.outDir, notebook);
    if (existsSync(output)) numberExecutedCells(output);
    const cellErrors = existsSync(output) ? [...findErrorCells(output), ...findContentProblems(output)] : [];
    const result: NotebookRun = { notebook, status: code === 0 && cellErrors.length === 0 ? 'passed' : 'failed', seconds, output };
    if (result.status === 'failed') {
      result.error = cellErrors.length ? cellErrors.join('\n') : summariseFailure(stderr);
      failed = true;
    }
    runs.push(result);
    options.onResult?.(result);
  }
  return runs;
}

/**
 * tslab answers each execution with its count, but nbclient takes the count from a message
 * tslab does not send, so the executed copy would show `In [ ]:` on every cell. Cells run
 * in order, each once: number them so, up to the last one that ran.
 */
export function numberExecutedCells(file: string): void {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: { cell_type: string; execution_count?: number | null; outputs?: { output_type: string }[] }[] };
  const code = notebook.cells.filter((c) => c.cell_type === 'code');
  // Execution stops at the first cell that fails.
  const failed = code.findIndex((cell) => cell.outputs?.some((o) => o.output_type === 'error'));
  const lastRun = failed >= 0 ? failed : code.length - 1;
  code.forEach((cell, i) => {
    if (cell.execution_count == null && i <= lastRun) cell.execution_count = i + 1;
  });
  writeFileSync(file, `${JSON.stringify(notebook, null, 1)}\n`);
}

/** nbconvert's failure: the cell's source and the error line, without Python's traceback. */
function summariseFailure(stderr: string): string {
  const start = stderr.indexOf('An error occurred while executing the following cell');
  const text = start >= 0 ? stderr.slice(start) : stderr;
  return text.split('\n').filter((line) => !/^\s*(File "|raise |await |return |\^)/.test(line)).slice(0, 40).join('\n').trim();
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}
