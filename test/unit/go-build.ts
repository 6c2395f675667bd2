// Builds the Go programs the unit tests run (infra/compose-check, infra/actionlint) into
// .kit/bin (git-ignored), each pinned by a go.mod of its own. Go fetches their modules from
// the module proxy on a fresh machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_DIR, ROOT } from '../../infra/services.js';

export const GO_BIN = join(KIT_DIR, 'bin');

function goCommand(): string {
  if (process.env.GO) return process.env.GO;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) return 'go';
  if (existsSync('/usr/local/go/bin/go')) return '/usr/local/go/bin/go';
  throw new Error('The unit tests need Go 1.24 or newer (compose and workflow checks): install it, put `go` on PATH, or set GO to its path.');
}

/** `go build` of `pkg` in the module `infra/<module>`, into .kit/bin/<name>; returns the binary. */
export function goBuild(module: string, name: string, pkg = '.'): string {
  const output = join(GO_BIN, name);
  const build = spawnSync(goCommand(), ['build', '-buildvcs=false', '-trimpath', '-o', output, pkg], {
    cwd: join(ROOT, 'infra', module),
    stdio: 'pipe',
    timeout: 600_000,
  });
  if (build.status !== 0) throw new Error(`go build of infra/${module} failed: ${build.stderr?.toString().trim() || build.error?.message}`);
  return output;
}
