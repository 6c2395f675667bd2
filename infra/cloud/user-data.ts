/**
 * `npm run cloud:user-data`: writes infra/cloud/kafka-broker.yaml, the cloud-init user data of
 * a VM (EC2, or any cloud's Ubuntu or Debian) that runs the kit's broker for a SingleStore
 * server on the internet (Helios): the locked jars from Maven Central, server.properties from
 * the local broker's template and code with a SASL_SSL listener, the scripts of this folder.
 * `--check` fails when the committed file is not what the code writes; `--kafka 4.4 --out F`
 * writes the 4.4 line's instead (see KAFKA_LINE_FOR_VM). docs/helios.md shows how to start it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_RETENTION_MS, KitError, type KafkaLine } from '@donations/lib';
import { KAFKA_RELEASES, readJarLock, type KafkaRelease } from '../kafka-jars.js';
import { SCRAM_MECHANISM, brokerJavaArgs, brokerProperties } from '../kafka-properties.js';
import { ROOT, runScript } from '../services.js';
import { flags, isMainModule } from '../cli.js';

export const USER_DATA_FILE = join(ROOT, 'infra/cloud/kafka-broker.yaml');
const SCRIPTS = join(ROOT, 'infra/cloud');

/**
 * The 3.9 line: SingleStore's pipelines read Kafka with librdkafka, and librdkafka before
 * 2.6.1 fails every SCRAM login to a 4.x broker (4.x checks the nonce strictly, as RFC 5802
 * says; older librdkafka sends it twice, confluentinc/librdkafka#4895). Which librdkafka a
 * Helios workspace runs is not published; 3.9 takes both. test/integration/cloud-broker.test.ts
 * shows it with Debian's kcat (librdkafka 2.0.2).
 */
export const KAFKA_LINE_FOR_VM: KafkaLine = '3.9';

/** Where things live on the VM, and its ports: PLAINTEXT and the controller on loopback only. */
export const VM = {
  etc: '/etc/kafka-kit',
  state: '/var/lib/kafka-kit',
  libs: '/opt/kafka-kit/libs',
  brokerUser: 'kafka-kit',
  plaintextPort: 9092,
  controllerPort: 9093,
  saslSslPort: 9094,
  scramUser: 'kit',
  /** Half of a 2 GiB VM (t3.small, e2-small). */
  maxHeap: '1g',
} as const;

/** Replaced by the VM's public name at each boot (prepare-broker.sh): unknown until then. */
export const PUBLIC_NAME_MARKER = '@PUBLIC_NAME@';

/** EC2 takes at most 16 KB of user data (before base64). */
export const EC2_USER_DATA_LIMIT = 16 * 1024;

/** The VM's server.properties, but for its public name: the local broker's template and code. */
export function vmServerProperties(): string {
  return brokerProperties({
    host: '127.0.0.1',
    port: VM.plaintextPort,
    controllerPort: VM.controllerPort,
    dataDir: `${VM.state}/data`,
    retentionMs: DEFAULT_RETENTION_MS,
    saslSsl: { bindHost: '0.0.0.0', advertisedHost: PUBLIC_NAME_MARKER, port: VM.saslSslPort, keystorePem: `${VM.state}/tls/broker-keystore.pem` },
  });
}

/** The lock as fetch-jars.sh reads it: "<sha256> <id>" lines. */
export function jarList(release: KafkaRelease): string {
  return readJarLock(release.lock).jars.map((jar) => `${jar.sha256} ${jar.id}\n`).join('');
}

function brokerEnv(release: KafkaRelease): string {
  const lock = readJarLock(release.lock);
  return [
    "# PUBLIC_NAME: the VM's name for clients; empty: from EC2's or Google Compute Engine's metadata.",
    'PUBLIC_NAME=',
    `SASL_PORT=${VM.saslSslPort}`,
    `SCRAM_MECHANISM=${SCRAM_MECHANISM}`,
    `SCRAM_USER=${VM.scramUser}`,
    `BROKER_USER=${VM.brokerUser}`,
    `KAFKA_LOGGING=${release.loggingFlag(VM.etc)}`,
    `MAVEN_REPOSITORY=${lock.repository}`,
    '',
  ].join('\n');
}

