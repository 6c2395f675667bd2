// A script runs when started from a checkout whose path has spaces, or through a symlink.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/services.js';

describe('isMainModule', () => {
  it('recognises the script under a path with spaces and behind a symlink', () => {
    const home = mkdtempSync(join(tmpdir(), 'kit main '));
    const folder = join(home, 'My Projects');
    mkdirSync(folder);
    const script = join(folder, 'script.ts');
    writeFileSync(script, `import { isMainModule } from ${JSON.stringify(join(ROOT, 'infra/cli.ts'))};\nconsole.log(isMainModule(import.meta.url) ? 'main' : 'imported');\n`);
    symlinkSync(folder, join(home, 'link'));
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    expect(execFileSync(tsx, [script], { encoding: 'utf8' }).trim()).toBe('main');
    expect(execFileSync(tsx, [join(home, 'link', 'script.ts')], { encoding: 'utf8' }).trim()).toBe('main');
    // Two tsx processes, each compiling on start: seconds on a laptop busy with other work.
  }, 60_000);
});
