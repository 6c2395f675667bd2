/**
 * Every setting the kit reads, in one place: the environment over the nearest `.env`,
 * parsed and checked once. Scripts, notebooks and tests read settings only through here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './errors.js';
import { isIdentifier, isTopicName } from './names.js';

import type { DatabaseConfig, DatabaseTarget, Env, InfraMode, KafkaConfig, KafkaLine, KitConfig, KitSettings } from './settings.js';
import { SETTINGS } from './settings.js';

export { SETTINGS };
export type { DatabaseConfig, DatabaseTarget, Env, GrafanaConfig, InfraMode, KafkaConfig, KafkaLine, KitConfig, KitSettings, SaslMechanism, Setting, WorkshopConfig } from './settings.js';

const KIT_PREFIXES = ['KAFKA_', 'DATABASE_', 'PIPELINE_', 'WORKSHOP_', 'KIT_'];
/** Variables other tools own under the same prefixes (Kafka's own start scripts). */
const FOREIGN_VARIABLES = new Set(['KAFKA_HEAP_OPTS', 'KAFKA_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS', 'KAFKA_LOG4J_OPTS']);

export const DEFAULT_DATABASE_NAME = 'donations';
/** One day: long enough for the optimized-schema lesson to replay the topic. */
export const DEFAULT_RETENTION_MS = 86_400_000;
const DEFAULT_BROKERS = '127.0.0.1:9092';
/** How a container on the compose network reaches the kit's Kafka (docker-compose.yml's DOCKER listener). */
export const COMPOSE_PIPELINE_BROKER = 'kafka:29092';
/**
 * The system CA bundle of RHEL-family hosts: the SingleStore dev image is AlmaLinux, and
 * SingleStore's own Helios notebooks pass this path as ssl.ca.location for a public-CA broker.
 */
export const DEFAULT_PIPELINE_SSL_CA_LOCATION = '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem';

/** The process environment over the nearest `.env`: what every setting is read from. */
export function readEnvironment(): Env {
  return withDotEnv(process.env);
}

/**
 * Reads the kit's settings from the environment, over the `.env` file of the nearest
 * folder above the current one. Variables set in the environment win over `.env`.
 */
export function loadConfig(env: Env = readEnvironment()): KitConfig {
  const brokers = parseBrokers('KAFKA_BROKERS', env.KAFKA_BROKERS ?? DEFAULT_BROKERS);
  const database = parseDatabase(env);
  const ssl = parseBoolean('KAFKA_SSL', env.KAFKA_SSL, false);
  const kafka: KafkaConfig = {
    brokers,
    ...pipelineBrokers(env, brokers, database),
    pipelineSslCaLocation: parseCaLocation(env.PIPELINE_KAFKA_SSL_CA_LOCATION, ssl),
    topic: parseTopic('KAFKA_TOPIC', env.KAFKA_TOPIC ?? 'donations'),
    retentionMs: parseInteger('KAFKA_RETENTION_MS', env.KAFKA_RETENTION_MS, DEFAULT_RETENTION_MS, 60_000),
    ssl,
    sslCaFile: parseKafkaCaFile(env.KAFKA_SSL_CA, ssl),
    sasl: parseSasl(env),
  };
  return {
    kafka,
    database,
    workshop: {
      rows: parseInteger('WORKSHOP_ROWS', env.WORKSHOP_ROWS, 2_000_000, 1),
      refreshMs: parseInteger('WORKSHOP_REFRESH_MS', env.WORKSHOP_REFRESH_MS, 250, 1),
    },
    grafana: { readerPassword: env.GRAFANA_DB_PASSWORD || undefined },
    kit: parseKitSettings(env),
    unknownVariables: Object.keys(env)
      .filter((name) => KIT_PREFIXES.some((prefix) => name.startsWith(prefix)))
      .filter((name) => !(name in SETTINGS) && !FOREIGN_VARIABLES.has(name))
      .sort(),
  };
}

