// `npm run check:singlestore` without a SingleStore server: it stops before the suite, in one
// line that says what to set. (With one, it runs test/integration/singlestore.test.ts.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/services.js';

function check(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['infra/check-singlestore.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('npm run check:singlestore, refusing in one line', () => {
  it('on a MariaDB target: says to set a singlestore:// DATABASE_URL', () => {
    const run = check({ DATABASE_URL: 'mysql://kit:pw@127.0.0.1:3306/donations', DATABASE_TARGET: '' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'error: DATABASE_URL points at mariadb, not SingleStore: run with DATABASE_URL=singlestore://user:password@host:port/database (in .env or the environment)',
    );
  });

  it('with a loopback broker for a server on another machine: says to set PIPELINE_KAFKA_BROKERS', () => {
    const run = check({ DATABASE_URL: 'singlestore://admin:pw@svc-0.example.invalid:3306/donations', KAFKA_BROKERS: '127.0.0.1:9092', PIPELINE_KAFKA_BROKERS: '' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: PIPELINE_KAFKA_BROKERS \(unset, so KAFKA_BROKERS\): 127\.0\.0\.1:9092 is a loopback address, .* Set PIPELINE_KAFKA_BROKERS to a broker address that server can reach/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('when the server does not answer: names the address and the fix', () => {
    const run = check({ DATABASE_URL: 'singlestore://root:pw@127.0.0.1:1/donations', PIPELINE_KAFKA_BROKERS: '' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: Cannot reach the database at 127\.0\.0\.1:1: start it with `npm run up`, or fix DATABASE_URL\./);
  });
});
