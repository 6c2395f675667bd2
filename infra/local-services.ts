/**
 * Kafka and MariaDB as plain local processes, for machines without a Docker engine:
 * Kafka from the Apache Kafka jars that Maven resolves (KRaft combined mode), MariaDB
 * from the system package with a data folder of the kit's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { $ } from 'zx';
import { SetupError, isKafkaReachable, type KitConfig } from '@donations/lib';
import {
  ROOT,
  KIT_DIR,
  ensureDir,
  stateDir,
  isPortOpen,
  isProcessAlive,
  recordStartedService,
  splitHostPort,
  tail,
  waitUntil,
} from './services.js';

$.verbose = false;
$.quiet = true;

// The jars are shared by every set of services; only data and logs are per set.
const KAFKA_LIBS = join(KIT_DIR, 'kafka', 'libs');
const KAFKA_POM = join(ROOT, 'infra/kafka/pom.xml');

/** Where one set of services keeps Kafka's and MariaDB's data and logs. */
export function servicePaths(config: KitConfig) {
  const kafka = join(stateDir(config), 'kafka');
  const mariadb = join(stateDir(config), 'mariadb');
  return {
    kafka,
    kafkaLog: join(kafka, 'kafka.log'),
    mariadb,
    mariadbSocket: join(mariadb, 'mariadb.sock'),
    mariadbLog: join(mariadb, 'error.log'),
  };
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function isRoot(): boolean {
  return userInfo().uid === 0;
}

/** Installs Debian packages when root on a Debian-like system; otherwise names what to install. */
export async function ensureDebianPackages(what: string, binaries: string[], packages: string[]): Promise<void> {
  if (binaries.every((binary) => commandExists(binary) || existsSync(binary))) return;
  if (!isRoot() || !commandExists('apt-get')) {
    throw new SetupError(`${what} is not installed: install ${packages.join(' ')} (as root: apt-get install ${packages.join(' ')}), or point the kit at a running server in .env.`);
  }
  console.log(`installing ${packages.join(' ')} with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await $({ env })`apt-get update -qq`;
  await $({ env })`apt-get install -y -qq ${packages}`;
}

// ---------------------------------------------------------------- Kafka

function kafkaJarsReady(): boolean {
  const stamp = join(KAFKA_LIBS, '.pom-sha256');
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === sha256(readFileSync(KAFKA_POM));
}

async function installKafkaJars(): Promise<void> {
  if (kafkaJarsReady()) return;
  if (!commandExists('java')) throw new SetupError('Java is not installed: Kafka runs on a JVM. Install Java 17 (apt-get install openjdk-17-jre-headless), or run Kafka elsewhere and set KAFKA_BROKERS.');
  await ensureDebianPackages('Maven', ['mvn'], ['maven']);
  console.log('resolving the Apache Kafka jars from Maven Central...');
  ensureDir(KAFKA_LIBS);
  try {
    await $`mvn -q -B -f ${KAFKA_POM} dependency:copy-dependencies -DoutputDirectory=${KAFKA_LIBS} -DincludeScope=runtime`;
  } catch (error) {
    throw new SetupError(`Maven could not resolve the Kafka jars (is Maven Central reachable?): ${String((error as { stderr?: string }).stderr ?? error).trim().split('\n').slice(-3).join(' ')}`);
  }
  writeFileSync(join(KAFKA_LIBS, '.pom-sha256'), sha256(readFileSync(KAFKA_POM)));
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeKafkaProperties(config: KitConfig, dataDir: string): string {
  const KAFKA_DIR = servicePaths(config).kafka;
  const { host, port } = splitHostPort(config.kafka.brokers[0]!);
  const template = readFileSync(join(ROOT, 'infra/kafka/server.properties.template'), 'utf8');
  const values: Record<string, string> = {
    host,
    port: String(port),
    controllerPort: String(port + 1),
    dataDir,
    retentionMs: String(config.kafka.retentionMs),
  };
  const file = join(KAFKA_DIR, 'server.properties');
  writeFileSync(file, template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? ''));
  return file;
}

const classpath = () => `${KAFKA_LIBS}/*`;

export async function startLocalKafka(config: KitConfig): Promise<number> {
  const { kafka: KAFKA_DIR, kafkaLog: KAFKA_LOG } = servicePaths(config);
  const { host, port } = splitHostPort(config.kafka.brokers[0]!);
  for (const busy of [port, port + 1]) {
    if (await isPortOpen(host, busy)) {
      throw new SetupError(`Port ${busy} is taken by a program that is not a Kafka broker the kit can use: stop it, or set KAFKA_BROKERS to another port.`);
    }
  }
  await installKafkaJars();
  const dataDir = ensureDir(join(KAFKA_DIR, 'data'));
  const properties = writeKafkaProperties(config, dataDir);
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const clusterId = (await $`java -cp ${classpath()} kafka.tools.StorageTool random-uuid`).stdout.trim().split('\n').pop()!;
    await $`java -cp ${classpath()} -Dlog4j.configuration=file:${join(ROOT, 'infra/kafka/log4j.properties')} kafka.tools.StorageTool format -t ${clusterId} -c ${properties}`;
  }
  const log = openSync(KAFKA_LOG, 'a');
  const child = spawn(
    'java',
    ['-Xms512m', '-Xmx2g', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${join(ROOT, 'infra/kafka/log4j.properties')}`, '-cp', classpath(), 'kafka.Kafka', properties],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const pid = child.pid!;
  recordStartedService(config, 'kafka', { mode: 'local', pid });
  await waitUntil('Kafka', () => isKafkaReachable(config.kafka, 2_000), {
    timeoutMs: 90_000,
    failFast: () => (isProcessAlive(pid) ? undefined : `the JVM exited; last lines of ${KAFKA_LOG}:\n${tail(KAFKA_LOG)}`),
  });
  return pid;
}

// ---------------------------------------------------------------- MariaDB

function findMariadbd(): string | undefined {
  return ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/local/sbin/mariadbd'].find(existsSync);
}

export async function startLocalMariadb(config: KitConfig): Promise<number> {
  const { mariadb: MARIADB_DIR, mariadbSocket: MARIADB_SOCKET, mariadbLog: MARIADB_LOG } = servicePaths(config);
  const { host, port } = config.database;
  if (await isPortOpen(host, port)) {
    throw new SetupError(`Port ${port} is taken by a program the kit cannot log into with DATABASE_URL: stop it, fix the user and password in .env, or set another port in DATABASE_URL.`);
  }
  if (!isRoot()) {
    throw new SetupError('Starting a local MariaDB needs root (the kit installs and runs the system package). Run as root, or start a MySQL-compatible server yourself and set DATABASE_URL.');
  }
  await ensureDebianPackages('MariaDB', ['/usr/sbin/mariadbd', 'mariadb'], ['mariadb-server', 'mariadb-client']);
  const mariadbd = findMariadbd();
  if (!mariadbd) throw new SetupError('mariadbd was not found after installing mariadb-server: check the apt-get output above.');

  const dataDir = join(MARIADB_DIR, 'data');
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) {
    ensureDir(dataDir);
    console.log('initialising a MariaDB data folder in .kit/mariadb...');
    await $`mariadb-install-db --no-defaults --datadir=${dataDir} --user=root --auth-root-authentication-method=socket --skip-test-db`;
  }
  const log = openSync(join(MARIADB_DIR, 'stdout.log'), 'a');
  const child = spawn(
    mariadbd,
    [
      `--defaults-file=${join(ROOT, 'infra/mariadb/kit.cnf')}`,
      `--datadir=${dataDir}`,
      `--socket=${MARIADB_SOCKET}`,
      `--port=${port}`,
      `--pid-file=${join(MARIADB_DIR, 'mariadb.pid')}`,
      `--log-error=${MARIADB_LOG}`,
      `--slow-query-log-file=${join(MARIADB_DIR, 'slow.log')}`,
      '--user=root',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const pid = child.pid!;
  recordStartedService(config, 'mariadb', { mode: 'local', pid });
  await waitUntil('MariaDB', () => isPortOpen(host, port), {
    timeoutMs: 60_000,
    failFast: () => (isProcessAlive(pid) ? undefined : `mariadbd exited; last lines of ${MARIADB_LOG}:\n${tail(MARIADB_LOG)}`),
  });
  await provisionKitUser(config);
  return pid;
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Creates the kit's user from DATABASE_URL (over the root socket) with its database. */
export async function provisionKitUser(config: KitConfig): Promise<void> {
  const { user, password, database } = config.database;
  const sql = [
    `CREATE USER IF NOT EXISTS ${sqlString(user)}@'localhost' IDENTIFIED BY ${sqlString(password)};`,
    `CREATE USER IF NOT EXISTS ${sqlString(user)}@'127.0.0.1' IDENTIFIED BY ${sqlString(password)};`,
    `ALTER USER ${sqlString(user)}@'localhost' IDENTIFIED BY ${sqlString(password)};`,
    `ALTER USER ${sqlString(user)}@'127.0.0.1' IDENTIFIED BY ${sqlString(password)};`,
    // The kit's own server: its user creates and drops the lesson and test databases.
    `GRANT ALL PRIVILEGES ON *.* TO ${sqlString(user)}@'localhost' WITH GRANT OPTION;`,
    `GRANT ALL PRIVILEGES ON *.* TO ${sqlString(user)}@'127.0.0.1' WITH GRANT OPTION;`,
    `CREATE DATABASE IF NOT EXISTS \`${database}\`;`,
  ].join('\n');
  // The password travels on stdin, never on a command line that `ps` would show.
  await $({ input: sql })`mariadb --no-defaults --socket=${servicePaths(config).mariadbSocket} -uroot`;
}

// ---------------------------------------------------------------- stopping

/** SIGTERM, then wait for the process to exit (Kafka shuts down cleanly in a few seconds). */
export async function stopProcess(pid: number, what: string, timeoutMs = 45_000): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isProcessAlive(pid)) {
    console.warn(`${what} did not stop within ${timeoutMs / 1000} s: killing it`);
    process.kill(pid, 'SIGKILL');
  }
}