/** `env` over the nearest `.env` (a folder above may hold it: notebooks run in notebooks/). */
export function withDotEnv(env: Env, from = process.cwd()): Env {
  const file = findUp('.env', from);
  return file ? { ...parseDotEnv(readFileSync(file, 'utf8')), ...env } : env;
}

function findUp(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** KEY=value lines; `#` comments; optional single or double quotes around the value. */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    values[match[1]!] = value;
  }
  return values;
}

function parseBrokers(variable: string, value: string): string[] {
  const brokers = value.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new ConfigError(variable, 'is empty', 'Set it to host:port, for example 127.0.0.1:9092');
  }
  for (const broker of brokers) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(broker);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(variable, `"${broker}" is not host:port`, 'Write each broker as host:port, for example 127.0.0.1:9092');
    }
  }
  return brokers;
}

/** 127.0.0.1, localhost, ::1: this machine, for whoever reads the address. */
export function isLoopbackHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0'].includes(host.toLowerCase()) || /^127\./.test(host);
}

function brokerHost(broker: string): string {
  return broker.slice(0, broker.lastIndexOf(':'));
}

/**
 * The brokers a SingleStore pipeline connects to, from inside the database. Unset, they
 * are the compose network's kafka:29092 when the database is the SingleStore dev container
 * (SingleStore on this machine, the kit's Kafka on loopback): inside that container,
 * 127.0.0.1 is the container itself. Otherwise KAFKA_BROKERS.
 */
function pipelineBrokers(env: Env, brokers: string[], database: DatabaseConfig): Pick<KafkaConfig, 'pipelineBrokers' | 'pipelineBrokersFrom'> {
  if (env.PIPELINE_KAFKA_BROKERS?.trim()) {
    return { pipelineBrokers: parseBrokers('PIPELINE_KAFKA_BROKERS', env.PIPELINE_KAFKA_BROKERS), pipelineBrokersFrom: 'PIPELINE_KAFKA_BROKERS' };
  }
  const devContainer = database.target === 'singlestore' && isLoopbackHost(database.host);
  if (devContainer && brokers.every((b) => isLoopbackHost(brokerHost(b)))) {
    return { pipelineBrokers: [COMPOSE_PIPELINE_BROKER], pipelineBrokersFrom: 'compose network' };
  }
  return { pipelineBrokers: brokers, pipelineBrokersFrom: 'KAFKA_BROKERS' };
}

/**
 * Why a SingleStore pipeline cannot reach these brokers, as a ConfigError to throw; undefined
 * when nothing is known to be wrong. A SingleStore server on another machine (Helios, a
 * cluster) reads a loopback address as itself, never as the machine the kit runs on.
 */
export function pipelineBrokersProblem(config: Pick<KitConfig, 'kafka' | 'database'>): ConfigError | undefined {
  const { kafka, database } = config;
  if (database.target !== 'singlestore' || isLoopbackHost(database.host)) return undefined;
  const loopback = kafka.pipelineBrokers.find((b) => isLoopbackHost(brokerHost(b)));
  if (!loopback) return undefined;
  return new ConfigError(
    kafka.pipelineBrokersFrom === 'PIPELINE_KAFKA_BROKERS' ? 'PIPELINE_KAFKA_BROKERS' : 'PIPELINE_KAFKA_BROKERS (unset, so KAFKA_BROKERS)',
    `${loopback} is a loopback address, and the SingleStore server at ${database.host} would read it as itself, not as this machine`,
    'Set PIPELINE_KAFKA_BROKERS to a broker address that server can reach (for Helios, one reachable from the internet: see docs/singlestore.md)',
  );
}

