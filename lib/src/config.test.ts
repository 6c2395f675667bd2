import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { describeConfig, loadConfig, parseDotEnv, pipelineBrokersProblem } from './config.js';

const base = { DATABASE_URL: 'mysql://kit:s3cret-pass@127.0.0.1:3306/donations' };

describe('loadConfig', () => {
  it('reads the local defaults', () => {
    const config = loadConfig(base);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.pipelineBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topic).toBe('donations');
    expect(config.kafka.retentionMs).toBe(86_400_000);
    expect(config.database).toMatchObject({ target: 'mariadb', host: '127.0.0.1', port: 3306, user: 'kit', password: 's3cret-pass', database: 'donations', tls: false });
    expect(config.workshop).toEqual({ rows: 2_000_000, refreshMs: 250 });
  });

  it('takes the target from the URL scheme, and DATABASE_TARGET over it', () => {
    expect(loadConfig({ DATABASE_URL: 'singlestore://admin:pw@svc.example.com/demo' }).database.target).toBe('singlestore');
    expect(loadConfig({ ...base, DATABASE_TARGET: 'singlestore' }).database.target).toBe('singlestore');
  });

  it('decodes percent-encoded passwords', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://kit:p%40ss%3Aword@localhost/x' }).database.password).toBe('p@ss:word');
  });

  it('turns TLS on for Helios, with a CA file when given', () => {
    expect(loadConfig({ ...base, DATABASE_TLS: 'on' }).database.tls).toEqual({ caFile: undefined, rejectUnauthorized: true });
    expect(loadConfig({ ...base, DATABASE_TLS: 'insecure' }).database.tls).toEqual({ rejectUnauthorized: false });
    expect(() => loadConfig({ ...base, DATABASE_TLS: 'on', DATABASE_TLS_CA: '/nonexistent/ca.pem' })).toThrow(/DATABASE_TLS_CA: file \/nonexistent\/ca.pem does not exist/);
  });

  it('reads SASL settings and requires user and password together', () => {
    const config = loadConfig({ ...base, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL: 'true' });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(config.kafka.ssl).toBe(true);
    expect(() => loadConfig({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/^KAFKA_SASL_PASSWORD: is missing/);
  });

  it.each([
    [{}, /^DATABASE_URL: is not set/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL: is not a URL/],
    [{ DATABASE_URL: 'postgres://u:p@h/db' }, /^DATABASE_URL: scheme "postgres:\/\/" is not supported/],
    [{ DATABASE_URL: 'mysql://h/db' }, /^DATABASE_URL: has no user name/],
    [{ DATABASE_URL: 'mysql://u:p@h/db;drop' }, /^DATABASE_URL: database name "db;drop" is not a plain identifier/],
    [{ ...base, DATABASE_TARGET: 'oracle' }, /^DATABASE_TARGET: "oracle" is not a target/],
    [{ ...base, DATABASE_TLS: 'maybe' }, /^DATABASE_TLS: "maybe" is not a TLS mode/],
    [{ ...base, KAFKA_BROKERS: 'localhost' }, /^KAFKA_BROKERS: "localhost" is not host:port/],
    [{ ...base, KAFKA_BROKERS: ' , ' }, /^KAFKA_BROKERS: is empty/],
    [{ ...base, KAFKA_BROKERS: 'h:99999' }, /^KAFKA_BROKERS: "h:99999" is not host:port/],
    [{ ...base, KAFKA_TOPIC: 'don; DROP TABLE x' }, /^KAFKA_TOPIC: .* is not a valid topic name/],
    [{ ...base, KAFKA_RETENTION_MS: '5 minutes' }, /^KAFKA_RETENTION_MS: "5 minutes" is not a whole number/],
    [{ ...base, KAFKA_RETENTION_MS: '10' }, /^KAFKA_RETENTION_MS: 10 is out of range/],
    [{ ...base, KAFKA_SSL: 'sure' }, /^KAFKA_SSL: "sure" is not a boolean/],
    [{ ...base, KAFKA_SASL_MECHANISM: 'gssapi' }, /^KAFKA_SASL_MECHANISM: "gssapi" is not supported/],
    [{ ...base, WORKSHOP_ROWS: '-5' }, /^WORKSHOP_ROWS: "-5" is not a whole number/],
  ])('names the bad variable: %j', (env, message) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    // Every message says what to do, not only what is wrong.
    expect((thrown as Error).message.split('. ').length).toBeGreaterThan(1);
  });

  it('lists unknown kit variables (probable typos) but ignores Kafka\'s own', () => {
    const config = loadConfig({ ...base, KAFKA_BROKER: 'x:1', WORKSHOP_ROW: '5', KAFKA_HEAP_OPTS: '-Xmx1g', HOME: '/root' });
    expect(config.unknownVariables).toEqual(['KAFKA_BROKER', 'WORKSHOP_ROW']);
  });

  it("reads the Grafana reader's password, which only Grafana's setup needs", () => {
    expect(loadConfig(base).grafana).toEqual({ readerPassword: undefined });
    expect(loadConfig({ ...base, GRAFANA_DB_PASSWORD: '' }).grafana).toEqual({ readerPassword: undefined });
    expect(loadConfig({ ...base, GRAFANA_DB_PASSWORD: 'r3ader' }).grafana).toEqual({ readerPassword: 'r3ader' });
  });

  it('points a SingleStore pipeline at the compose network when the database is the dev container: no edit needed', () => {
    const devContainer = loadConfig({ DATABASE_URL: 'singlestore://root:pw@127.0.0.1:3307/donations' });
    expect(devContainer.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(devContainer.kafka.pipelineBrokers).toEqual(['kafka:29092']);
    expect(devContainer.kafka.pipelineBrokersFrom).toBe('compose network');
    expect(pipelineBrokersProblem(devContainer)).toBeUndefined();
    // The setting wins; a managed broker is used as it is; MariaDB's pipeline runs here and uses KAFKA_BROKERS.
    expect(loadConfig({ DATABASE_URL: 'singlestore://root:pw@localhost:3307/d', PIPELINE_KAFKA_BROKERS: '10.0.0.5:9092' }).kafka.pipelineBrokers).toEqual(['10.0.0.5:9092']);
    expect(loadConfig({ DATABASE_URL: 'singlestore://root:pw@127.0.0.1:3307/d', KAFKA_BROKERS: 'pkc-1.example.com:9092' }).kafka.pipelineBrokers).toEqual(['pkc-1.example.com:9092']);
    expect(loadConfig(base).kafka.pipelineBrokers).toEqual(['127.0.0.1:9092']);
  });

  it('refuses, in one line, a loopback broker for a SingleStore server on another machine', () => {
    const helios = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@svc-123.aws.singlestore.com:3306/donations' });
    expect(helios.kafka.pipelineBrokers).toEqual(['127.0.0.1:9092']);
    expect(pipelineBrokersProblem(helios)?.message).toBe(
      'PIPELINE_KAFKA_BROKERS (unset, so KAFKA_BROKERS): 127.0.0.1:9092 is a loopback address, and the SingleStore server at svc-123.aws.singlestore.com would read it as itself, not as this machine. ' +
        'Set PIPELINE_KAFKA_BROKERS to a broker address that server can reach (for Helios, one reachable from the internet: see docs/singlestore.md)',
    );
    const explicit = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@10.1.2.3:3306/d', PIPELINE_KAFKA_BROKERS: 'localhost:9092' });
    expect(pipelineBrokersProblem(explicit)?.message).toMatch(/^PIPELINE_KAFKA_BROKERS: localhost:9092 is a loopback address/);
    expect(pipelineBrokersProblem(loadConfig({ DATABASE_URL: 'singlestore://admin:pw@10.1.2.3:3306/d', PIPELINE_KAFKA_BROKERS: 'kafka.example.com:9092' }))).toBeUndefined();
  });

  it('sends ssl.ca.location only with KAFKA_SSL: the RHEL bundle by default, a path of your own, or none', () => {
    expect(loadConfig(base).kafka.pipelineSslCaLocation).toBeNull();
    expect(loadConfig({ ...base, KAFKA_SSL: 'true' }).kafka.pipelineSslCaLocation).toBe('/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem');
    expect(loadConfig({ ...base, KAFKA_SSL: 'true', PIPELINE_KAFKA_SSL_CA_LOCATION: '/etc/ssl/cert.pem' }).kafka.pipelineSslCaLocation).toBe('/etc/ssl/cert.pem');
    expect(loadConfig({ ...base, KAFKA_SSL: 'true', PIPELINE_KAFKA_SSL_CA_LOCATION: 'none' }).kafka.pipelineSslCaLocation).toBeNull();
    expect(() => loadConfig({ ...base, KAFKA_SSL: 'true', PIPELINE_KAFKA_SSL_CA_LOCATION: "ca.pem'}" })).toThrow(/^PIPELINE_KAFKA_SSL_CA_LOCATION: .* is not an absolute path/);
  });

  it('accepts numbers written with underscores', () => {
    expect(loadConfig({ ...base, WORKSHOP_ROWS: '10_000_000' }).workshop.rows).toBe(10_000_000);
  });
});

describe('describeConfig', () => {
  it('never shows a password', () => {
    const shown = JSON.stringify(
      describeConfig(loadConfig({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'kafka-secret' })),
    );
    expect(shown).not.toContain('s3cret-pass');
    expect(shown).not.toContain('kafka-secret');
    expect(shown).toContain('mysql://kit:***@127.0.0.1:3306/donations');
  });
});

describe('parseDotEnv', () => {
  it('reads KEY=value lines with comments and quotes', () => {
    const text = ['# comment', 'A=1', 'export B="two words"', "C='x#y'", 'D=plain # trailing', '', 'not a line'].join('\n');
    expect(parseDotEnv(text)).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain' });
  });
});
