// The cloud VM's broker (infra/cloud/), on this machine: the local broker started with the
// SASL_SSL listener the VM runs, on ports and a state folder of its own, its certificate made
// by the VM's script for "localhost", its settings printed by the VM's script and written to
// a .env by `npm run cloud:env`'s code. Then kcat and the kit's scripts (produce, the pipeline
// until caught up, reconcile) over SCRAM and TLS; a wrong password and an unknown CA each end
// in one line; the SingleStore pipeline's CONFIG and CREDENTIALS, given to kcat as they are,
// log in too. Then the 4.4 line: the kit's client logs in, kcat's librdkafka (before 2.6.1) is
// refused, which is why the VM runs 3.9.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consume, createKafka, createTopic, dropDatabase, ensureDatabase, loadConfig, parseDotEnv, produceLine, singleStoreStatements, SASL_PASSWORD_PLACEHOLDER, type KafkaLine } from '@donations/lib';
import { applyBrokerSettings } from '../../infra/cloud/cloud-env.js';
import { KAFKA_LINE_FOR_VM, VM } from '../../infra/cloud/user-data.js';
import { SCRAM_MECHANISM } from '../../infra/kafka-properties.js';
import { startLocalKafka, stopProcess } from '../../infra/local-services.js';
import { KIT_DIR, ROOT, isPortOpen } from '../../infra/services.js';
import { faultEnv, runKitScript } from '../faults/fault-services.js';
import { scratch, type Scratch } from './helpers.js';

const TOPIC = 'kit-cloud-donations';
const SCRAM_USER = VM.scramUser;

/** Three ports in a row nothing listens on (PLAINTEXT, controller, SASL_SSL), from 29392 up. */
async function freePorts(): Promise<number> {
  for (let port = 29_392; port < 29_492; port += 3) {
    const open = await Promise.all([0, 1, 2].map((i) => isPortOpen('127.0.0.1', port + i)));
    if (!open.some(Boolean)) return port;
  }
  throw new Error('no three free ports in 29392-29491');
}

function bash(script: string, args: string[]): string {
  return execFileSync('bash', [join(ROOT, 'infra/cloud', script), ...args], { encoding: 'utf8' });
}

