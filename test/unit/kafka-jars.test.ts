// Kafka's jars without Maven: the committed lock matches the pom it was resolved from, and the
// fetcher installs exactly the locked jars, verified, from a Maven repository (here a local
// HTTP server on loopback standing in for Maven Central).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_RELEASES, installKafkaJars, jarLocation, lockedKafkaVersion, readJarLock, sha256, type JarLock } from '../../infra/kafka-jars.js';
import { parseDependencyLine } from '../../infra/kafka/lock-jars.js';

// 4.x logs through log4j2, 3.9 through log4j 1 (reload4j): each lock holds its line's slf4j binding.
const BINDINGS = { '4.4': 'org.apache.logging.log4j:log4j-slf4j-impl:', '3.9': 'org.slf4j:slf4j-reload4j:' } as const;

describe.each(Object.values(KAFKA_RELEASES))('the committed lock of the Kafka $line jars', ({ line, pom, lock: lockFile }) => {
  const lock = readJarLock(lockFile);

  it('was resolved from its current pom (after editing the pom, run `npm run kafka:lock`)', () => {
    expect(lock.pomSha256).toBe(sha256(readFileSync(pom)));
  });

  it("holds the pom's Kafka broker and log binding, each jar once, with a SHA-256", () => {
    const kafkaVersion = /<kafka\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))![1]!;
    expect(kafkaVersion.startsWith(`${line}.`)).toBe(true);
    expect(lockedKafkaVersion(lock)).toBe(kafkaVersion);
    const ids = lock.jars.map((jar) => jar.id);
    expect(ids).toContain(`org.apache.kafka:kafka_2.13:${kafkaVersion}`);
    expect(ids).toContain(`org.apache.kafka:kafka-clients:${kafkaVersion}`);
    expect(ids.some((id) => id.startsWith(BINDINGS[line]))).toBe(true);
    expect(new Set(ids.map((id) => jarLocation(id).file)).size).toBe(ids.length);
    for (const jar of lock.jars) expect(jar.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lock.repository).toMatch(/^https:\/\//);
  });
});

describe('the Kafka jars', () => {
  it("names each jar as Maven does, and reads Maven's dependency listing", () => {
    expect(jarLocation('org.apache.kafka:kafka_2.13:3.9.1')).toEqual({ file: 'kafka_2.13-3.9.1.jar', path: 'org/apache/kafka/kafka_2.13/3.9.1/kafka_2.13-3.9.1.jar' });
    expect(jarLocation('io.netty:netty-transport-native-epoll:4.1.105.Final:linux-x86_64').file).toBe('netty-transport-native-epoll-4.1.105.Final-linux-x86_64.jar');
    expect(() => jarLocation('not a coordinate')).toThrow();
    expect(parseDependencyLine('   org.slf4j:slf4j-api:jar:1.7.36:compile:/m2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar')).toEqual({ id: 'org.slf4j:slf4j-api:1.7.36', file: '/m2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar' });
    expect(parseDependencyLine('   io.netty:netty-x:jar:linux-x86_64:4.1.105.Final:runtime:/m2/x.jar')).toMatchObject({ id: 'io.netty:netty-x:4.1.105.Final:linux-x86_64' });
    expect(parseDependencyLine('The following files have been resolved:')).toBeUndefined();
  });
});

describe('installing the locked jars', () => {
  const served = new Map<string, Buffer>();
  let server: Server;
  let repository = '';
  const jarA = Buffer.from('first jar bytes');
  const jarB = Buffer.from('second jar bytes');

  function writeLock(folder: string, jars: { id: string; bytes: Buffer }[]): string {
    const lock: JarLock = { about: 'test', pomSha256: '', repository, jars: jars.map(({ id, bytes }) => ({ id, sha256: sha256(bytes), bytes: bytes.length })) };
    const file = join(folder, 'jars.lock.json');
    writeFileSync(file, JSON.stringify(lock));
    return file;
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = served.get(request.url ?? '');
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    repository = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/maven2`;
    served.set('/maven2/org/example/a/1.0/a-1.0.jar', jarA);
    served.set('/maven2/org/example/b/2.0/b-2.0.jar', jarB);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads each jar once, verified, and removes jars the lock no longer lists', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kit-jars-'));
    const libs = join(folder, 'libs');
    const lockFile = writeLock(folder, [{ id: 'org.example:a:1.0', bytes: jarA }, { id: 'org.example:b:2.0', bytes: jarB }]);
    expect(await installKafkaJars(libs, { lockFile })).toBe(2);
    expect(readFileSync(join(libs, 'a-1.0.jar'))).toEqual(jarA);
    expect(await installKafkaJars(libs, { lockFile })).toBe(0);

    // A new lock without b, and a damaged a: a is fetched again, b leaves the classpath.
    writeFileSync(join(libs, 'a-1.0.jar'), 'damaged');
    const smaller = writeLock(folder, [{ id: 'org.example:a:1.0', bytes: jarA }]);
    expect(await installKafkaJars(libs, { lockFile: smaller })).toBe(1);
    expect(readdirSync(libs).filter((name) => name.endsWith('.jar'))).toEqual(['a-1.0.jar']);
    expect(readFileSync(join(libs, 'a-1.0.jar'))).toEqual(jarA);
  });

  it('refuses a jar whose bytes differ from the lock, and installs nothing of it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kit-jars-'));
    const libs = join(folder, 'libs');
    const lockFile = writeLock(folder, [{ id: 'org.example:a:1.0', bytes: Buffer.from('what the lock expects') }]);
    await expect(installKafkaJars(libs, { lockFile })).rejects.toThrow(/org\.example:a:1\.0 .* does not match its SHA-256 in .*jars\.lock\.json/);
    expect(existsSync(join(libs, 'a-1.0.jar'))).toBe(false);
    expect(existsSync(join(libs, '.lock-sha256'))).toBe(false);
  });

  it('names the jar and the fix when the repository does not have it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'kit-jars-'));
    const lockFile = writeLock(folder, [{ id: 'org.example:missing:1.0', bytes: jarA }]);
    await expect(installKafkaJars(join(folder, 'libs'), { lockFile })).rejects.toThrow(/Could not download the Kafka jar org\.example:missing:1\.0 from Maven Central \(HTTP 404\).*set KAFKA_BROKERS/);
  });
});
