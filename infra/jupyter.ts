/**
 * Jupyter for the kit: JupyterLab, nbconvert and nbclient from PyPI in a virtual environment
 * of the kit's own (.kit/jupyter/venv, pinned with hashes by infra/jupyter/requirements.txt),
 * and the tslab TypeScript kernel registered in .kit/jupyter, with Jupyter's settings, data
 * and runtime files there too: nothing outside the repository changes. A Jupyter installed
 * on the system (Debian's packages, installed by root) is only the fallback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { SetupError } from '@donations/lib';
import { aptGetInstall, canInstallPackages } from './local-services.js';
import { sha256 } from './kafka-jars.js';
import { aptPackages, findPythonForVenv, installCommand, thisMachine } from './platform.js';
import { findContentProblems } from './notebook-checks.js';
import { KIT_DIR, ROOT, ensureDir } from './services.js';

export const JUPYTER_DIR = join(KIT_DIR, 'jupyter');
export const JUPYTER_VENV = join(JUPYTER_DIR, 'venv');
export const JUPYTER_REQUIREMENTS = join(ROOT, 'infra', 'jupyter', 'requirements.txt');
export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');
const TSLAB = join(ROOT, 'node_modules', '.bin', 'tslab');
const EXECUTE_SCRIPT = join(ROOT, 'infra', 'jupyter', 'execute.py');
const VENV_STAMP = join(JUPYTER_VENV, '.requirements-sha256');

export interface JupyterInstall {
  /** The `jupyter` command. */
  jupyter: string;
  /** The Python that runs it. */
  python: string;
  /** The kit's virtual environment, or a Jupyter installed on the system (the fallback). */
  source: 'venv' | 'system';
  /** Which Jupyter this is, for the learner: "JupyterLab from PyPI in .kit/jupyter/venv". */
  description: string;
  /** The environment to run it with: the kit's kernel, settings and data folders. */
  env: NodeJS.ProcessEnv;
}

/** The environment that keeps Jupyter's kernels, settings, trust database and runtime files in .kit/jupyter. */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    JUPYTER_PATH: join(JUPYTER_DIR, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(JUPYTER_DIR, 'data'),
    JUPYTER_CONFIG_DIR: join(JUPYTER_DIR, 'config'),
    IPYTHONDIR: join(JUPYTER_DIR, 'ipython'),
  };
}

const venvJupyter = () => join(JUPYTER_VENV, 'bin', 'jupyter');
const venvPython = () => join(JUPYTER_VENV, 'bin', 'python');

/**
 * The kit's package.json says "type": "module", and Node applies it to every .js below it:
 * JupyterLab's own CommonJS helpers (jupyter_builder's yarn.js) would then fail at startup.
 * A package.json in the venv ends that search.
 */
function fenceOffVenvFromKitPackage(): void {
  const file = join(JUPYTER_VENV, 'package.json');
  if (!existsSync(file)) writeFileSync(file, '{ "type": "commonjs" }\n');
}

/** Made from the current requirements, and for this folder (a venv's scripts name its absolute path: a moved clone needs a new one). */
function venvReady(): boolean {
  if (!existsSync(venvJupyter()) || !existsSync(VENV_STAMP)) return false;
  // The interpreter's path is on the #! line, or on the next ones when pip wrote a /bin/sh launcher (long paths).
  const madeHere = readFileSync(venvJupyter(), 'utf8').slice(0, 1000).includes(JUPYTER_VENV);
  return madeHere && readFileSync(VENV_STAMP, 'utf8') === sha256(readFileSync(JUPYTER_REQUIREMENTS));
}

function lastLines(text: string, count = 2): string {
  return text.trim().split('\n').filter(Boolean).slice(-count).join(' ');
}

