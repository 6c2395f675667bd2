// The SingleStore pipeline's source and security clauses for each kind of broker, in full.
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../config.js';
import { singleStoreStatements } from './singlestore-statements.js';

const spec = { name: 'p', topic: 'donations', table: 't', format: 'lines' as const, batchIntervalMs: 100, procedure: '' };
const createWith = (env: Env) => singleStoreStatements(spec, loadConfig({ DATABASE_URL: 'singlestore://a:b@db.example.com/d', ...env }).kafka).create(false);

describe('CREATE PIPELINE for each kind of broker', () => {
  it('lists every broker the database reaches, before the topic, and adds no clause for a plaintext broker', () => {
    expect(createWith({ PIPELINE_KAFKA_BROKERS: 'k1:9092,k2:9092' })).toBe("CREATE PIPELINE `p` AS\nLOAD DATA KAFKA 'k1:9092,k2:9092/donations'\nBATCH_INTERVAL 100\nSKIP ALL ERRORS\nINTO TABLE `t`");
  });

  it('SASL without TLS: SASL_PLAINTEXT, no CA bundle, the password as a placeholder', () => {
    expect(createWith({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'kit', KAFKA_SASL_PASSWORD: 'secret' })).toBe(
      "CREATE PIPELINE `p` AS\nLOAD DATA KAFKA 'k:9092/donations'\n" +
        `CONFIG '{"security.protocol":"SASL_PLAINTEXT","sasl.mechanism":"PLAIN","sasl.username":"kit"}'\n` +
        `CREDENTIALS '{"sasl.password": "<KAFKA_SASL_PASSWORD>"}'\n` +
        'BATCH_INTERVAL 100\nSKIP ALL ERRORS\nINTO TABLE `t`',
    );
  });

  it('TLS without SASL: SSL and the CA bundle, no credentials', () => {
    expect(createWith({ KAFKA_BROKERS: 'k:9093', KAFKA_SSL: 'true' })).toBe(
      "CREATE PIPELINE `p` AS\nLOAD DATA KAFKA 'k:9093/donations'\n" +
        `CONFIG '{"security.protocol":"SSL","ssl.ca.location":"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}'\n` +
        'BATCH_INTERVAL 100\nSKIP ALL ERRORS\nINTO TABLE `t`',
    );
  });

  it('refuses a pipeline or table name carrying SQL, naming which', () => {
    const kafka = loadConfig({ DATABASE_URL: 'singlestore://a:b@h/d' }).kafka;
    expect(() => singleStoreStatements({ ...spec, name: 'p; DROP' }, kafka)).toThrow('Invalid pipeline name "p; DROP"');
    expect(() => singleStoreStatements({ ...spec, table: 't`' }, kafka)).toThrow('Invalid table name "t`"');
  });
});
