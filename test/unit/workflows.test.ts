// GitHub Actions workflows, checked by actionlint (github.com/rhysd/actionlint, pinned by
// infra/actionlint/go.mod and built into .kit/bin), and the site workflow's promises: the scale
// it states, the kit's own commands, and Pages' permissions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../infra/services.js';
import { goBuild } from './go-build.js';

const WORKFLOWS = join(ROOT, '.github', 'workflows');
let actionlint = '';

function lint(files: string[]): { code: number | null; output: string } {
  // -shellcheck= and -pyflakes=: the same checks on every machine, whatever it has installed.
  const run = spawnSync(actionlint, ['-no-color', '-shellcheck=', '-pyflakes=', ...files], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

interface Step { uses?: string; run?: string; with?: Record<string, string>; id?: string }
interface Job { 'runs-on': string; container?: string; needs?: string; permissions?: Record<string, string>; environment?: { name: string }; env?: Record<string, string>; steps: Step[] }
interface Workflow { on: { push?: { tags?: string[] }; workflow_dispatch?: { inputs?: Record<string, { default?: string }> } }; permissions: Record<string, string>; jobs: Record<string, Job> }

describe('GitHub Actions workflows', () => {
  beforeAll(() => {
    actionlint = goBuild('actionlint', 'actionlint', 'github.com/rhysd/actionlint/cmd/actionlint');
  }, 600_000);

  it('pass actionlint', () => {
    const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(WORKFLOWS, name));
    expect(files.length).toBeGreaterThan(0);
    expect(lint(files)).toEqual({ code: 0, output: '' });
  });

  it('actionlint catches a broken workflow (so that its pass means something)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-actionlint-'));
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.evnt.name }}\n      - uses: actions/checkout@v4\n        with:\n          no-such-input: 1\n');
    const result = lint([broken]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/evnt/);
    expect(result.output).toMatch(/no-such-input/);
  });

  describe('site.yml', () => {
    const workflow = parse(readFileSync(join(WORKFLOWS, 'site.yml'), 'utf8')) as Workflow;
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const build = workflow.jobs.build!;
    const deploy = workflow.jobs.deploy!;
    const runs = build.steps.map((step) => step.run).filter((run): run is string => !!run);

    it('runs on a release tag or by hand, at the scale it states (500k)', () => {
      expect(workflow.on.push?.tags).toEqual(['v*']);
      expect(workflow.on.workflow_dispatch?.inputs?.rows?.default).toBe('500k');
      expect(build.env?.ROWS).toBe("${{ inputs.rows || '500k' }}");
      expect(runs).toContain('npm run workshop -- --rows "$ROWS"');
    });

    it("runs the kit's own commands: the dev container's set-up, the workshop, the site", () => {
      for (const run of runs) {
        const npm = /^npm run ([\w:-]+)/.exec(run);
        if (npm) expect(scripts[npm[1]!], run).toBeDefined();
        const sh = /^sh (\S+)$/.exec(run);
        if (sh) expect(existsSync(join(ROOT, sh[1]!)), run).toBe(true);
        expect(npm || sh, run).toBeTruthy();
      }
      expect(runs.indexOf('npm run site')).toBeGreaterThan(runs.findIndex((run) => run.startsWith('npm run workshop')));
    });

    it('uploads out/site and deploys it with the permissions Pages needs, and no more for the build', () => {
      expect(build.steps.find((step) => step.uses?.startsWith('actions/upload-pages-artifact@'))?.with).toEqual({ path: 'out/site' });
      expect(deploy.needs).toBe('build');
      expect(deploy.steps.some((step) => step.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
      expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
      expect(deploy.environment?.name).toBe('github-pages');
      expect(workflow.permissions).toEqual({ contents: 'read' });
      expect(build.permissions).toBeUndefined();
    });
  });
});
