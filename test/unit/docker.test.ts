// The Docker path's checks that need no engine: what `npm run up` writes to .env, what it
// tells a learner whose Docker is missing a piece, and its SingleStore dev-container check.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseDotEnv } from '@donations/lib';
import { dockerProblem, singleStoreDevContainerProblem, usesSingleStoreDevContainer } from '../../infra/docker.js';
import { GENERATED_PASSWORD_PLACEHOLDERS, ROOT, dotEnvFromExample, ensureDotEnv } from '../../infra/services.js';
import { buildChecker, loadCompose } from './compose-check.js';

const example = readFileSync(join(ROOT, '.env.example'), 'utf8');

/** The .env that `npm run up` wrote before GRAFANA_ADMIN_PASSWORD and SINGLESTORE_ROOT_PASSWORD were generated. */
const OLDER_DOT_ENV = `KAFKA_BROKERS=127.0.0.1:9092
MARIADB_PASSWORD=0123456789abcdef01234567
DATABASE_URL=mysql://kit:0123456789abcdef01234567@127.0.0.1:3306/donations
GRAFANA_DB_PASSWORD=89abcdef0123456789abcdef
# SINGLESTORE_ROOT_PASSWORD=
# DATABASE_URL=singlestore://root:<SINGLESTORE_ROOT_PASSWORD>@127.0.0.1:3307/donations
KIT_INFRA=auto
`;

function folderWith(dotEnv?: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'kit-dotenv-'));
  copyFileSync(join(ROOT, '.env.example'), join(folder, '.env.example'));
  if (dotEnv !== undefined) writeFileSync(join(folder, '.env'), dotEnv);
  return folder;
}

describe('the .env `npm run up` writes', () => {
  beforeAll(() => buildChecker(), 600_000);

  it('replaces every password placeholder of .env.example, each with its own random value, everywhere it appears', () => {
    const values = parseDotEnv(example);
    const generated = Object.keys(values).filter((name) => GENERATED_PASSWORD_PLACEHOLDERS.includes(values[name]!));
    expect(generated.sort()).toEqual(['GRAFANA_ADMIN_PASSWORD', 'GRAFANA_DB_PASSWORD', 'MARIADB_PASSWORD', 'SINGLESTORE_ROOT_PASSWORD']);
    const written = dotEnvFromExample(example);
    for (const placeholder of GENERATED_PASSWORD_PLACEHOLDERS) expect(written).not.toContain(placeholder);
    const env = parseDotEnv(written);
    const passwords = generated.map((name) => env[name]!);
    expect(new Set(passwords).size).toBe(passwords.length);
    // The URLs hold the same password as their server: MariaDB's now, SingleStore's once uncommented.
    expect(loadConfig(env).database.password).toBe(env.MARIADB_PASSWORD);
    expect(written).toContain(`# DATABASE_URL=singlestore://root:${env.SINGLESTORE_ROOT_PASSWORD}@127.0.0.1:3307/donations`);
  });

  it('creates .env readable by its owner only', () => {
    const folder = folderWith();
    expect(ensureDotEnv(folder)).toEqual({ created: true, added: [] });
    expect(statSync(join(folder, '.env')).mode & 0o777).toBe(0o600);
    expect(ensureDotEnv(folder)).toEqual({ created: false, added: [] });
  });

  it('adds to an older .env the generated passwords it lacks, keeps the others, and docker compose then loads it', () => {
    const folder = folderWith(OLDER_DOT_ENV);
    expect(loadCompose(OLDER_DOT_ENV)).toMatchObject({ ok: false, error: expect.stringMatching(/GRAFANA_ADMIN_PASSWORD/) });

    expect(ensureDotEnv(folder)).toEqual({ created: false, added: ['GRAFANA_ADMIN_PASSWORD', 'SINGLESTORE_ROOT_PASSWORD'] });
    const upgraded = readFileSync(join(folder, '.env'), 'utf8');
    expect(upgraded.startsWith(OLDER_DOT_ENV)).toBe(true);
    const env = parseDotEnv(upgraded);
    expect(env.GRAFANA_ADMIN_PASSWORD).toMatch(/^[0-9a-f]{24}$/);
    expect(env.SINGLESTORE_ROOT_PASSWORD).toMatch(/^[0-9a-f]{24}$/);
    expect(env.MARIADB_PASSWORD).toBe('0123456789abcdef01234567');

    const loaded = loadCompose(upgraded, { profiles: ['singlestore'] });
    expect(loaded).toMatchObject({ ok: true, warnings: [] });
    expect(ensureDotEnv(folder)).toEqual({ created: false, added: [] });
  });
});

