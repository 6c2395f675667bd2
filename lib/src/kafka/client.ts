/**
 * The Kafka handle: the kit's settings and a client built from them. kafkajs stays inside
 * this folder (kafkajs 2.2.4 is unmaintained), so the client can be swapped without
 * touching notebooks, scripts or the pipeline.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { loadConfig, type KafkaConfig } from '../config.js';
import { KafkaUnavailableError, KitError } from '../errors.js';

export interface KafkaClientOptions {
  clientId?: string;
  /** How long one connection attempt may take before it counts as a failure. */
  connectionTimeoutMs?: number;
  /** Retries of a failed request (kafkajs' exponential backoff with jitter). */
  retries?: number;
}

const clients = new WeakMap<KafkaClient, Kafka>();

export class KafkaClient {
  readonly settings: KafkaConfig;
  /** What the client was made with, so that another thread can make the same one. */
  readonly options: KafkaClientOptions;

  constructor(settings: KafkaConfig, options: KafkaClientOptions = {}) {
    this.settings = settings;
    this.options = options;
    const config: KafkaJsConfig = {
      clientId: options.clientId ?? 'donations-kit',
      brokers: settings.brokers,
      // A private CA (KAFKA_SSL_CA) replaces the system roots, as Node's `ca` does everywhere.
      ssl: settings.ssl && settings.sslCaFile ? { ca: [readFileSync(settings.sslCaFile, 'utf8')] } : settings.ssl,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: 30_000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 3_000 },
      // The kit reports failures itself, in one line; kafkajs' own logs would repeat them as JSON.
      logLevel: logLevel.NOTHING,
    };
    if (settings.sasl) config.sasl = { ...settings.sasl } as KafkaJsConfig['sasl'];
    clients.set(this, new Kafka(config));
  }

  get brokers(): readonly string[] {
    return this.settings.brokers;
  }

  /** The configured donations topic. */
  get topic(): string {
    return this.settings.topic;
  }
}

/** A client for the kit's Kafka settings; nothing connects until an operation runs. */
export function createKafka(settings: KafkaConfig = loadConfig().kafka, options: KafkaClientOptions = {}): KafkaClient {
  return new KafkaClient(settings, options);
}

/** The kafkajs client behind a handle: for this folder only, never exported from it. */
export function kafkajsOf(client: KafkaClient): Kafka {
  return clients.get(client)!;
}

/** Runs `work` with a connected admin client; a connection failure becomes one clear line. */
export async function withAdmin<T>(client: KafkaClient, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkajsOf(client).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new KafkaUnavailableError(client.brokers, error);
  }
  try {
    return await work(admin);
  } catch (error) {
    throw asKafkaError(error, client.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function asKafkaError(error: unknown, brokers: readonly string[]): unknown {
  if (error instanceof KitError) return error;
  const name = error instanceof Error ? error.name : '';
  // The broker answered: the topic is missing (never created, or deleted meanwhile), not Kafka.
  if (protocolErrorType(error) === 'UNKNOWN_TOPIC_OR_PARTITION') {
    return new KitError(
      `Kafka at ${brokers.join(',')} does not host this topic or partition: it was never created, or was deleted meanwhile (\`npm run reset\` deletes the kit's topics). Create it (createTopic, or \`npm run up\` for the donations topic) and run this again.`,
      { cause: error },
    );
  }
  if (/Connection|NumberOfRetriesExceeded|BrokerNotFound|SASL/.test(name)) return new KafkaUnavailableError(brokers, error);
  return error;
}

/** The Kafka protocol error's type (kafkajs's `type`) of an error or of the error it retried. */
function protocolErrorType(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}