interface CloudBroker {
  pid: number;
  stateDir: string;
  tls: string;
  password: string;
  /** The environment of the kit's scripts, from the settings the VM's script printed. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The local broker of `line` with the VM's SASL_SSL listener, and the settings a presenter pastes. */
async function startCloudBroker(line: KafkaLine, database: string): Promise<CloudBroker> {
  const port = await freePorts();
  const stateDir = join(KIT_DIR, `cloud-broker-${line}`);
  rmSync(stateDir, { recursive: true, force: true });
  const tls = join(stateDir, 'tls');
  bash('broker-certificate.sh', [tls, 'localhost']);
  const password = randomBytes(18).toString('hex');
  const plain = faultEnv({ KIT_STATE_DIR: stateDir, KIT_KAFKA_VERSION: line, KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_TOPIC: TOPIC });
  const pid = await startLocalKafka(loadConfig(plain), {
    saslSsl: { listener: { bindHost: '127.0.0.1', advertisedHost: 'localhost', port: port + 2, keystorePem: join(tls, 'broker-keystore.pem') }, scram: { user: SCRAM_USER, password } },
  });
  // What the VM prints, through `npm run cloud:env`'s code into a .env of its own.
  const printed = bash('print-settings.sh', [`localhost:${port + 2}`, SCRAM_MECHANISM, SCRAM_USER, password, join(tls, 'ca.pem')]);
  const folder = join(stateDir, 'presenter');
  mkdirSync(folder, { recursive: true });
  const { user, password: dbPassword, host, port: dbPort } = loadConfig().database;
  writeFileSync(join(folder, '.env'), `DATABASE_URL=mysql://${encodeURIComponent(user)}:${encodeURIComponent(dbPassword)}@${host}:${dbPort}/${database}\nKAFKA_TOPIC=${TOPIC}\n`);
  applyBrokerSettings(printed, folder, join(folder, 'cloud-broker-ca.pem'));
  const env = faultEnv({ KIT_STATE_DIR: stateDir, KIT_KAFKA_VERSION: line, ...parseDotEnv(readFileSync(join(folder, '.env'), 'utf8')) });
  return {
    pid,
    stateDir,
    tls,
    password,
    env,
    async stop() {
      await stopProcess(pid, `the ${line} SASL_SSL broker`);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** kcat over SASL_SSL with librdkafka settings, as a SingleStore pipeline's CONFIG names them. */
function kcat(settings: Record<string, string>, args: string[], input?: string) {
  const options = Object.entries(settings).flatMap(([key, value]) => ['-X', `${key}=${value}`]);
  const result = spawnSync('kcat', [...options, ...args], { encoding: 'utf8', input, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The librdkafka kcat links, from `kcat -V`: 2.0.2 on Debian 12. */
function librdkafkaVersion(): [number, number, number] {
  const match = /librdkafka (\d+)\.(\d+)\.(\d+)/.exec(execFileSync('kcat', ['-V'], { encoding: 'utf8' }));
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}

/** One line on stderr, `error: ...`, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await s?.cleanup();
});

describe(`the cloud VM's broker, Kafka ${KAFKA_LINE_FOR_VM}, here: SASL_SSL with SCRAM-SHA-512 and a CA of its own`, () => {
  let broker: CloudBroker;
  let database: string;
  beforeAll(async () => {
    database = `${s.database}_cloud`;
    broker = await startCloudBroker(KAFKA_LINE_FOR_VM, database);
    await ensureDatabase(loadConfig(broker.env).database);
  }, 120_000);
  afterAll(async () => {
    if (!broker) return;
    const settings = loadConfig(broker.env).database;
    await broker.stop();
    await dropDatabase(settings, database).catch(() => undefined);
  });

  it('the printed settings become the .env lines the kit reads', () => {
    expect(loadConfig(broker.env).kafka).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: SCRAM_USER, password: broker.password } });
    expect(broker.env.KAFKA_BROKERS).toMatch(/^localhost:\d+$/);
  });

  it("the SingleStore pipeline's CONFIG and CREDENTIALS match these settings, and kcat (librdkafka, as SingleStore's extractor) logs in with them as they are", async () => {
    const caFile = broker.env.KAFKA_SSL_CA!;
    const config = loadConfig({ ...broker.env, DATABASE_URL: 'singlestore://admin:x@svc.example.singlestore.com:3306/donations', PIPELINE_KAFKA_SSL_CA_LOCATION: caFile });
    const create = singleStoreStatements({ name: 'p', topic: TOPIC, table: 't', format: 'donations-json', batchIntervalMs: 100, procedure: '' }, config.kafka).create(false);
    const pipelineConfig = JSON.parse(/^CONFIG '(.*)'$/m.exec(create)![1]!) as Record<string, string>;
    expect(pipelineConfig).toEqual({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': SCRAM_MECHANISM, 'sasl.username': SCRAM_USER, 'ssl.ca.location': caFile });
    const credentials = JSON.parse(/^CREDENTIALS '(.*)'$/m.exec(create)![1]!) as Record<string, string>;
    expect(credentials).toEqual({ 'sasl.password': SASL_PASSWORD_PLACEHOLDER });
    expect(create).toContain(`LOAD DATA KAFKA '${broker.env.KAFKA_BROKERS}/${TOPIC}'`);

    const settings = { ...pipelineConfig, 'sasl.password': broker.password };
    const produced = kcat(settings, ['-b', broker.env.KAFKA_BROKERS!, '-P', '-t', 'kit-cloud-kcat'], 'over SCRAM and TLS\n');
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = kcat(settings, ['-b', broker.env.KAFKA_BROKERS!, '-C', '-t', 'kit-cloud-kcat', '-o', 'beginning', '-e', '-q']);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim()).toBe('over SCRAM and TLS');
    const metadata = kcat(settings, ['-b', broker.env.KAFKA_BROKERS!, '-L']);
    expect(metadata.stdout).toContain(`broker 1 at ${broker.env.KAFKA_BROKERS}`);
  });

  it('npm run produce, the pipeline until caught up and npm run reconcile work over SCRAM and TLS: EXACT', async () => {
    const produced = await runKitScript('infra/produce.ts', ['--count', '2k'], { env: broker.env });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stdout).toMatch(/acknowledged 2,000, failed 0/);
    const pipeline = await runKitScript('infra/pipeline.ts', ['--until-caught-up'], { env: broker.env, timeoutMs: 90_000 });
    expect(pipeline.code, `${pipeline.stdout.slice(-500)}${pipeline.stderr}`).toBe(0);
    const reconciled = await runKitScript('infra/reconcile.ts', [], { env: broker.env });
    expect(reconciled.stdout, reconciled.stderr).toMatch(/: EXACT/);
  });

  it('a wrong password ends in one line naming the SASL login and the settings to check', async () => {
    const result = await runKitScript('infra/produce.ts', ['--count', '10'], { env: { ...broker.env, KAFKA_SASL_PASSWORD: 'not-the-password' } });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /^error: Kafka at localhost:\d+ refused the SASL login: check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SSL/);
    expect(result.stderr).not.toContain(broker.password);
    const rejected = kcat({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': SCRAM_MECHANISM, 'sasl.username': SCRAM_USER, 'sasl.password': 'not-the-password', 'ssl.ca.location': broker.env.KAFKA_SSL_CA! }, ['-b', broker.env.KAFKA_BROKERS!, '-L', '-m', '5']);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toMatch(/Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
  });

  it("an unknown CA (another VM's, or none: the system roots) ends in one line naming the certificate and KAFKA_SSL_CA", async () => {
    const otherTls = join(broker.stateDir, 'other-vm');
    bash('broker-certificate.sh', [otherTls, 'localhost']);
    for (const env of [{ ...broker.env, KAFKA_SSL_CA: join(otherTls, 'ca.pem') }, { ...broker.env, KAFKA_SSL_CA: '' }]) {
      const result = await runKitScript('infra/produce.ts', ['--count', '10'], { env });
      expect(result.code).toBe(1);
      expectOneLine(result.stderr, /^error: Kafka at localhost:\d+ presented a TLS certificate this machine does not trust: set KAFKA_SSL_CA to the broker's CA certificate \(PEM; `npm run cloud:env` writes the cloud VM's\)/);
    }
  });
});

describe('the same broker on the 4.4 line (KIT_KAFKA_VERSION=4.4)', () => {
  let broker: CloudBroker;
  beforeAll(async () => {
    broker = await startCloudBroker('4.4', `${s.database}_cloud44`);
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
  });

  it("takes the kit's client over SCRAM and TLS", async () => {
    const kafka = createKafka(loadConfig(broker.env).kafka);
    await createTopic(kafka, { topic: 'kit-cloud-44', partitions: 1 });
    await produceLine(kafka, 'kit-cloud-44', 'kafkajs logs in');
    const { messages } = await consume(kafka, 'kit-cloud-44', { timeoutMs: 30_000 });
    expect(messages.map((m) => m.value)).toEqual(['kafkajs logs in']);
  });

  it('refuses the SCRAM login of librdkafka before 2.6.1 (its nonce; confluentinc/librdkafka#4895): why the VM runs 3.9', () => {
    const [major, minor, patch] = librdkafkaVersion();
    const fixed = major > 2 || (major === 2 && (minor > 6 || (minor === 6 && patch >= 1)));
    const settings = { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': SCRAM_MECHANISM, 'sasl.username': SCRAM_USER, 'sasl.password': broker.password, 'ssl.ca.location': broker.env.KAFKA_SSL_CA! };
    const result = kcat(settings, ['-b', broker.env.KAFKA_BROKERS!, '-L', '-m', '5']);
    if (fixed) expect(result.code, result.stderr).toBe(0);
    else expect(result.stderr, `librdkafka ${major}.${minor}.${patch}`).toMatch(/invalid credentials with SASL mechanism SCRAM-SHA-512/);
  });
});
