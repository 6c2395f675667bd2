/**
 * The broker's server.properties and JVM command line, for every broker the kit runs: the
 * local one (`npm run up`, infra/local-services.ts) and the cloud VM's (infra/cloud/), which
 * adds a SASL_SSL listener for clients on other machines. One template, one function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.js';

export const SERVER_PROPERTIES_TEMPLATE = join(ROOT, 'infra/kafka/server.properties.template');

/** The only SASL mechanism the listener offers: a salted challenge, the password never sent. */
export const SCRAM_MECHANISM = 'SCRAM-SHA-512';

/** A listener for clients on other machines: SCRAM-SHA-512 logins over TLS. */
export interface SaslSslListener {
  /** The address it binds: 0.0.0.0 on a VM, loopback in the tests. */
  bindHost: string;
  /** The name clients connect to, advertised in metadata and written in the broker's certificate. */
  advertisedHost: string;
  port: number;
  /** One PEM file: the broker's private key (unencrypted PKCS#8), its certificate, then the CA's. */
  keystorePem: string;
}

export interface BrokerProperties {
  /** The PLAINTEXT listener: the kit's own on a laptop, loopback only on a VM. */
  host: string;
  port: number;
  /** The controller's port, always on loopback. */
  controllerPort: number;
  dataDir: string;
  retentionMs: number;
  saslSsl?: SaslSslListener;
}

function saslSslSettings(listener: SaslSslListener): string {
  return [
    '# The SASL_SSL listener for clients on other machines: SCRAM logins (credentials stored by',
    "# `StorageTool format --add-scram`) over TLS with a certificate from the broker's own CA.",
    `sasl.enabled.mechanisms=${SCRAM_MECHANISM}`,
    `listener.name.sasl_ssl.${SCRAM_MECHANISM.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    'listener.name.sasl_ssl.ssl.keystore.type=PEM',
    `listener.name.sasl_ssl.ssl.keystore.location=${listener.keystorePem}`,
  ].join('\n');
}

/** server.properties for one broker, from infra/kafka/server.properties.template. */
export function brokerProperties(input: BrokerProperties, template = readFileSync(SERVER_PROPERTIES_TEMPLATE, 'utf8')): string {
  const { saslSsl } = input;
  const plaintext = `PLAINTEXT://${input.host}:${input.port}`;
  const values: Record<string, string> = {
    controllerPort: String(input.controllerPort),
    listeners: [plaintext, `CONTROLLER://127.0.0.1:${input.controllerPort}`, ...(saslSsl ? [`SASL_SSL://${saslSsl.bindHost}:${saslSsl.port}`] : [])].join(','),
    advertisedListeners: [plaintext, ...(saslSsl ? [`SASL_SSL://${saslSsl.advertisedHost}:${saslSsl.port}`] : [])].join(','),
    dataDir: input.dataDir,
    retentionMs: String(input.retentionMs),
    saslSslSettings: saslSsl ? saslSslSettings(saslSsl) : '',
  };
  const unknown = [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).filter((key) => !(key in values));
  if (unknown.length > 0) throw new Error(`${SERVER_PROPERTIES_TEMPLATE} names ${unknown.join(', ')}, which brokerProperties does not fill in`);
  return `${template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key]!).trimEnd()}\n`;
}

/**
 * `--add-scram` of `kafka.tools.StorageTool format`: the login, stored in the metadata log
 * when the data folder is formatted (KRaft keeps SCRAM credentials there, not in a file).
 * The parser splits on `,` and `]`, so names and passwords keep to letters, digits, - and _.
 */
export function scramCredentialArgument(user: string, password: string): string {
  for (const [what, value] of [['user', user], ['password', password]] as const) {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`a SCRAM ${what} may hold only letters, digits, - and _`);
  }
  return `${SCRAM_MECHANISM}=[name=${user},password=${password}]`;
}

/**
 * The broker's JVM arguments, for the local broker and the VM's systemd unit alike; only the
 * heap differs (a laptop has room, a small VM has 2 GiB).
 */
export function brokerJavaArgs(options: { maxHeap: string; logging: string; classpath: string; properties: string }): string[] {
  return ['-Xms512m', `-Xmx${options.maxHeap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', options.logging, '-cp', options.classpath, 'kafka.Kafka', options.properties];
}