function systemdUnit(release: KafkaRelease): string {
  const java = brokerJavaArgs({ maxHeap: VM.maxHeap, logging: release.loggingFlag(VM.etc), classpath: `${VM.libs}/*`, properties: `${VM.etc}/server.properties` });
  return [
    '[Unit]',
    "Description=Apache Kafka for the donations workshop (KRaft, one node; the kit's infra/cloud/)",
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    `User=${VM.brokerUser}`,
    // "+": as root, to write the certificate and server.properties for a new public name.
    `ExecStartPre=+/bin/bash ${VM.etc}/prepare-broker.sh`,
    `ExecStart=/usr/bin/java ${java.join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5',
    'LimitNOFILE=100000',
    // The JVM exits with 143 on SIGTERM: a clean stop.
    'SuccessExitStatus=143',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * A script or properties file without its comment lines (a script keeps its #! line): with
 * them the user data would not fit EC2's 16 KB. The files in the kit keep them.
 */
export function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line, index) => !/^\s*#/.test(line) || (index === 0 && line.startsWith('#!')))
    .join('\n');
}

/** The scripts of infra/cloud/ the VM runs, under the names the others call them by. */
export const VM_SCRIPTS = ['broker-certificate.sh', 'fetch-jars.sh', 'print-settings.sh', 'prepare-broker.sh', 'first-boot.sh'] as const;

/** The whole user-data file for a Kafka line. */
export function userData(line: KafkaLine = KAFKA_LINE_FOR_VM): string {
  const release = KAFKA_RELEASES[line];
  // write_files' default permissions are 0644.
  const file = (path: string, content: string, permissions?: string) => ({ path, ...(permissions ? { permissions } : {}), content });
  const config = {
    package_update: true,
    packages: ['curl', 'openssl', 'ca-certificates'],
    write_files: [
      file(`${VM.etc}/broker.env`, brokerEnv(release)),
      file(`${VM.etc}/jars.lock`, jarList(release)),
      file(`${VM.etc}/server.properties.in`, withoutComments(vmServerProperties())),
      file(`${VM.etc}/${release.loggingFile}`, withoutComments(readFileSync(join(ROOT, 'infra/kafka', release.loggingFile), 'utf8'))),
      ...VM_SCRIPTS.map((name) => file(`${VM.etc}/${name}`, withoutComments(readFileSync(join(SCRIPTS, name), 'utf8')), '0755')),
      file('/etc/systemd/system/kafka-kit.service', systemdUnit(release)),
    ],
    runcmd: [['bash', `${VM.etc}/first-boot.sh`]],
  };
  const header = [
    '#cloud-config',
    `# Kafka ${line} for SingleStore Helios: SASL_SSL (${SCRAM_MECHANISM}) on ${VM.saslSslPort}, PLAINTEXT on loopback. How to`,
    '# start it: docs/helios.md. Written by `npm run cloud:user-data` from infra/cloud/ and infra/kafka/',
    '# (their files with the comments this one leaves out, for EC2\'s 16 KB): edit those, not this.',
  ];
  return `${header.join('\n')}\n${stringify(config, { lineWidth: 0, blockQuote: 'literal', indentSeq: false })}`;
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const usage = 'usage: npm run cloud:user-data -- [--check] [--kafka 3.9|4.4] [--out FILE]   (default: infra/cloud/kafka-broker.yaml, Kafka 3.9)';
    const args = flags({ check: { type: 'boolean' }, kafka: { type: 'string' }, out: { type: 'string' } }, usage);
    if (args.help) return console.log(usage);
    const line = (args.kafka as string | undefined) ?? KAFKA_LINE_FOR_VM;
    if (!(line in KAFKA_RELEASES)) throw new KitError(`--kafka: "${line}" is not a Kafka line the kit has a lock of (3.9 or 4.4)`);
    const text = userData(line as KafkaLine);
    if (args.check) {
      const committed = readFileSync(USER_DATA_FILE, 'utf8');
      if (committed !== userData()) throw new KitError(`${USER_DATA_FILE} is not what the kit's code writes: run \`npm run cloud:user-data\` and commit it.`);
      return console.log(`${USER_DATA_FILE} is up to date`);
    }
    const out = (args.out as string | undefined) ?? USER_DATA_FILE;
    writeFileSync(out, text);
    console.log(`wrote ${out} (Kafka ${line}, ${text.length.toLocaleString('en-US')} bytes; EC2 takes ${EC2_USER_DATA_LIMIT.toLocaleString('en-US')})`);
  });
}
