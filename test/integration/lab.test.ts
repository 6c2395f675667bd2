// `npm run lab` as a learner starts it: JupyterLab from the kit's venv, the TypeScript kernel
// registered, the notebooks trusted, the kit's settings served; stopped with SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUPYTER_VENV, jupyterEnv, listNotebooks, NOTEBOOKS_DIR } from '../../infra/jupyter.js';
import { ROOT } from '../../infra/services.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('npm run lab', () => {
  let lab: ChildProcess;
  let output = '';
  let base = '';
  let token = '';

  beforeAll(async () => {
    const port = await freePort();
    lab = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'infra/lab.ts'), '--port', String(port), '--no-browser'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    lab.stdout!.on('data', (chunk) => (output += chunk));
    lab.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 170_000;
    while (!/\?token=[0-9a-f]+/.test(output)) {
      if (Date.now() > deadline || lab.exitCode !== null) throw new Error(`JupyterLab did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    token = /\?token=([0-9a-f]+)/.exec(output)![1]!;
    base = `http://127.0.0.1:${port}`;
  }, 180_000);

  afterAll(async () => {
    if (lab.exitCode === null) {
      lab.kill('SIGTERM');
      await new Promise((r) => lab.once('close', r));
    }
  }, 30_000);

  const api = async (path: string) => (await fetch(`${base}${path}`, { headers: { Authorization: `token ${token}` } })).json() as Promise<Record<string, any>>;

  it("says which Jupyter it started: the kit's JupyterLab, from its venv", () => {
    expect(output).toMatch(/^starting JupyterLab 4\.\d+\.\d+: JupyterLab from PyPI in \.kit\/jupyter\/venv$/m);
    expect(output).toContain(`Serving notebooks from local directory: ${NOTEBOOKS_DIR}`);
  });

  it('serves the notebooks with the TypeScript kernel', async () => {
    const specs = await api('/api/kernelspecs');
    expect(Object.keys(specs.kernelspecs)).toContain('tslab');
    const listing = await api('/api/contents/');
    expect(listing.content.map((entry: { name: string }) => entry.name)).toEqual(expect.arrayContaining(listNotebooks()));
  });

  it("applies the kit's settings: closing a notebook shuts its kernel down, no news fetched", async () => {
    const tracker = await api('/lab/api/settings/@jupyterlab/notebook-extension:tracker');
    expect(tracker.schema.properties.kernelShutdown.default).toBe(true);
    const notification = await api('/lab/api/settings/@jupyterlab/apputils-extension:notification');
    expect(notification.schema.properties.fetchNews.default).toBe('false');
  });

  it("trusts every notebook, in the kit's own trust database", () => {
    const check = spawnSync(
      join(JUPYTER_VENV, 'bin', 'python'),
      ['-c', 'import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nn = NotebookNotary()\nprint(n.db_file)\nprint(all(n.check_signature(nbformat.read(f, 4)) for f in sys.argv[1:]))', ...listNotebooks().map((name) => join(NOTEBOOKS_DIR, name))],
      { encoding: 'utf8', env: jupyterEnv() },
    );
    expect(check.stdout.trim().split('\n')).toEqual([join(ROOT, '.kit', 'jupyter', 'data', 'nbsignatures.db'), 'True']);
  });

  it('stops, with its kernels, on SIGTERM', async () => {
    lab.kill('SIGTERM');
    const code = await new Promise((r) => lab.once('close', r));
    expect(output).toMatch(/received signal 15, stopping/);
    expect(code).toBe(0);
  }, 30_000);
});
