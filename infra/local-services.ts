/**
 * Kafka and MariaDB as plain local processes of the current user, for machines without a
 * Docker engine: Kafka from the Apache Kafka jars of infra/kafka/jars.lock.json (KRaft
 * combined mode; jars-3.9.lock.json with KIT_KAFKA_VERSION=3.9), MariaDB from whatever server is installed (apt's, dnf's, Homebrew's) with
 * a data folder of the kit's own. Root is needed only to install a missing package.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import { $ } from 'zx';
import { SetupError, isKafkaReachable, type KitConfig } from '@donations/lib';
import { KAFKA_RELEASES, installKafkaJars, lockedKafkaVersion, readJarLock, sha256, type KafkaRelease } from './kafka-jars.js';
import { brokerJavaArgs, brokerProperties, scramCredentialArgument, type SaslSslListener } from './kafka-properties.js';
import { aptPackages, findJava, findKcat, findMariadb, installCommand, mariadbVersionOf, packageManagerOf, thisMachine, versionAtLeast, type Machine, type MariadbPrograms } from './platform.js';
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

// The jars are shared by every set of services of a release line; only data and logs are per set.
const kafkaLibs = (release: KafkaRelease) => join(KIT_DIR, 'kafka', `libs-${release.line}`);

/** Unix socket paths are limited to 104 bytes on macOS (108 on Linux): a deep clone gets one in the temporary folder. */
export function socketPathFor(folder: string, temporary = tmpdir()): string {
  const inside = join(folder, 'mariadb.sock');
  return inside.length <= 100 ? inside : join(temporary, `kit-mariadb-${sha256(folder).slice(0, 12)}.sock`);
}

/** Where one set of services keeps Kafka's and MariaDB's data and logs. */
export function servicePaths(config: KitConfig) {
  const kafka = join(stateDir(config), 'kafka');
  const mariadb = join(stateDir(config), 'mariadb');
  return {
    kafka,
    kafkaLog: join(kafka, 'kafka.log'),
    mariadb,
    mariadbSocket: socketPathFor(mariadb),
    mariadbLog: join(mariadb, 'error.log'),
  };
}

function isRoot(): boolean {
  return userInfo().uid === 0;
}

/** True where the kit may install a missing package itself: root on Debian or Ubuntu. */
export function canInstallPackages(): boolean {
  const machine = thisMachine();
  return machine.isRoot && packageManagerOf(machine) === 'apt';
}

