/**
 * `npm run lab`: the notebooks in JupyterLab (from PyPI, in .kit/jupyter/venv) with the tslab
 * kernel, the notebooks trusted; a system Jupyter (Lab, else the classic Notebook) only as the
 * fallback, and the first line says which one started.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { SetupError } from '@donations/lib';
import { countFlag, flags, isMainModule } from './cli.js';
import { aptGetInstall, canInstallPackages } from './local-services.js';
import { JUPYTER_VENV, NOTEBOOKS_DIR, ensureJupyter, listNotebooks, type JupyterInstall } from './jupyter.js';
import { runScript } from './services.js';
import { up } from './up.js';

/** JupyterLab's port unless --port names another (Jupyter takes the next free one when it is taken); the dev container forwards it. */
export const LAB_PORT = 8888;

const USAGE = `usage: npm run lab -- [--port ${LAB_PORT}] [--no-browser]
  --port N       the port JupyterLab listens on, on 127.0.0.1 (default ${LAB_PORT}, or the next free one)
  --no-browser   do not open a browser tab (the URL with its token is printed)`;

/**
 * JupyterLab settings of the kit's venv (overrides of the defaults, not the learner's own):
 * closing a notebook shuts its kernel down, which frees its memory and any pipeline it runs;
 * no news or update checks over the network (a workshop room may be offline).
 */
export const LAB_SETTINGS = {
  '@jupyterlab/notebook-extension:tracker': { kernelShutdown: true },
  '@jupyterlab/apputils-extension:notification': { checkForUpdates: false, fetchNews: 'false' },
};

function writeLabSettings(): void {
  const folder = join(JUPYTER_VENV, 'share', 'jupyter', 'lab', 'settings', 'overrides.d');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'donations-kit.json'), `${JSON.stringify(LAB_SETTINGS, null, 2)}\n`);
}

function versionOf(install: JupyterInstall, app: string): string {
  const result = spawnSync(install.jupyter, [app, '--version'], { encoding: 'utf8', env: install.env });
  return result.status === 0 ? result.stdout.trim().split('\n').pop()! : '';
}

/** Signs the notebooks in the kit's trust database, so that their outputs (tables, charts) show. */
function trustNotebooks(install: JupyterInstall, dir: string): void {
  const files = (dir === NOTEBOOKS_DIR ? listNotebooks() : readdirSync(dir).filter((name) => name.endsWith('.ipynb'))).map((name) => join(dir, name));
  if (files.length === 0) return;
  const result = spawnSync(install.jupyter, ['trust', ...files], { encoding: 'utf8', env: install.env });
  if (result.status !== 0) throw new SetupError(`jupyter trust failed: ${`${result.stderr}`.trim().split('\n').pop()}`);
}

export interface LabLaunch {
  /** "JupyterLab 4.6.6", or the classic Notebook when only a system Jupyter without Lab is there. */
  name: string;
  /** Where it comes from: "JupyterLab from PyPI in .kit/jupyter/venv". */
  description: string;
  notebookDir: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Everything `npm run lab` does before it starts Jupyter: the kit's JupyterLab (installed when
 * missing), its settings, the TypeScript kernel, the notebooks trusted. The services must be
 * up. `env` reaches the kernels (the browser test gives them a database and topic of its own);
 * `notebookDir` must lie inside the kit, where a kernel finds @donations/lib and .env.
 */
export async function prepareLab(options: { port: number; openBrowser: boolean; notebookDir?: string; env?: NodeJS.ProcessEnv }): Promise<LabLaunch> {
  const notebookDir = options.notebookDir ?? NOTEBOOKS_DIR;
  const install = await ensureJupyter();
  let app = 'lab';
  if (install.source === 'venv') writeLabSettings();
  else if (!versionOf(install, 'lab')) {
    app = 'notebook';
    if (!versionOf(install, app) && canInstallPackages()) await aptGetInstall(['jupyter-notebook']);
    if (!versionOf(install, app)) throw new SetupError(`${install.jupyter} has neither JupyterLab nor Notebook: remove it from PATH so that the kit installs its own JupyterLab.`);
  }
  trustNotebooks(install, notebookDir);
  const args = [app, `--notebook-dir=${notebookDir}`, '--ip=127.0.0.1', `--port=${options.port}`];
  if (!options.openBrowser) args.push('--no-browser');
  if (process.getuid?.() === 0) args.push('--allow-root');
  return {
    name: `${app === 'lab' ? 'JupyterLab' : 'Jupyter Notebook (classic)'} ${versionOf(install, app)}`,
    description: install.description,
    notebookDir,
    command: install.jupyter,
    args,
    env: { ...install.env, ...options.env },
  };
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const args = flags({ port: { type: 'string' }, 'no-browser': { type: 'boolean' } }, USAGE);
    if (args.help) return console.log(USAGE);
    const port = countFlag(args.port, 'port') ?? LAB_PORT;
    await up({ quiet: true });
    const lab = await prepareLab({ port, openBrowser: !args['no-browser'] });
    console.log(`starting ${lab.name}: ${lab.description}`);
    console.log(`notebooks in ${lab.notebookDir}, trusted; kernel "TypeScript" (tslab); each open notebook's kernel holds memory until shut down (README, "npm run lab")`);
    const child = spawn(lab.command, lab.args, { env: lab.env, stdio: 'inherit' });
    // Ctrl-C reaches Jupyter too (same process group); it asks to confirm, then shuts its kernels down.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
  });
}