function parseCaLocation(value: string | undefined, ssl: boolean): string | null {
  const text = value?.trim() ?? '';
  if (!ssl || text.toLowerCase() === 'none') return null;
  if (!text) return DEFAULT_PIPELINE_SSL_CA_LOCATION;
  if (!text.startsWith('/') || /['"\\]/.test(text)) {
    throw new ConfigError('PIPELINE_KAFKA_SSL_CA_LOCATION', `"${text.slice(0, 80)}" is not an absolute path`, 'Set it to the CA bundle path on the SingleStore nodes, or none');
  }
  return text;
}

function parseKafkaCaFile(value: string | undefined, ssl: boolean): string | undefined {
  const file = value?.trim();
  if (!file) return undefined;
  if (!ssl) throw new ConfigError('KAFKA_SSL_CA', 'is set while KAFKA_SSL is off', 'Set KAFKA_SSL=true (the CA is for a TLS broker), or unset KAFKA_SSL_CA');
  if (!existsSync(file)) throw new ConfigError('KAFKA_SSL_CA', `file ${file} does not exist`, "Point it at the broker's CA certificate (PEM), or unset it for a broker with a public CA");
  return file;
}

function parseTopic(variable: string, value: string): string {
  if (!isTopicName(value)) {
    throw new ConfigError(variable, `"${value.slice(0, 80)}" is not a valid topic name`, 'Use letters, digits, dots, dashes or underscores');
  }
  return value;
}

function parseInteger(variable: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const text = value.trim().replace(/_/g, '');
  if (!/^\d+$/.test(text)) throw new ConfigError(variable, `"${value}" is not a whole number`, `Set it to a number >= ${min}`);
  const number = Number(text);
  if (!Number.isSafeInteger(number) || number < min) {
    throw new ConfigError(variable, `${value} is out of range`, `Set it to a number >= ${min}`);
  }
  return number;
}

const INFRA_MODES: readonly InfraMode[] = ['auto', 'local', 'docker', 'external'];
const KAFKA_LINES: readonly KafkaLine[] = ['4.4', '3.9'];

function parseKitSettings(env: Env): KitSettings {
  const infra = (env.KIT_INFRA ?? '').trim().toLowerCase() || 'auto';
  if (!INFRA_MODES.includes(infra as InfraMode)) {
    throw new ConfigError('KIT_INFRA', `"${env.KIT_INFRA}" is not a mode`, 'Set it to auto, local, docker or external');
  }
  const kafkaVersion = (env.KIT_KAFKA_VERSION ?? '').trim() || '4.4';
  if (!KAFKA_LINES.includes(kafkaVersion as KafkaLine)) {
    throw new ConfigError('KIT_KAFKA_VERSION', `"${env.KIT_KAFKA_VERSION}" is not a Kafka release the kit has jars of`, 'Set it to 4.4 or 3.9');
  }
  return {
    infra: infra as InfraMode,
    kafkaVersion: kafkaVersion as KafkaLine,
    stateDir: env.KIT_STATE_DIR?.trim() || undefined,
    figuresDir: env.KIT_FIGURES_DIR?.trim() || undefined,
    debug: isDebugEnabled(env),
  };
}

/** KIT_DEBUG, readable even when another setting is malformed (scripts decide how to report that failure). */
export function isDebugEnabled(env: Env = readEnvironment()): boolean {
  try {
    return parseBoolean('KIT_DEBUG', env.KIT_DEBUG, false);
  } catch {
    return true;
  }
}

function parseBoolean(variable: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  const text = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw new ConfigError(variable, `"${value}" is not a boolean`, 'Set it to true or false');
}

function parseSasl(env: Env): KafkaConfig['sasl'] {
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  if (!mechanism) return undefined;
  if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
    throw new ConfigError('KAFKA_SASL_MECHANISM', `"${mechanism}" is not supported`, 'Use plain, scram-sha-256 or scram-sha-512');
  }
  const username = env.KAFKA_SASL_USERNAME;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!username) throw new ConfigError('KAFKA_SASL_USERNAME', 'is missing while KAFKA_SASL_MECHANISM is set', 'Set it in .env');
  if (!password) throw new ConfigError('KAFKA_SASL_PASSWORD', 'is missing while KAFKA_SASL_MECHANISM is set', 'Set it in .env');
  return { mechanism, username, password };
}

