/**
 * The peer users would pick for Kafka to MySQL: a standalone Kafka Connect worker with
 * Debezium's JDBC sink, from Maven Central jars as the broker is (infra/connect/*.lock.json),
 * started by the bench against the local broker and the bench's database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SetupError, type KitConfig } from '@donations/lib';
import { installKafkaJars, readJarLock, sha256 } from '../kafka-jars.js';
import { CONNECT_LOCKS } from '../connect/lock-jars.js';
import { findJava } from '../platform.js';
import { KIT_DIR, ensureDir, isProcessAlive, tail } from '../services.js';

const CONNECT_DIR = join(KIT_DIR, 'connect');
const RUNTIME_LIBS = join(CONNECT_DIR, 'libs');
const PLUGINS = join(CONNECT_DIR, 'plugins');
const SINK_PLUGIN = join(PLUGINS, 'debezium-jdbc');
/** Off Connect's default 8083, so that a worker someone else runs is not in the way. */
const REST_PORT = 18083;

/**
 * Fetches the worker's and the sink's jars as infra/connect/*.lock.json list them, each
 * checked against its SHA-256 (as `npm run up` fetches Kafka's): Java is all it needs.
 */
export async function ensureConnectJars(): Promise<string> {
  const { java, tooOld } = findJava();
  if (!java) throw new SetupError(`${tooOld ? `${tooOld}: ` : ''}Kafka Connect and Debezium's JDBC sink need Java 17 or later: install it (apt-get install openjdk-17-jre-headless), or set JAVA_HOME.`);
  for (const [{ pom, lock }, into] of [
    [CONNECT_LOCKS.runtime, RUNTIME_LIBS],
    [CONNECT_LOCKS.sink, SINK_PLUGIN],
  ] as const) {
    if (readJarLock(lock).pomSha256 !== sha256(readFileSync(pom))) throw new SetupError(`${pom} changed since ${lock} was written: run \`npx tsx infra/connect/lock-jars.ts\` (it needs Maven).`);
    // The installer is the broker's: its progress line names Kafka's lock; name this one.
    await installKafkaJars(into, { lockFile: lock, log: (line) => console.log(line.replace('Apache Kafka jars', 'Kafka Connect jars').replace('infra/kafka/jars.lock.json', `infra/connect/${basename(lock)}`)) });
  }
  return java;
}

export interface SinkSettings {
  /** The connector's name: its consumer group is connect-<name>, so a new name reads the topic from its start. */
  name: string;
  topic: string;
  table: string;
  /** insert: plain INSERTs (a redelivered record is a second row); upsert: INSERT ... ON DUPLICATE KEY UPDATE on transaction_id. */
  mode: 'insert' | 'upsert';
  /** Records per JDBC batch and per consumer poll. */
  batchSize: number;
}

export interface ConnectWorker {
  child: ChildProcess;
  pid: number;
  log: string;
  exited: Promise<number | null>;
}

/** Writes the worker's and the connector's properties into `dir` and starts the worker. */
export function startConnectWorker(java: string, config: KitConfig, sink: SinkSettings, dir: string): ConnectWorker {
  ensureDir(dir);
  const { host, port, user, password } = config.database;
  const database = config.database.database;
  const worker = join(dir, `${sink.name}.worker.properties`);
  const connector = join(dir, `${sink.name}.connector.properties`);
  const log4j = join(dir, 'connect-log4j2.properties');
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${config.kafka.brokers.join(',')}`,
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${join(dir, `${sink.name}.offsets`)}`,
      // As the standalone example of the Kafka distribution: a sink commits its consumer offsets every 10 s.
      'offset.flush.interval.ms=10000',
      `plugin.path=${PLUGINS}`,
      // Every plugin here ships a ServiceLoader manifest: no class scan, a faster start.
      'plugin.discovery=service_load',
      `listeners=http://127.0.0.1:${REST_PORT}`,
      `consumer.max.poll.records=${sink.batchSize}`,
      'consumer.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  writeFileSync(
    connector,
    [
      `name=${sink.name}`,
      'connector.class=io.debezium.connector.jdbc.JdbcSinkConnector',
      'tasks.max=1',
      `topics=${sink.topic}`,
      `connection.url=jdbc:mariadb://${host}:${port}/${database}`,
      `connection.username=${user}`,
      `connection.password=${password}`,
      `insert.mode=${sink.mode}`,
      sink.mode === 'upsert' ? 'primary.key.mode=record_value' : 'primary.key.mode=none',
      ...(sink.mode === 'upsert' ? ['primary.key.fields=transaction_id'] : []),
      'schema.evolution=none',
      `collection.name.format=${sink.table}`,
      `batch.size=${sink.batchSize}`,
      'use.time.zone=UTC',
      '',
    ].join('\n'),
  );
  // Connect 4.x logs through log4j2 (its properties format needs no YAML parser).
  writeFileSync(
    log4j,
    [
      'rootLogger.level=WARN',
      'rootLogger.appenderRef.stdout.ref=STDOUT',
      'appender.stdout.type=Console',
      'appender.stdout.name=STDOUT',
      'appender.stdout.layout.type=PatternLayout',
      'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
      'logger.sinkTask.name=org.apache.kafka.connect.runtime.WorkerSinkTask',
      'logger.sinkTask.level=INFO',
      '',
    ].join('\n'),
  );
  const log = join(dir, `${sink.name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(java, ['-Xms512m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4j}`, '-cp', `${RUNTIME_LIBS}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', worker, connector], {
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, pid: child.pid!, log, exited };
}

/** Stops a worker: SIGTERM (a clean stop commits offsets), or SIGKILL (kill -9: nothing more is committed). */
export async function stopConnectWorker(worker: ConnectWorker, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!isProcessAlive(worker.pid)) return;
  worker.child.kill(signal);
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
  await worker.exited;
  clearTimeout(timer);
}

export function connectFailure(worker: ConnectWorker): string | undefined {
  if (isProcessAlive(worker.pid)) {
    const text = existsSync(worker.log) ? readFileSync(worker.log, 'utf8') : '';
    const failed = /ERROR .*(Task threw an uncaught|WorkerSinkTask\{id=.*\} Task is being killed|Failed to start)/.exec(text);
    return failed ? `the Connect sink failed; last lines of ${worker.log}:\n${tail(worker.log, 20)}` : undefined;
  }
  return `the Connect worker exited; last lines of ${worker.log}:\n${tail(worker.log, 20)}`;
}
