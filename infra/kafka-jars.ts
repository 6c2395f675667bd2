/**
 * The Apache Kafka broker's jars, fetched from Maven Central exactly as `infra/kafka/jars.lock.json`
 * lists them (coordinates and SHA-256), so that a learner needs Java and nothing else: no Maven.
 * The lock is the resolved runtime closure of `infra/kafka/pom.xml`; `npm run kafka:lock`
 * (a maintainer's command, which needs Maven) writes it again after the pom changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SetupError, type KafkaLine } from '@donations/lib';
import { ROOT, ensureDir } from './services.js';

export const KAFKA_POM = join(ROOT, 'infra/kafka/pom.xml');
export const KAFKA_LOCK = join(ROOT, 'infra/kafka/jars.lock.json');

/** What differs between the broker lines the kit has jars of (KIT_KAFKA_VERSION). */
export interface KafkaRelease {
  line: KafkaLine;
  pom: string;
  lock: string;
  /** Brokers of 4.x are built for Java 17; 3.9 runs on 11. */
  minJava: number;
  /** The JVM flag that points the line's logging (log4j2 from 4.0, log4j 1 before) at the kit's file. */
  logging: string;
  /** That file's name in infra/kafka/; a VM gets a copy of it (infra/cloud/). */
  loggingFile: string;
  /** The same flag for a copy of the file in another folder. */
  loggingFlag(folder: string): string;
}

const KAFKA_FILES = join(ROOT, 'infra/kafka');
const log4j2 = (folder: string) => `-Dlog4j2.configurationFile=${folder}/log4j2.yaml`;
const log4j1 = (folder: string) => `-Dlog4j.configuration=file:${folder}/log4j.properties`;

export const KAFKA_RELEASES: Record<KafkaLine, KafkaRelease> = {
  '4.4': { line: '4.4', pom: KAFKA_POM, lock: KAFKA_LOCK, minJava: 17, logging: log4j2(KAFKA_FILES), loggingFile: 'log4j2.yaml', loggingFlag: log4j2 },
  '3.9': {
    line: '3.9',
    pom: join(ROOT, 'infra/kafka/pom-3.9.xml'),
    lock: join(ROOT, 'infra/kafka/jars-3.9.lock.json'),
    minJava: 11,
    logging: log4j1(KAFKA_FILES),
    loggingFile: 'log4j.properties',
    loggingFlag: log4j1,
  },
};

/** The full Kafka version a lock holds (its kafka_2.13 jar): 4.4.0, 3.9.1. */
export function lockedKafkaVersion(lock: JarLock): string {
  const broker = lock.jars.find((jar) => jar.id.startsWith('org.apache.kafka:kafka_2.13:'));
  if (!broker) throw new Error(`the lock "${lock.about}" has no Kafka broker jar`);
  return broker.id.split(':')[2]!;
}

export interface LockedJar {
  /** group:artifact:version, or group:artifact:version:classifier. */
  id: string;
  sha256: string;
  bytes: number;
}

export interface JarLock {
  about: string;
  /** SHA-256 of the pom.xml this lock was resolved from: a pom edited without a new lock fails the unit tests. */
  pomSha256: string;
  /** The Maven repository every jar is fetched from. */
  repository: string;
  jars: LockedJar[];
}

export function readJarLock(file = KAFKA_LOCK): JarLock {
  return JSON.parse(readFileSync(file, 'utf8')) as JarLock;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The file name Maven gives a jar (artifact-version[-classifier].jar), and its path in a Maven repository. */
export function jarLocation(id: string): { file: string; path: string } {
  const parts = id.split(':');
  if (parts.length < 3 || parts.length > 4 || parts.some((part) => !/^[\w.-]+$/.test(part))) throw new Error(`not group:artifact:version[:classifier]: ${id}`);
  const [group, artifact, version, classifier] = parts as [string, string, string, string?];
  const file = `${artifact}-${version}${classifier ? `-${classifier}` : ''}.jar`;
  return { file, path: `${group.replace(/\./g, '/')}/${artifact}/${version}/${file}` };
}

function fileMatches(file: string, jar: LockedJar): boolean {
  return existsSync(file) && sha256(readFileSync(file)) === jar.sha256;
}

async function download(url: string, jar: LockedJar, target: string, lockName: string): Promise<void> {
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = Buffer.from(await response.arrayBuffer());
      // A mismatch is never retried: it is not a network hiccup but a different file.
      if (sha256(body) !== jar.sha256) {
        throw new SetupError(`${jar.id} from ${url} does not match its SHA-256 in ${lockName} (a proxy or mirror changed it?): nothing was installed.`);
      }
      const partial = `${target}.part`;
      writeFileSync(partial, body);
      renameSync(partial, target);
      return;
    } catch (error) {
      if (error instanceof SetupError) throw error;
      lastError = (error as Error).cause ? String(((error as Error).cause as Error).message ?? (error as Error).cause) : (error as Error).message;
    }
  }
  throw new SetupError(`Could not download the Kafka jar ${jar.id} from Maven Central (${lastError}): check the network, or run Kafka elsewhere and set KAFKA_BROKERS.`);
}

/**
 * Makes `libsDir` hold exactly the locked jars, each verified against its SHA-256; jars
 * already there and intact are kept. Returns how many were downloaded.
 */
export async function installKafkaJars(libsDir: string, options: { lockFile?: string; log?: (line: string) => void } = {}): Promise<number> {
  const lockFile = options.lockFile ?? KAFKA_LOCK;
  const lockText = readFileSync(lockFile, 'utf8');
  const stamp = join(libsDir, '.lock-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === sha256(lockText)) return 0;

  const lock = JSON.parse(lockText) as JarLock;
  ensureDir(libsDir);
  const wanted = new Map(lock.jars.map((jar) => [jarLocation(jar.id).file, jar]));
  // Jars of an older lock would still be on the classpath (libs/*): remove them.
  for (const name of readdirSync(libsDir)) {
    if ((name.endsWith('.jar') || name.endsWith('.part')) && !wanted.has(name)) rmSync(join(libsDir, name), { force: true });
  }
  rmSync(join(libsDir, '.pom-sha256'), { force: true });

  const missing = [...wanted].filter(([file, jar]) => !fileMatches(join(libsDir, file), jar));
  if (missing.length > 0) {
    const megabytes = missing.reduce((sum, [, jar]) => sum + jar.bytes, 0) / 1e6;
    options.log?.(`downloading ${missing.length} Apache Kafka jars (${megabytes.toFixed(0)} MB) from Maven Central, each checked against ${relative(ROOT, lockFile)}...`);
    const queue = [...missing];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [file, jar] = next;
        await download(`${lock.repository}/${jarLocation(jar.id).path}`, jar, join(libsDir, file), relative(ROOT, lockFile));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }
  writeFileSync(stamp, sha256(lockText));
  return missing.length;
}