describe("what `npm run up` says when Docker lacks a piece", () => {
  const dockerCli = spawnSync('docker', ['--version'], { stdio: 'ignore' }).status === 0;

  it('names the missing docker command and both ways out', () => {
    const problem = dockerProblem({ PATH: join(tmpdir(), 'no-such-folder') });
    expect(problem).toMatch(/^Docker: no docker command here\. Install Docker Desktop .*, or set KIT_INFRA=local in \.env\.$/);
  });

  it.skipIf(!dockerCli)('tells a docker command without an engine from a missing command', () => {
    // A socket nobody listens on: the real docker client, and no engine behind it.
    const problem = dockerProblem({ PATH: process.env.PATH, HOME: tmpdir(), DOCKER_HOST: `unix://${join(tmpdir(), 'no-engine.sock')}` });
    expect(problem).toMatch(/^Docker: the docker command is here but no engine answers\. Start Docker Desktop .*, or set KIT_INFRA=local in \.env\.$/);
  });

  // A docker client and an engine without the compose plugin, as on a Linux server with
  // docker-ce but not docker-compose-plugin: a stand-in `docker` answers as those would.
  const fakeDocker = (compose: boolean) => {
    const bin = mkdtempSync(join(tmpdir(), 'kit-docker-'));
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh
case "$1" in
  --version) echo "Docker version 27.5.1, build 9f9e405" ;;
  info) echo "27.5.1" ;;
  compose) ${compose ? 'echo "Docker Compose version v2.32.4"' : 'echo "docker: \'compose\' is not a docker command." >&2; exit 1'} ;;
  *) exit 1 ;;
esac
`,
      { mode: 0o755 },
    );
    return { PATH: `${bin}:/usr/bin:/bin` };
  };

  it('names the missing compose plugin when the command and an engine are there', () => {
    expect(dockerProblem(fakeDocker(false))).toMatch(/^Docker: the compose plugin is missing \(`docker compose version` fails\)\. Install it .*docker-compose-plugin package\), or set KIT_INFRA=local in \.env\.$/);
  });

  it('finds nothing missing when all three answer', () => {
    expect(dockerProblem(fakeDocker(true))).toBeUndefined();
  });
});

describe('the SingleStore dev container check of `npm run up`', () => {
  const filled = (password: string, urlPassword = password) =>
    loadConfig({ DATABASE_URL: `singlestore://root:${urlPassword}@127.0.0.1:3307/donations`, SINGLESTORE_ROOT_PASSWORD: password });

  it('runs for a SingleStore on this machine, not for MariaDB nor Helios', () => {
    expect(usesSingleStoreDevContainer(filled('secret'))).toBe(true);
    expect(usesSingleStoreDevContainer(loadConfig(parseDotEnv(dotEnvFromExample(example))))).toBe(false);
    expect(usesSingleStoreDevContainer(loadConfig({ DATABASE_URL: 'singlestore://admin:x@svc-1.aws-virginia-1.svc.singlestore.com:3306/donations' }))).toBe(false);
  });

  it('stops in one line without a root password, or when DATABASE_URL holds another one', () => {
    expect(singleStoreDevContainerProblem(filled('secret'), { SINGLESTORE_ROOT_PASSWORD: 'secret' })).toBeUndefined();
    expect(singleStoreDevContainerProblem(filled('secret'), {})).toMatch(/^SINGLESTORE_ROOT_PASSWORD is not set: .* Set it in \.env \(see \.env\.example\)/);
    expect(singleStoreDevContainerProblem(filled('secret'), { SINGLESTORE_ROOT_PASSWORD: '' })).toMatch(/^SINGLESTORE_ROOT_PASSWORD is not set/);
    const mismatch = singleStoreDevContainerProblem(filled('secret', 'other'), { SINGLESTORE_ROOT_PASSWORD: 'secret' });
    expect(mismatch).toMatch(/^DATABASE_URL's password is not SINGLESTORE_ROOT_PASSWORD/);
    expect(mismatch).not.toContain('secret');
  });
});