/** Creates .kit/jupyter/venv from the pinned requirements (about 30 s and 240 MB, once). */
function createVenv(python: string): void {
  console.log(`installing JupyterLab, nbconvert and ipykernel from PyPI into ${relative(ROOT, JUPYTER_VENV)} (once; about 30 s)...`);
  rmSync(JUPYTER_VENV, { recursive: true, force: true });
  const venv = spawnSync(python, ['-m', 'venv', JUPYTER_VENV], { encoding: 'utf8' });
  if (venv.status !== 0) throw new SetupError(`${python} -m venv failed: ${lastLines(`${venv.stdout}${venv.stderr}`)}`);
  // --require-hashes: every package, dependencies included, must match a pinned hash.
  const pip = spawnSync(venvPython(), ['-m', 'pip', 'install', '--quiet', '--no-input', '--no-cache-dir', '--disable-pip-version-check', '--require-hashes', '-r', JUPYTER_REQUIREMENTS], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (pip.status !== 0) {
    rmSync(JUPYTER_VENV, { recursive: true, force: true });
    throw new SetupError(`pip could not install Jupyter from PyPI (offline?): ${lastLines(`${pip.stdout}${pip.stderr}`)}`);
  }
  fenceOffVenvFromKitPackage();
  writeFileSync(VENV_STAMP, sha256(readFileSync(JUPYTER_REQUIREMENTS)));
}

function findSystemJupyter(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v jupyter'], { encoding: 'utf8' }).stdout.trim();
  return found || (existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : undefined);
}

/** The Python interpreter that runs `jupyter` (its shebang), which must import nbclient. */
function jupyterPython(jupyter: string): string {
  const shebang = readFileSync(jupyter, 'utf8').split('\n')[0] ?? '';
  return shebang.startsWith('#!') ? shebang.slice(2).trim().split(' ')[0]! : 'python3';
}

function canExecute(python: string): boolean {
  return spawnSync(python, ['-c', 'import nbconvert, nbclient, jupyter_client'], { stdio: 'ignore' }).status === 0;
}

function systemInstall(jupyter: string, why: string): JupyterInstall {
  console.log(`using the system's Jupyter (${jupyter}) instead of the kit's: ${why}`);
  return { jupyter, python: jupyterPython(jupyter), source: 'system', description: `the system's Jupyter (${jupyter}; fallback: ${why})`, env: jupyterEnv() };
}

/** A Python with venv for the kit's JupyterLab; installed with apt-get only where the kit can (root on Debian or Ubuntu). */
export async function ensurePythonForVenv(machine = thisMachine()): Promise<{ python?: string; problem?: string }> {
  const found = findPythonForVenv(machine);
  if (found.python || !canInstallPackages()) return found;
  await aptGetInstall(aptPackages('python'));
  return findPythonForVenv(machine);
}

/** The kit's venv (created when missing); the system's Jupyter only when no venv can be made. */
async function chooseJupyter(): Promise<JupyterInstall> {
  const venv = (): JupyterInstall => ({ jupyter: venvJupyter(), python: venvPython(), source: 'venv', description: `JupyterLab from PyPI in ${relative(ROOT, JUPYTER_VENV)}`, env: jupyterEnv() });
  if (venvReady()) {
    fenceOffVenvFromKitPackage();
    return venv();
  }
  const machine = thisMachine();
  const found = await ensurePythonForVenv(machine);
  const system = findSystemJupyter();
  const systemWorks = !!system && canExecute(jupyterPython(system));
  if (!found.python) {
    if (systemWorks) return systemInstall(system, `${found.problem}`);
    throw new SetupError(`Jupyter runs in a virtual environment of the kit's, and ${found.problem}: ${installCommand('python', machine)}, then run this again.`);
  }
  try {
    createVenv(found.python);
    return venv();
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    if (systemWorks) return systemInstall(system, error.message);
    if (!canInstallPackages()) throw error;
    // Root on Debian without PyPI: Debian's own packages are the last resort.
    await aptGetInstall(['jupyter-nbconvert', 'jupyter-client', 'python3-nbclient', 'python3-ipykernel']);
    return systemInstall('/usr/bin/jupyter', error.message);
  }
}

/** Makes sure Jupyter can execute notebooks headless and knows the tslab kernel. */
export async function ensureJupyter(): Promise<JupyterInstall> {
  const install = await chooseJupyter();
  if (!canExecute(install.python)) {
    throw new SetupError(`${install.jupyter} cannot execute notebooks: install nbconvert and nbclient for ${install.python}, or remove it from PATH so that the kit installs its own.`);
  }
  if (!existsSync(TSLAB)) throw new SetupError('tslab is not installed: run `npm ci` first.');
  const kernelSpec = join(JUPYTER_DIR, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  const registered = existsSync(kernelSpec) ? readFileSync(kernelSpec, 'utf8') : '';
  if (!registered.includes(TSLAB)) {
    ensureDir(JUPYTER_DIR);
    const result = spawnSync(TSLAB, ['install', `--python=${install.python}`, `--binary=${TSLAB}`, `--prefix=${JUPYTER_DIR}`], { encoding: 'utf8', env: install.env });
    if (result.status !== 0) throw new SetupError(`tslab could not register its kernel: ${result.stderr.trim().split('\n').pop()}`);
  }
  return install;
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
  cells: {
    cell_type: string;
    source: string | string[];
    metadata?: { tags?: string[] };
    execution_count?: number | null;
    outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
  }[];
}

/** The tag a cell carries when its lesson writes to stderr on purpose. */
export const STDERR_INTENDED_TAG = 'stderr-intended';

/**
 * What failed in an executed notebook: error outputs, stderr that carries a JavaScript error
 * (tslab reports some that way), and any other stderr unless the cell is tagged
 * STDERR_INTENDED_TAG, so that a warning from Node or a dependency cannot slip in unseen.
 */
export function findErrorCells(file: string): string[] {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as ExecutedNotebook;
  const errors: string[] = [];
  let codeCell = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type === 'code') codeCell += 1;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    // As Jupyter shows the cell: its count (numberExecutedCells sets it to the cell's rank) and first line.
    const where = `In [${cell.execution_count ?? codeCell}] \`${source.trim().split('\n')[0]}\``;
    const stderrIntended = cell.metadata?.tags?.includes(STDERR_INTENDED_TAG) ?? false;
    for (const output of cell.outputs ?? []) {
      const text = Array.isArray(output.text) ? output.text.join('') : (output.text ?? '');
      if (output.output_type === 'error') {
        errors.push(output.ename || output.evalue ? `${output.ename}: ${output.evalue}` : `${where} failed`);
      } else if (output.output_type === 'stream' && output.name === 'stderr') {
        const firstLines = text.trim().split('\n').slice(0, 3).join(' ');
        if (/^\w*Error\b/m.test(text)) errors.push(firstLines);
        else if (!stderrIntended) errors.push(`${where} wrote to stderr (tag the cell "${STDERR_INTENDED_TAG}" if the lesson means it): ${firstLines}`);
      }
    }
  }
  return errors;
}

