/**
 * `npm run kafka:lock`, for maintainers after editing infra/kafka/pom.xml or pom-3.9.xml: Maven
 * resolves each runtime closure (checking every jar against Maven Central's checksums), and this
 * writes each jar's coordinates and SHA-256 to jars.lock.json and jars-3.9.lock.json. Learners
 * never need Maven.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { KitError } from '@donations/lib';
import { KAFKA_RELEASES, jarLocation, sha256, type JarLock, type LockedJar } from '../kafka-jars.js';
import { runScript } from '../services.js';
import { isMainModule } from '../cli.js';

const REPOSITORY = 'https://repo1.maven.org/maven2';

/** One line of `mvn dependency:list` with absolute file names: group:artifact:jar[:classifier]:version:scope:/path/to.jar */
export function parseDependencyLine(line: string): { id: string; file: string } | undefined {
  const match = /^\s*([\w.-]+):([\w.-]+):jar:(?:([\w.-]+):)?([\w.-]+):(compile|runtime):(\/.+\.jar)\s*$/.exec(line);
  if (!match) return undefined;
  const [, group, artifact, classifier, version, , file] = match;
  return { id: [group, artifact, version, ...(classifier ? [classifier] : [])].join(':'), file: file! };
}

/**
 * Resolves `pom`'s runtime closure with Maven and writes each jar's coordinates and SHA-256
 * to `lockFile`; `mustHave` names a jar the closure must hold (a check that the pom is right).
 */
export function writeJarLock(options: { pom: string; lockFile: string; mustHave: string; about: string }): void {
  const { pom, lockFile, mustHave, about } = options;
  const work = mkdtempSync(join(tmpdir(), 'jar-lock-'));
  try {
    const listing = join(work, 'dependencies.txt');
    // -C: fail on a checksum mismatch instead of Maven's default warning.
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
    const lock: JarLock = { about, pomSha256: sha256(readFileSync(pom)), repository: REPOSITORY, jars };
    writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
    console.log(`wrote ${lockFile}: ${jars.length} jars, ${(jars.reduce((sum, jar) => sum + jar.bytes, 0) / 1e6).toFixed(1)} MB`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    for (const { line, pom, lock } of Object.values(KAFKA_RELEASES)) {
      writeJarLock({
        pom,
        lockFile: lock,
        mustHave: 'org.apache.kafka:kafka_2.13:',
        about: `The Kafka ${line} broker jars \`npm run up\` fetches and verifies (infra/kafka-jars.ts). Resolved from ${basename(pom)} by \`npm run kafka:lock\`; do not edit by hand.`,
      });
    }
  });
}
