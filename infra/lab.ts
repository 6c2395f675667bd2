/** `npm run lab`: the notebooks in Jupyter (Lab when installed, else Notebook), with the tslab kernel. */
import { spawn, spawnSync } from 'node:child_process';
import { ensureDebianPackages } from './local-services.js';
import { NOTEBOOKS_DIR, ensureJupyter } from './jupyter.js';
import { runScript } from './services.js';
import { up } from './up.js';

const has = (subcommand: string) => spawnSync('jupyter', [subcommand, '--version'], { stdio: 'ignore' }).status === 0;

await runScript(async () => {
  await up({ quiet: true });
  if (!has('lab') && !has('notebook')) await ensureDebianPackages('Jupyter Notebook', ['/usr/bin/jupyter-notebook'], ['jupyter-notebook']);
  const { env } = await ensureJupyter();
  const app = has('lab') ? 'lab' : 'notebook';
  const extra = process.getuid?.() === 0 ? ['--allow-root'] : [];
  console.log(`starting jupyter ${app} on http://localhost:8888 (kernel: TypeScript)`);
  const child = spawn('jupyter', [app, `--notebook-dir=${NOTEBOOKS_DIR}`, '--ip=127.0.0.1', ...extra], { env, stdio: 'inherit' });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
});