function parseDatabase(env: Env): DatabaseConfig {
  const raw = env.DATABASE_URL;
  if (!raw) {
    throw new ConfigError(
      'DATABASE_URL',
      'is not set',
      'Copy .env.example to .env (`npm run up` does it for you) or set DATABASE_URL=mysql://user:password@127.0.0.1:3306/donations',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a URL', 'Write it as mysql://user:password@host:3306/database');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['mysql', 'mariadb', 'singlestore', 'memsql'].includes(scheme)) {
    throw new ConfigError('DATABASE_URL', `scheme "${scheme}://" is not supported`, 'Use mysql://, mariadb:// or singlestore://');
  }
  const target = parseTarget(env.DATABASE_TARGET, scheme);
  if (!url.hostname) throw new ConfigError('DATABASE_URL', 'has no host', 'Write it as mysql://user:password@host:3306/database');
  const port = url.port ? Number(url.port) : 3306;
  const user = decodeURIComponent(url.username);
  if (!user) throw new ConfigError('DATABASE_URL', 'has no user name', 'Write it as mysql://user:password@host:3306/database');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || DEFAULT_DATABASE_NAME;
  if (!isIdentifier(database)) {
    throw new ConfigError('DATABASE_URL', `database name "${database.slice(0, 80)}" is not a plain identifier`, 'Use letters, digits and underscores');
  }
  return {
    target,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    user,
    password: decodeURIComponent(url.password),
    database,
    tls: parseTls(env.DATABASE_TLS, env.DATABASE_TLS_CA, url),
  };
}

function parseTarget(value: string | undefined, scheme: string): DatabaseTarget {
  if (value && value.trim()) {
    const target = value.trim().toLowerCase();
    if (target === 'mariadb' || target === 'singlestore') return target;
    throw new ConfigError('DATABASE_TARGET', `"${value}" is not a target`, 'Set it to mariadb or singlestore');
  }
  return scheme === 'singlestore' || scheme === 'memsql' ? 'singlestore' : 'mariadb';
}

function parseTls(value: string | undefined, caFile: string | undefined, url: URL): DatabaseConfig['tls'] {
  const mode = (value ?? url.searchParams.get('ssl') ?? 'off').trim().toLowerCase();
  if (['off', 'false', '0', ''].includes(mode)) return false;
  if (['on', 'true', '1', 'required', 'verify'].includes(mode)) {
    if (caFile && !existsSync(caFile)) {
      throw new ConfigError('DATABASE_TLS_CA', `file ${caFile} does not exist`, 'Point it at the CA certificate (PEM) of your server');
    }
    return { caFile: caFile || undefined, rejectUnauthorized: true };
  }
  if (mode === 'insecure') return { rejectUnauthorized: false };
  throw new ConfigError('DATABASE_TLS', `"${value}" is not a TLS mode`, 'Set it to off, on or insecure');
}

/** A retention as a person says it: 1 day, 6 hours, 90 minutes, 45 s. */
function retention(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1_000, 'second']];
  for (const [size, name] of units) {
    if (ms % size === 0) return `${(ms / size).toLocaleString('en-US')} ${name}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms.toLocaleString('en-US')} ms`;
}

/** The configuration as a person may see it: passwords never appear. */
export function describeConfig(config: KitConfig): Record<string, string> {
  const { kafka, database, workshop } = config;
  return {
    target: database.target,
    database: `${database.target === 'singlestore' ? 'singlestore' : 'mysql'}://${database.user}:***@${database.host}:${database.port}/${database.database}`,
    'database TLS': database.tls ? (database.tls.rejectUnauthorized ? 'on (verified)' : 'on (not verified)') : 'off',
    'kafka brokers': kafka.brokers.join(','),
    'pipeline brokers': `${kafka.pipelineBrokers.join(',')} (${kafka.pipelineBrokersFrom})`,
    'kafka security': kafka.sasl ? `SASL ${kafka.sasl.mechanism} as ${kafka.sasl.username}${kafka.ssl ? ' over TLS' : ''}` : kafka.ssl ? 'TLS' : 'plaintext',
    topic: kafka.topic,
    'topic retention': retention(kafka.retentionMs),
    'workshop rows': workshop.rows.toLocaleString('en-US'),
    'refresh budget': `${workshop.refreshMs} ms`,
  };
}
