/**
 * For maintainers, after editing infra/connect/runtime-pom.xml or sink-pom.xml:
 *   npx tsx infra/connect/lock-jars.ts
 * Maven resolves each pom's runtime closure (checking Maven Central's checksums) and this
 * writes the jars' coordinates and SHA-256 to runtime.lock.json and sink.lock.json, which
 * `npm run bench -- --only peers` fetches and verifies as `npm run up` does Kafka's: no Maven.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KitError } from '@donations/lib';
import { jarLocation, sha256, type JarLock, type LockedJar } from '../kafka-jars.js';
import { parseDependencyLine } from '../kafka/lock-jars.js';
import { ROOT, runScript } from '../services.js';
import { isMainModule } from '../cli.js';

const REPOSITORY = 'https://repo1.maven.org/maven2';

/** The two closures the bench's Connect worker needs: the worker's classpath, and the sink's plugin folder. */
export const CONNECT_LOCKS = {
  runtime: { pom: join(ROOT, 'infra/connect/runtime-pom.xml'), lock: join(ROOT, 'infra/connect/runtime.lock.json'), mustHave: 'org.apache.kafka:connect-runtime:' },
  sink: { pom: join(ROOT, 'infra/connect/sink-pom.xml'), lock: join(ROOT, 'infra/connect/sink.lock.json'), mustHave: 'io.debezium:debezium-connector-jdbc:' },
} as const;

function writeLock(pom: string, lockFile: string, mustHave: string): void {
  const work = mkdtempSync(join(tmpdir(), 'connect-lock-'));
  try {
    const listing = join(work, 'dependencies.txt');
    const mvn = spawnSync('mvn', ['-q', '-B', '-C', '-f', pom, 'dependency:list', '-DincludeScope=runtime', `-DoutputFile=${listing}`, '-DoutputAbsoluteArtifactFilename=true'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (mvn.error || mvn.status !== 0) throw new KitError(`Maven could not resolve ${pom}: ${(mvn.error?.message ?? `${mvn.stdout}${mvn.stderr}`).trim().split('\n').slice(-3).join(' ')}`);
    const jars: LockedJar[] = readFileSync(listing, 'utf8')
      .split('\n')
      .map(parseDependencyLine)
      .filter((dependency): dependency is { id: string; file: string } => dependency !== undefined)
      .map(({ id, file }) => {
        if (!file.endsWith(jarLocation(id).file)) throw new KitError(`Maven's file ${file} is not named as ${id} would be`);
        return { id, sha256: sha256(readFileSync(file)), bytes: statSync(file).size };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
    if (!jars.some((jar) => jar.id.startsWith(mustHave))) throw new KitError(`the resolved closure of ${pom} has no ${mustHave} jar: check the pom`);
    const lock: JarLock = {
      about: 'Jars of the Kafka Connect peer `npm run bench` starts (infra/bench/connect.ts). Resolved by `npx tsx infra/connect/lock-jars.ts`; do not edit by hand.',
      pomSha256: sha256(readFileSync(pom)),
      repository: REPOSITORY,
      jars,
    };
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    console.log(`wrote ${lockFile}: ${jars.length} jars, ${(jars.reduce((sum, jar) => sum + jar.bytes, 0) / 1e6).toFixed(1)} MB`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    for (const { pom, lock, mustHave } of Object.values(CONNECT_LOCKS)) writeLock(pom, lock, mustHave);
  });
}
