import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { singleStoreStatements } from './statements.js';

const config = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@h:3306/donations', PIPELINE_KAFKA_BROKERS: 'kafka:29092' });
const spec = { name: 'donations_kafka_consumer', topic: 'donations', table: 'donation_transactions', format: 'donations-json' as const, batchIntervalMs: 100 };

describe('SingleStore pipeline statements', () => {
  it('create reads the same topic the producer writes (the original read `retails`)', () => {
    const sql = singleStoreStatements(spec, config.kafka).create();
    expect(sql).toBe(`CREATE OR REPLACE PIPELINE \`donations_kafka_consumer\` AS
LOAD DATA KAFKA 'kafka:29092/donations'
BATCH_INTERVAL 100
SKIP DUPLICATE KEY ERRORS
INTO TABLE \`donation_transactions\`
FORMAT JSON (
    transaction_id <- transaction_id,
    city <- city,
    latitude <- latitude,
    longitude <- longitude,
    organization <- organization,
    transaction_date <- transaction_date,
    total_amount <- total_amount,
    campaign_id <- campaign_id,
    is_campaign_active <- is_campaign_active
)`);
  });

  it('the quick start pipeline loads lines into messages', () => {
    const sql = singleStoreStatements({ ...spec, name: 'kafka_msg_consumer', topic: 'test', table: 'messages', format: 'lines' }, config.kafka).create(false);
    expect(sql).toBe("CREATE PIPELINE `kafka_msg_consumer` AS\nLOAD DATA KAFKA 'kafka:29092/test'\nBATCH_INTERVAL 100\nSKIP DUPLICATE KEY ERRORS\nINTO TABLE `messages`");
  });

  it('adds CONFIG and CREDENTIALS for SASL, with the password as a placeholder', () => {
    const sasl = loadConfig({ DATABASE_URL: 'singlestore://a:b@h/d', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'kit', KAFKA_SASL_PASSWORD: 'real-secret' });
    const sql = singleStoreStatements(spec, sasl.kafka).create();
    expect(sql).toContain(`CONFIG '{"security.protocol":"SASL_SSL","sasl.mechanism":"SCRAM-SHA-512","sasl.username":"kit"}'`);
    expect(sql).toContain(`CREDENTIALS '{"sasl.password": "<KAFKA_SASL_PASSWORD>"}'`);
    expect(sql).not.toContain('real-secret');
  });

  it('has the test, foreground, start, stop and information_schema statements', () => {
    const s = singleStoreStatements(spec, config.kafka);
    expect(s.test(1)).toBe('TEST PIPELINE `donations_kafka_consumer` LIMIT 1');
    expect(s.runForeground(1)).toBe('START PIPELINE `donations_kafka_consumer` FOREGROUND LIMIT 1 BATCHES');
    expect(s.start()).toBe('START PIPELINE IF NOT RUNNING `donations_kafka_consumer`');
    expect(s.stop()).toBe('STOP PIPELINE IF RUNNING `donations_kafka_consumer`');
    expect(s.status).toContain('FROM information_schema.PIPELINES ');
    expect(s.batches).toContain('FROM information_schema.PIPELINES_BATCHES_SUMMARY');
    expect(s.errors).toContain('FROM information_schema.PIPELINES_ERRORS');
    expect(s.cursors).toContain('FROM information_schema.PIPELINES_CURSORS');
  });
});