export async function aptGetInstall(packages: string[]): Promise<void> {
  console.log(`installing ${packages.join(' ')} with apt-get...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await $({ env })`apt-get update -qq`;
  await $({ env })`apt-get install -y -qq ${packages}`;
}

// ---------------------------------------------------------------- Kafka

/** The java to run Kafka with; installed with apt-get only where the kit can, else one line naming the install. */
export async function ensureJava(release: KafkaRelease = KAFKA_RELEASES['4.4']): Promise<string> {
  let found = findJava(thisMachine(), process.env.JAVA_HOME, release.minJava);
  if (!found.java && canInstallPackages()) {
    await aptGetInstall(aptPackages('java'));
    found = findJava(thisMachine(), process.env.JAVA_HOME, release.minJava);
  }
  if (found.java) return found.java;
  const why = found.tooOld ? `${found.tooOld}, Kafka ${release.line} needs ${release.minJava} or later` : 'Java is not installed (Kafka runs on a JVM)';
  throw new SetupError(`${why}: ${installCommand('java', thisMachine())}, or run Kafka elsewhere and set KAFKA_BROKERS.`);
}

function writeKafkaProperties(config: KitConfig, dataDir: string, saslSsl?: SaslSslListener): string {
  const { host, port } = splitHostPort(config.kafka.brokers[0]!);
  const file = join(servicePaths(config).kafka, 'server.properties');
  writeFileSync(file, brokerProperties({ host, port, controllerPort: port + 1, dataDir, retentionMs: config.kafka.retentionMs, saslSsl }));
  return file;
}

/**
 * A data folder keeps the newest release that ran on it: a newer broker upgrades an older
 * folder in place, but an older one may not start on a newer one's (from 4.4 not even on one
 * its storage tool formatted), so switching KIT_KAFKA_VERSION back needs a fresh folder.
 */
export function checkDataFolderRelease(ranBy: string | undefined, version: string, dataDir: string): void {
  if (ranBy && !versionAtLeast(version, ranBy)) {
    throw new SetupError(`${dataDir} was last run by Kafka ${ranBy}, newer than this Kafka ${version} (KIT_KAFKA_VERSION): set it back, or delete that folder (its topics go with it) while Kafka is stopped.`);
  }
}

/** A Kafka line's jars from Maven Central into .kit/kafka/libs-<line>, each checked against its lock (nothing when they are there). */
export function installLocalKafkaJars(release: KafkaRelease = KAFKA_RELEASES['4.4']): Promise<number> {
  return installKafkaJars(kafkaLibs(release), { lockFile: release.lock, log: console.log });
}

/**
 * A SASL_SSL listener beside the PLAINTEXT one, as the cloud VM runs it (infra/cloud/): the
 * tests start the local broker so, on ports of their own. `scram` is the login stored when
 * the data folder is formatted; a folder formatted without it has no login.
 */
export interface LocalSaslSsl {
  listener: SaslSslListener;
  scram: { user: string; password: string };
}

export async function startLocalKafka(config: KitConfig, options: { saslSsl?: LocalSaslSsl } = {}): Promise<number> {
  const { kafka: KAFKA_DIR, kafkaLog: KAFKA_LOG } = servicePaths(config);
  const { host, port } = splitHostPort(config.kafka.brokers[0]!);
  const { saslSsl } = options;
  for (const busy of [port, port + 1, ...(saslSsl ? [saslSsl.listener.port] : [])]) {
    if (await isPortOpen(host, busy)) {
      throw new SetupError(`Port ${busy} is taken by a program that is not a Kafka broker the kit can use: stop it, or set KAFKA_BROKERS to another port.`);
    }
  }
  const release = KAFKA_RELEASES[config.kit.kafkaVersion];
  const version = lockedKafkaVersion(readJarLock(release.lock));
  const java = await ensureJava(release);
  await installLocalKafkaJars(release);
  const classpath = `${kafkaLibs(release)}/*`;
  const dataDir = ensureDir(join(KAFKA_DIR, 'data'));
  const ranBy = join(KAFKA_DIR, 'data-release');
  checkDataFolderRelease(existsSync(ranBy) ? readFileSync(ranBy, 'utf8').trim() : undefined, version, dataDir);
  writeFileSync(ranBy, version);
  const properties = writeKafkaProperties(config, dataDir, saslSsl?.listener);
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    const clusterId = (await $`${java} -cp ${classpath} kafka.tools.StorageTool random-uuid`).stdout.trim().split('\n').pop()!;
    const scram = saslSsl ? ['--add-scram', scramCredentialArgument(saslSsl.scram.user, saslSsl.scram.password)] : [];
    // Static voters (controller.quorum.voters): 3.9 and 4.x format them alike, without --standalone.
    await $`${java} -cp ${classpath} ${release.logging} kafka.tools.StorageTool format -t ${clusterId} -c ${properties} ${scram}`;
  }
  const log = openSync(KAFKA_LOG, 'a');
  const child = spawn(java, brokerJavaArgs({ maxHeap: '2g', logging: release.logging, classpath, properties }), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const pid = child.pid!;
  recordStartedService(config, 'kafka', { mode: 'local', pid });
  await waitUntil('Kafka', () => isKafkaReachable(config.kafka, 2_000), {
    timeoutMs: 90_000,
    failFast: () => (isProcessAlive(pid) ? undefined : `the JVM exited; last lines of ${KAFKA_LOG}:\n${tail(KAFKA_LOG)}`),
  });
  return pid;
}

/** kcat for the bench, installed with apt-get where the kit can; else the line naming the install. */
export async function ensureKcat(): Promise<{ kcat: string } | { missing: string }> {
  let kcat = findKcat(thisMachine());
  if (!kcat && canInstallPackages()) {
    await aptGetInstall(aptPackages('kcat'));
    kcat = findKcat(thisMachine());
  }
  return kcat ? { kcat } : { missing: `kcat is not installed: ${installCommand('kcat', thisMachine())}` };
}

// ---------------------------------------------------------------- MariaDB

/** MariaDB 10.4 added the socket login of the OS user that `--auth-root-socket-user` sets up. */
const MIN_MARIADB = '10.4';

/** The installed MariaDB server and its helpers; installed with apt-get only where the kit can, else one line naming the install. */
export async function ensureMariadb(): Promise<MariadbPrograms> {
  let programs = findMariadb(thisMachine());
  if (!programs && canInstallPackages()) {
    await aptGetInstall(aptPackages('mariadb'));
    programs = findMariadb(thisMachine());
  }
  const install = installCommand('mariadb', thisMachine());
  if (!programs) {
    throw new SetupError(`MariaDB is not installed (the local database): ${install}, then run this again; or start a MySQL-compatible server yourself and set DATABASE_URL.`);
  }
  const version = mariadbVersionOf(programs.server);
  if (!version) throw new SetupError(`${programs.server} is not MariaDB (MySQL's server takes other settings): ${install}, or start your server yourself and set DATABASE_URL.`);
  if (!versionAtLeast(version, MIN_MARIADB)) throw new SetupError(`${programs.server} is MariaDB ${version}, the kit needs ${MIN_MARIADB} or later: ${install}, or set DATABASE_URL to a newer server.`);
  return programs;
}

/**
 * Installing MariaDB with apt (or Homebrew's `brew services`) starts the system's own server on
 * 3306, which the kit cannot log into: the line says how to stop it on this OS.
 */
export function databasePortTaken(port: number, machine: Pick<Machine, 'platform' | 'osRelease'>): string {
  const stop = packageManagerOf(machine) === 'brew' ? 'brew services stop mariadb' : machine.platform === 'linux' ? 'sudo systemctl disable --now mariadb' : undefined;
  return `Port ${port} is taken by a server the kit cannot log into with DATABASE_URL (the system's MariaDB, started when it was installed?): stop it${stop ? ` (${stop})` : ''}, fix the user and password in .env, or set another port in DATABASE_URL.`;
}

/** The OS user the server runs as; the install script gives it a password-less login over the socket. */
function osUser(): string {
  return userInfo().username;
}

export async function startLocalMariadb(config: KitConfig): Promise<number> {
  const { mariadb: MARIADB_DIR, mariadbSocket: MARIADB_SOCKET, mariadbLog: MARIADB_LOG } = servicePaths(config);
  const { host, port } = config.database;
  if (await isPortOpen(host, port)) throw new SetupError(databasePortTaken(port, thisMachine()));
  const programs = await ensureMariadb();
  // mariadbd refuses to run as root unless told to; as any other user it runs as that user.
  const asRoot = isRoot() ? ['--user=root'] : [];

  const dataDir = join(MARIADB_DIR, 'data');
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) {
    ensureDir(dataDir);
    console.log(`initialising a MariaDB data folder in ${dataDir} for user ${osUser()}...`);
    try {
      await $`${programs.installDb} --no-defaults --basedir=${programs.baseDir} --datadir=${dataDir} ${asRoot} --auth-root-authentication-method=socket --auth-root-socket-user=${osUser()} --skip-test-db`;
    } catch (error) {
      const output = String((error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || error).trim();
      throw new SetupError(`${programs.installDb} could not initialise ${dataDir}: ${output.split('\n').filter(Boolean).slice(-2).join(' ')}`);
    }
  }
  const log = openSync(join(MARIADB_DIR, 'stdout.log'), 'a');
  const child = spawn(
    programs.server,
    [
      `--defaults-file=${join(ROOT, 'infra/mariadb/kit.cnf')}`,
      `--basedir=${programs.baseDir}`,
      `--datadir=${dataDir}`,
      `--socket=${MARIADB_SOCKET}`,
      `--port=${port}`,
      `--pid-file=${join(MARIADB_DIR, 'mariadb.pid')}`,
      `--log-error=${MARIADB_LOG}`,
      `--slow-query-log-file=${join(MARIADB_DIR, 'slow.log')}`,
      ...asRoot,
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
  await provisionKitUser(config, programs.client);
  return pid;
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Creates the kit's user from DATABASE_URL with its database, logged in over the socket as the OS user. */
export async function provisionKitUser(config: KitConfig, client: string): Promise<void> {
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
  await $({ input: sql })`${client} --no-defaults --socket=${servicePaths(config).mariadbSocket} -u${osUser()}`;
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

