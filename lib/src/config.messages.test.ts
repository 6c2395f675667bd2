// The settings as a person meets them: every refusal in full (the problem and what to do),
// what `npm run status` shows, and where `.env` is read from.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { SETTINGS, describeConfig, isDebugEnabled, isLoopbackHost, loadConfig, parseDotEnv, pipelineBrokersProblem, readEnvironment, withDotEnv, type Env } from './config.js';

const base = { DATABASE_URL: 'mysql://kit:s3cret-pass@127.0.0.1:3306/donations' };

function refusal(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('every refusal of a setting, in full', () => {
  const URL_FORM = 'Write it as mysql://user:password@host:3306/database';
  it.each<[Env, string, string]>([
    [{}, 'DATABASE_URL', 'DATABASE_URL: is not set. Copy .env.example to .env (`npm run up` does it for you) or set DATABASE_URL=mysql://user:password@127.0.0.1:3306/donations'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', `DATABASE_URL: is not a URL. ${URL_FORM}`],
    [{ DATABASE_URL: 'postgres://u:p@h/db' }, 'DATABASE_URL', 'DATABASE_URL: scheme "postgres://" is not supported. Use mysql://, mariadb:// or singlestore://'],
    [{ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL', `DATABASE_URL: has no user name. ${URL_FORM}`],
    [{ DATABASE_URL: 'mysql://u:p@h/db;drop' }, 'DATABASE_URL', 'DATABASE_URL: database name "db;drop" is not a plain identifier. Use letters, digits and underscores'],
    [{ ...base, DATABASE_TARGET: 'oracle' }, 'DATABASE_TARGET', 'DATABASE_TARGET: "oracle" is not a target. Set it to mariadb or singlestore'],
    [{ ...base, DATABASE_TLS: 'maybe' }, 'DATABASE_TLS', 'DATABASE_TLS: "maybe" is not a TLS mode. Set it to off, on or insecure'],
    [{ ...base, DATABASE_TLS: 'on', DATABASE_TLS_CA: '/nonexistent/ca.pem' }, 'DATABASE_TLS_CA', 'DATABASE_TLS_CA: file /nonexistent/ca.pem does not exist. Point it at the CA certificate (PEM) of your server'],
    [{ ...base, KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS', 'KAFKA_BROKERS: "localhost" is not host:port. Write each broker as host:port, for example 127.0.0.1:9092'],
    [{ ...base, KAFKA_BROKERS: 'h:0' }, 'KAFKA_BROKERS', 'KAFKA_BROKERS: "h:0" is not host:port. Write each broker as host:port, for example 127.0.0.1:9092'],
    [{ ...base, KAFKA_BROKERS: 'h:65536' }, 'KAFKA_BROKERS', 'KAFKA_BROKERS: "h:65536" is not host:port. Write each broker as host:port, for example 127.0.0.1:9092'],
    [{ ...base, KAFKA_BROKERS: 'a:1,b c:2' }, 'KAFKA_BROKERS', 'KAFKA_BROKERS: "b c:2" is not host:port. Write each broker as host:port, for example 127.0.0.1:9092'],
    [{ ...base, KAFKA_BROKERS: ' , ' }, 'KAFKA_BROKERS', 'KAFKA_BROKERS: is empty. Set it to host:port, for example 127.0.0.1:9092'],
    [{ ...base, PIPELINE_KAFKA_BROKERS: 'kafka' }, 'PIPELINE_KAFKA_BROKERS', 'PIPELINE_KAFKA_BROKERS: "kafka" is not host:port. Write each broker as host:port, for example 127.0.0.1:9092'],
    [{ ...base, KAFKA_TOPIC: 'don; DROP TABLE x' }, 'KAFKA_TOPIC', 'KAFKA_TOPIC: "don; DROP TABLE x" is not a valid topic name. Use letters, digits, dots, dashes or underscores'],
    [{ ...base, KAFKA_RETENTION_MS: '5 minutes' }, 'KAFKA_RETENTION_MS', 'KAFKA_RETENTION_MS: "5 minutes" is not a whole number. Set it to a number >= 60000'],
    [{ ...base, KAFKA_RETENTION_MS: '59999' }, 'KAFKA_RETENTION_MS', 'KAFKA_RETENTION_MS: 59999 is out of range. Set it to a number >= 60000'],
    [{ ...base, KAFKA_RETENTION_MS: '99999999999999999' }, 'KAFKA_RETENTION_MS', 'KAFKA_RETENTION_MS: 99999999999999999 is out of range. Set it to a number >= 60000'],
    [{ ...base, WORKSHOP_ROWS: '0' }, 'WORKSHOP_ROWS', 'WORKSHOP_ROWS: 0 is out of range. Set it to a number >= 1'],
    [{ ...base, WORKSHOP_REFRESH_MS: '1.5' }, 'WORKSHOP_REFRESH_MS', 'WORKSHOP_REFRESH_MS: "1.5" is not a whole number. Set it to a number >= 1'],
    [{ ...base, KAFKA_SSL: 'sure' }, 'KAFKA_SSL', 'KAFKA_SSL: "sure" is not a boolean. Set it to true or false'],
    [{ ...base, KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_MECHANISM: "gssapi" is not supported. Use plain, scram-sha-256 or scram-sha-512'],
    [{ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_USERNAME: is missing while KAFKA_SASL_MECHANISM is set. Set it in .env'],
    [{ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD: is missing while KAFKA_SASL_MECHANISM is set. Set it in .env'],
    [{ ...base, KAFKA_SSL: 'on', PIPELINE_KAFKA_SSL_CA_LOCATION: 'certs/ca.pem' }, 'PIPELINE_KAFKA_SSL_CA_LOCATION', 'PIPELINE_KAFKA_SSL_CA_LOCATION: "certs/ca.pem" is not an absolute path. Set it to the CA bundle path on the SingleStore nodes, or none'],
    [{ ...base, KAFKA_SSL: 'on', PIPELINE_KAFKA_SSL_CA_LOCATION: '/etc/ca".pem' }, 'PIPELINE_KAFKA_SSL_CA_LOCATION', 'PIPELINE_KAFKA_SSL_CA_LOCATION: "/etc/ca".pem" is not an absolute path. Set it to the CA bundle path on the SingleStore nodes, or none'],
    [{ ...base, KAFKA_SSL: 'on', PIPELINE_KAFKA_SSL_CA_LOCATION: '/etc/ca\\x.pem' }, 'PIPELINE_KAFKA_SSL_CA_LOCATION', 'PIPELINE_KAFKA_SSL_CA_LOCATION: "/etc/ca\\x.pem" is not an absolute path. Set it to the CA bundle path on the SingleStore nodes, or none'],
    [{ ...base, KAFKA_SSL_CA: '/nowhere/ca.pem' }, 'KAFKA_SSL_CA', 'KAFKA_SSL_CA: is set while KAFKA_SSL is off. Set KAFKA_SSL=true (the CA is for a TLS broker), or unset KAFKA_SSL_CA'],
    [{ ...base, KAFKA_SSL: 'on', KAFKA_SSL_CA: '/nowhere/ca.pem' }, 'KAFKA_SSL_CA', "KAFKA_SSL_CA: file /nowhere/ca.pem does not exist. Point it at the broker's CA certificate (PEM), or unset it for a broker with a public CA"],
    [{ ...base, KIT_INFRA: 'kubernetes' }, 'KIT_INFRA', 'KIT_INFRA: "kubernetes" is not a mode. Set it to auto, local, docker or external'],
    [{ ...base, KIT_KAFKA_VERSION: '4.0' }, 'KIT_KAFKA_VERSION', 'KIT_KAFKA_VERSION: "4.0" is not a Kafka release the kit has jars of. Set it to 4.4 or 3.9'],
  ])('%j: %s', (env, variable, message) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
  });

  it('cuts a long bad value to 80 characters', () => {
    const long = 'x'.repeat(100);
    expect(refusal({ ...base, KAFKA_TOPIC: `${long};` }).message).toBe(`KAFKA_TOPIC: "${'x'.repeat(80)}" is not a valid topic name. Use letters, digits, dots, dashes or underscores`);
    expect(refusal({ DATABASE_URL: `mysql://u:p@h/${long}-` }).message).toBe(`DATABASE_URL: database name "${'x'.repeat(80)}" is not a plain identifier. Use letters, digits and underscores`);
    expect(refusal({ ...base, KAFKA_SSL: '1', PIPELINE_KAFKA_SSL_CA_LOCATION: long }).message).toMatch(new RegExp(`^PIPELINE_KAFKA_SSL_CA_LOCATION: "${'x'.repeat(80)}" is not`));
  });
});

describe('what loadConfig reads', () => {
  it('reads every form of the database URL', () => {
    expect(loadConfig({ DATABASE_URL: 'mariadb://kit:pw@db.example.com' }).database).toEqual({
      target: 'mariadb',
      host: 'db.example.com',
      port: 3306,
      user: 'kit',
      password: 'pw',
      database: 'donations',
      tls: false,
    });
    expect(loadConfig({ DATABASE_URL: 'memsql://admin@[::1]:3307/demo_db' }).database).toEqual({
      target: 'singlestore',
      host: '::1',
      port: 3307,
      user: 'admin',
      password: '',
      database: 'demo_db',
      tls: false,
    });
    expect(loadConfig({ DATABASE_URL: 'mysql://u%40corp:p@h:3310/' }).database).toMatchObject({ user: 'u@corp', port: 3310, database: 'donations' });
    expect(loadConfig({ ...base, DATABASE_TARGET: ' MariaDB ' }).database.target).toBe('mariadb');
    expect(loadConfig({ ...base, DATABASE_TARGET: '  ' }).database.target).toBe('mariadb');
  });

  it('turns TLS on from DATABASE_TLS or the URL, and off for every spelling of off', () => {
    for (const on of ['on', 'true', '1', 'required', 'verify', ' ON ']) {
      expect(loadConfig({ ...base, DATABASE_TLS: on }).database.tls).toEqual({ caFile: undefined, rejectUnauthorized: true });
    }
    for (const off of ['off', 'false', '0', '', 'OFF']) expect(loadConfig({ ...base, DATABASE_TLS: off }).database.tls).toBe(false);
    expect(loadConfig({ DATABASE_URL: `${base.DATABASE_URL}?ssl=insecure` }).database.tls).toEqual({ rejectUnauthorized: false });
    expect(loadConfig({ DATABASE_URL: `${base.DATABASE_URL}?ssl=on`, DATABASE_TLS: 'off' }).database.tls).toBe(false);
    expect(loadConfig({ ...base, DATABASE_TLS: 'on', DATABASE_TLS_CA: import.meta.filename }).database.tls).toEqual({ caFile: import.meta.filename, rejectUnauthorized: true });
    expect(loadConfig({ ...base, DATABASE_TLS: 'on', DATABASE_TLS_CA: '' }).database.tls).toEqual({ caFile: undefined, rejectUnauthorized: true });
  });

  it('reads the Kafka settings, brokers trimmed, IPv6 brokers included', () => {
    const kafka = loadConfig({ ...base, KAFKA_BROKERS: ' a.example.com:9092 , [::1]:19092,', KAFKA_TOPIC: 'gifts.v2', KAFKA_RETENTION_MS: '3_600_000', KAFKA_SSL: 'yes' }).kafka;
    expect(kafka).toEqual({
      brokers: ['a.example.com:9092', '[::1]:19092'],
      pipelineBrokers: ['a.example.com:9092', '[::1]:19092'],
      pipelineBrokersFrom: 'KAFKA_BROKERS',
      pipelineSslCaLocation: '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
      topic: 'gifts.v2',
      retentionMs: 3_600_000,
      ssl: true,
      sasl: undefined,
    });
    expect(loadConfig({ ...base, KAFKA_SSL: 'on', KAFKA_SSL_CA: ` ${import.meta.filename} ` }).kafka.sslCaFile).toBe(import.meta.filename);
    expect(loadConfig({ ...base, KAFKA_SSL: 'on', KAFKA_SSL_CA: ' ' }).kafka.sslCaFile).toBeUndefined();
    expect(loadConfig({ ...base, KAFKA_SSL: ' No ' }).kafka.ssl).toBe(false);
    expect(loadConfig({ ...base, KAFKA_SSL: '' }).kafka.ssl).toBe(false);
    expect(loadConfig({ ...base, KAFKA_RETENTION_MS: ' ' }).kafka.retentionMs).toBe(86_400_000);
    expect(loadConfig({ ...base, KAFKA_RETENTION_MS: '60000' }).kafka.retentionMs).toBe(60_000);
    expect(loadConfig({ ...base, PIPELINE_KAFKA_BROKERS: '  ' }).kafka.pipelineBrokersFrom).toBe('KAFKA_BROKERS');
    expect(loadConfig({ ...base, KAFKA_SSL: 'on', PIPELINE_KAFKA_SSL_CA_LOCATION: ' NONE ' }).kafka.pipelineSslCaLocation).toBeNull();
    expect(loadConfig({ ...base, KAFKA_SSL: 'on', PIPELINE_KAFKA_SSL_CA_LOCATION: ' ' }).kafka.pipelineSslCaLocation).toBe('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem');
    expect(loadConfig({ ...base, PIPELINE_KAFKA_SSL_CA_LOCATION: '/etc/ca.pem' }).kafka.pipelineSslCaLocation).toBeNull();
    expect(loadConfig({ ...base, KAFKA_SASL_MECHANISM: ' Plain ', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
    expect(loadConfig({ ...base, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafka.sasl?.mechanism).toBe('scram-sha-256');
    expect(loadConfig({ ...base, KAFKA_SASL_MECHANISM: ' ' }).kafka.sasl).toBeUndefined();
  });

  it('uses the compose network only for SingleStore on this machine with every broker on loopback', () => {
    const local = { DATABASE_URL: 'singlestore://root:pw@localhost:3307/d' };
    expect(loadConfig({ ...local, KAFKA_BROKERS: '127.0.0.1:9092,localhost:9093' }).kafka).toMatchObject({ pipelineBrokers: ['kafka:29092'], pipelineBrokersFrom: 'compose network' });
    expect(loadConfig({ ...local, KAFKA_BROKERS: '127.0.0.1:9092,kafka.example.com:9092' }).kafka).toMatchObject({
      pipelineBrokers: ['127.0.0.1:9092', 'kafka.example.com:9092'],
      pipelineBrokersFrom: 'KAFKA_BROKERS',
    });
    expect(loadConfig({ ...local, PIPELINE_KAFKA_BROKERS: 'k1:9092, k2:9092' }).kafka).toMatchObject({ pipelineBrokers: ['k1:9092', 'k2:9092'], pipelineBrokersFrom: 'PIPELINE_KAFKA_BROKERS' });
  });

  it('reads the kit settings: how services run, where they keep state, debugging', () => {
    expect(loadConfig(base).kit).toEqual({ infra: 'auto', kafkaVersion: '4.4', stateDir: undefined, figuresDir: undefined, debug: false });
    expect(loadConfig({ ...base, KIT_INFRA: ' Docker ', KIT_KAFKA_VERSION: ' 3.9 ', KIT_STATE_DIR: ' .kit/faults ', KIT_FIGURES_DIR: ' out/f ', KIT_DEBUG: '1' }).kit).toEqual({
      infra: 'docker',
      kafkaVersion: '3.9',
      stateDir: '.kit/faults',
      figuresDir: 'out/f',
      debug: true,
    });
    expect(loadConfig({ ...base, KIT_INFRA: '', KIT_KAFKA_VERSION: '', KIT_STATE_DIR: ' ', KIT_FIGURES_DIR: '' }).kit).toEqual({ infra: 'auto', kafkaVersion: '4.4', stateDir: undefined, figuresDir: undefined, debug: false });
    for (const infra of ['local', 'external']) expect(loadConfig({ ...base, KIT_INFRA: infra }).kit.infra).toBe(infra);
    expect(loadConfig({ ...base, WORKSHOP_ROWS: '5', WORKSHOP_REFRESH_MS: '100' }).workshop).toEqual({ rows: 5, refreshMs: 100 });
  });

  it('turns debugging on for a KIT_DEBUG it cannot read, so that the failure shows in full', () => {
    expect(isDebugEnabled({ KIT_DEBUG: 'true' })).toBe(true);
    expect(isDebugEnabled({ KIT_DEBUG: 'off' })).toBe(false);
    expect(isDebugEnabled({})).toBe(false);
    expect(isDebugEnabled({ KIT_DEBUG: 'loud' })).toBe(true);
  });

  it('lists the unknown variables of every kit prefix, sorted, and knows every setting it documents', () => {
    const env = { ...base, WORKSHOP_ROW: '5', DATABASE_URI: 'x', KIT_DEBUGG: '1', PIPELINE_BROKERS: 'x', KAFKA_BROKER: 'x:1', KAFKA_OPTS: '-Xmx1g', KAFKA_JVM_PERFORMANCE_OPTS: '', KAFKA_LOG4J_OPTS: '', GRAFANA_X: '1' };
    expect(loadConfig(env).unknownVariables).toEqual(['DATABASE_URI', 'KAFKA_BROKER', 'KIT_DEBUGG', 'PIPELINE_BROKERS', 'WORKSHOP_ROW']);
    // Every documented name present (unset: the defaults apply).
    const documented: Env = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, undefined]));
    expect(loadConfig({ ...documented, ...base }).unknownVariables).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LocalHost', '::1', '[::1]', '0.0.0.0'])('%s is this machine', (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each(['10.0.0.1', 'kafka', 'db.example.com', '128.0.0.1', 'x127.0.0.1'])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('describeConfig', () => {
  it('shows each setting in one line, passwords never', () => {
    expect(describeConfig(loadConfig(base))).toEqual({
      target: 'mariadb',
      database: 'mysql://kit:***@127.0.0.1:3306/donations',
      'database TLS': 'off',
      'kafka brokers': '127.0.0.1:9092',
      'pipeline brokers': '127.0.0.1:9092 (KAFKA_BROKERS)',
      'kafka security': 'plaintext',
      topic: 'donations',
      'topic retention': '1 day',
      'workshop rows': '2,000,000',
      'refresh budget': '250 ms',
    });
    const managed = loadConfig({
      DATABASE_URL: 'singlestore://admin:pw@svc.example.com:3333/demo',
      DATABASE_TLS: 'on',
      KAFKA_BROKERS: 'a:9092,b:9092',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'api-key',
      KAFKA_SASL_PASSWORD: 'kafka-secret',
    });
    expect(describeConfig(managed)).toMatchObject({
      target: 'singlestore',
      database: 'singlestore://admin:***@svc.example.com:3333/demo',
      'database TLS': 'on (verified)',
      'kafka brokers': 'a:9092,b:9092',
      'kafka security': 'SASL plain as api-key over TLS',
    });
    expect(describeConfig(loadConfig({ ...base, DATABASE_TLS: 'insecure', KAFKA_SSL: 'true' }))).toMatchObject({ 'database TLS': 'on (not verified)', 'kafka security': 'TLS' });
    expect(describeConfig(loadConfig({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }))['kafka security']).toBe('SASL plain as u');
  });
});

describe('withDotEnv', () => {
  const root = mkdtempSync(join(tmpdir(), 'kit-dotenv-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the nearest .env above the folder, the environment winning', () => {
    mkdirSync(join(root, 'notebooks', 'deeper'), { recursive: true });
    writeFileSync(join(root, '.env'), 'KAFKA_TOPIC=from-file\nKAFKA_BROKERS=file:9092\n');
    expect(withDotEnv({ KAFKA_TOPIC: 'from-env' }, join(root, 'notebooks', 'deeper'))).toEqual({ KAFKA_TOPIC: 'from-env', KAFKA_BROKERS: 'file:9092' });
    writeFileSync(join(root, 'notebooks', '.env'), 'KAFKA_TOPIC=nearer\n');
    expect(withDotEnv({}, join(root, 'notebooks', 'deeper'))).toEqual({ KAFKA_TOPIC: 'nearer' });
  });

  it('is the environment alone where no folder above holds a .env', () => {
    const env = { A: '1' };
    expect(withDotEnv(env, '/')).toBe(env);
  });
});

describe('parseDotEnv, line by line', () => {
  it.each<[string, Record<string, string>]>([
    ['  A=1  ', { A: '1' }],
    ['# A=1', {}],
    ['   # A=1', {}],
    ['A=1 # the first', { A: '1' }],
    ['A=1\t# the first', { A: '1' }],
    ['A=x#y', { A: 'x#y' }],
    ['export   A=1', { A: '1' }],
    ['exportA=1', { exportA: '1' }],
    ['A = spaced out', { A: 'spaced out' }],
    ['A="quoted # not a comment"', { A: 'quoted # not a comment' }],
    ["A='single'", { A: 'single' }],
    ['A="unclosed', { A: '"unclosed' }],
    ['A="mixed\'', { A: '"mixed\'' }],
    ['x A=1', {}],
    ['1A=1', {}],
    ['A=1=2', { A: '1=2' }],
    ['A=', { A: '' }],
  ])('%j', (line, values) => {
    expect(parseDotEnv(`${line}\nB=2`)).toEqual({ ...values, B: '2' });
  });

  it('reads Windows line ends', () => {
    expect(parseDotEnv('A=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });
});

describe('the edges of each setting', () => {
  it('takes ports up to 65535, whole numbers and booleans with spaces around them', () => {
    expect(loadConfig({ ...base, KAFKA_BROKERS: 'h:65535,h:1' }).kafka.brokers).toEqual(['h:65535', 'h:1']);
    expect(loadConfig({ ...base, WORKSHOP_ROWS: ' 5 ' }).workshop.rows).toBe(5);
    for (const off of ['false', '0', ' ']) expect(loadConfig({ ...base, KAFKA_SSL: off }).kafka.ssl).toBe(false);
    for (const on of ['1', 'TRUE', 'yes', 'on']) expect(loadConfig({ ...base, KAFKA_SSL: on }).kafka.ssl).toBe(true);
  });

  it('refuses a URL without a host', () => {
    expect(refusal({ DATABASE_URL: 'mysql:///donations' }).message).toBe('DATABASE_URL: has no host. Write it as mysql://user:password@host:3306/database');
  });

  it('sees no broker problem for MariaDB, whose pipeline runs beside the kit, wherever the database is', () => {
    expect(pipelineBrokersProblem(loadConfig({ DATABASE_URL: 'mysql://u:p@db.example.com/d' }))).toBeUndefined();
    expect(pipelineBrokersProblem(loadConfig({ DATABASE_URL: 'singlestore://u:p@127.0.0.1/d', PIPELINE_KAFKA_BROKERS: '127.0.0.1:9092' }))).toBeUndefined();
  });

  it('shows several pipeline brokers in one line', () => {
    expect(describeConfig(loadConfig({ ...base, PIPELINE_KAFKA_BROKERS: 'k1:1,k2:2' }))['pipeline brokers']).toBe('k1:1,k2:2 (PIPELINE_KAFKA_BROKERS)');
  });

  it('reads the process environment first', () => {
    expect(readEnvironment().PATH).toBe(process.env.PATH);
  });
});