/** Executes notebooks in order, in one Python process (infra/jupyter/execute.py); stops at the first failure (later lessons build on earlier ones). */
export async function runNotebooks(options: {
  notebooks: string[];
  outDir: string;
  /** Where the notebooks are (default notebooks/). */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  /** For each cell (default an hour). */
  timeoutSeconds?: number;
  onResult?: (run: NotebookRun) => void;
}): Promise<NotebookRun[]> {
  const { python, env } = await ensureJupyter();
  ensureDir(options.outDir);
  const runs: NotebookRun[] = [];
  if (!options.notebooks.length) return runs;
  const driver = spawn(python, [EXECUTE_SCRIPT, options.outDir, String(options.timeoutSeconds ?? 3600), ...options.notebooks.map((n) => join(options.dir ?? NOTEBOOKS_DIR, n))], {
    env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  driver.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => driver.on('close', (code) => resolve(code ?? 1)));
  const lines = createInterface({ input: driver.stdout });
  let started = performance.now();
  const secondsSinceStarted = () => Math.round((performance.now() - started) / 100) / 10;
  let failed = false;
  for await (const line of lines) {
    if (!line.startsWith('{"notebook"')) {
      stderr += `${line}\n`;
      continue;
    }
    const reported = JSON.parse(line) as { notebook: string; error: string | null };
    const seconds = secondsSinceStarted();
    const output = join(options.outDir, reported.notebook);
    if (existsSync(output)) numberExecutedCells(output);
    const cellErrors = existsSync(output) ? [...findErrorCells(output), ...findContentProblems(output)] : [];
    const result: NotebookRun = { notebook: reported.notebook, status: reported.error === null && cellErrors.length === 0 ? 'passed' : 'failed', seconds, output };
    if (result.status === 'failed') {
      result.error = cellErrors.length ? cellErrors.join('\n') : summariseFailure(reported.error ?? stderr);
      failed = true;
    }
    runs.push(result);
    options.onResult?.(result);
    driver.stdin.write(failed ? 'stop\n' : 'next\n');
    started = performance.now();
  }
  const code = await exited;
  // The driver itself failed (a notebook it could not read, a Python error): the notebook it was on failed.
  if (code !== 0 && !failed && runs.length < options.notebooks.length) {
    const result: NotebookRun = { notebook: options.notebooks[runs.length]!, status: 'failed', seconds: secondsSinceStarted(), error: summariseFailure(stderr) };
    runs.push(result);
    options.onResult?.(result);
  }
  for (const notebook of options.notebooks.slice(runs.length)) runs.push({ notebook, status: 'not run', seconds: 0 });
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
