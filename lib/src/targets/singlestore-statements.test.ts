// The SingleStore text of each pipeline step, pinned: docs/singlestore.md names, for each
// statement, the documentation page it follows and the test here that holds it.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { Campaign } from '../campaigns/generator.js';
import { JSON_DEFAULTS, singleStoreStatements, skipErrorsFor } from './singlestore-statements.js';
import { transformDonation } from '../pipeline/transform.js';

const config = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@h:3306/donations', PIPELINE_KAFKA_BROKERS: 'kafka:29092' });
const spec = { name: 'donations_kafka_consumer', topic: 'donations', table: 'donation_transactions', format: 'donations-json' as const, batchIntervalMs: 100, procedure: '' };

describe('SingleStore pipeline statements', () => {
  it('create: the topic the producer writes, SKIP ALL ERRORS, a DEFAULT for each optional JSON key (CREATE PIPELINE, Kafka Pipeline Using JSON Format)', () => {
    const sql = singleStoreStatements(spec, config.kafka).create();
    expect(sql).toBe(`CREATE OR REPLACE PIPELINE \`donations_kafka_consumer\` AS
LOAD DATA KAFKA 'kafka:29092/donations'
BATCH_INTERVAL 100
SKIP ALL ERRORS
INTO TABLE \`donation_transactions\`
FORMAT JSON (
    transaction_id <- transaction_id,
    city <- city,
    latitude <- latitude DEFAULT NULL,
    longitude <- longitude DEFAULT NULL,
    organization <- organization DEFAULT NULL,
    transaction_date <- transaction_date,
    total_amount <- total_amount,
    campaign_id <- campaign_id,
    is_campaign_active <- is_campaign_active DEFAULT 0
)`);
  });

  it('create before SingleStore 8.9: SKIP DUPLICATE KEY ERRORS, the 7.3-8.7 LOAD DATA pages allow no other useful SKIP with JSON', () => {
    const statements = singleStoreStatements(spec, config.kafka);
    for (const version of ['7.3.4', '8.0.19', '8.5.3', '8.7.12']) {
      const sql = statements.create(true, { version });
      expect(sql, version).toContain('\nBATCH_INTERVAL 100\nSKIP DUPLICATE KEY ERRORS\nINTO TABLE `donation_transactions`\nFORMAT JSON (');
      expect(sql, version).not.toContain('SKIP ALL ERRORS');
    }
    expect(statements.create(true, { skip: 'duplicate-key' })).toBe(statements.create(true, { version: '8.7.0' }));
  });

  it('create from SingleStore 8.9 (its LOAD DATA page no longer restricts SKIP ALL ERRORS to CSV): SKIP ALL ERRORS', () => {
    const statements = singleStoreStatements(spec, config.kafka);
    for (const version of ['8.9.0', '9.0.23', '9.1.1', '10.0.0']) expect(statements.create(true, { version }), version).toBe(statements.create());
  });

  it('picks the SKIP clause from @@memsql_version, for a table and for a procedure', () => {
    expect(skipErrorsFor('9.0.23')).toBe('all');
    expect(skipErrorsFor('9.1.1')).toBe('all');
    expect(skipErrorsFor('10.0.0')).toBe('all');
    expect(skipErrorsFor('8.9.12')).toBe('all');
    expect(skipErrorsFor('8.7.3')).toBe('duplicate-key');
    expect(skipErrorsFor('7.3.4')).toBe('duplicate-key');
    expect(skipErrorsFor('')).toBe('duplicate-key');
    expect(skipErrorsFor('8.9.0', 'procedure')).toBe('parser');
    expect(skipErrorsFor('9.0.23', 'procedure')).toBe('parser');
    expect(skipErrorsFor('8.7.3', 'procedure')).toBe('none');
    expect(skipErrorsFor('', 'procedure')).toBe('none');
  });

  it('gives a DEFAULT to the nullable columns only: a message without a NOT NULL field is rejected', () => {
    expect(Object.keys(JSON_DEFAULTS).sort()).toEqual(['is_campaign_active', 'latitude', 'longitude', 'organization']);
  });

  it("the local pipeline stores the mapping's DEFAULTs for the same missing keys, the same on both targets", () => {
    const event = new Campaign({ id: 4, seed: 5 }).next(new Date('2026-05-01T10:00:00Z'));
    const bare = Object.fromEntries(Object.entries(event).filter(([key]) => !(key in JSON_DEFAULTS)));
    const result = transformDonation(JSON.stringify(bare));
    expect(result.ok).toBe(true);
    const row = result.ok ? result.row : [];
    const columns = ['transaction_id', 'city', 'latitude', 'longitude', 'organization', 'transaction_date', 'total_amount', 'campaign_id', 'is_campaign_active'];
    for (const [column, literal] of Object.entries(JSON_DEFAULTS)) {
      expect(row[columns.indexOf(column)], column).toBe(literal === 'NULL' ? null : Number(literal));
    }
  });

  it('the quick start pipeline loads lines into messages', () => {
    const sql = singleStoreStatements({ ...spec, name: 'kafka_msg_consumer', topic: 'test', table: 'messages', format: 'lines' }, config.kafka).create(false);
    expect(sql).toBe("CREATE PIPELINE `kafka_msg_consumer` AS\nLOAD DATA KAFKA 'kafka:29092/test'\nBATCH_INTERVAL 100\nSKIP ALL ERRORS\nINTO TABLE `messages`");
  });

  it('adds CONFIG with ssl.ca.location and CREDENTIALS for SASL over TLS, with the password as a placeholder', () => {
    const sasl = loadConfig({ DATABASE_URL: 'singlestore://a:b@h/d', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'kit', KAFKA_SASL_PASSWORD: 'real-secret' });
    const sql = singleStoreStatements(spec, sasl.kafka).create();
    expect(sql).toContain(
      `CONFIG '{"security.protocol":"SASL_SSL","sasl.mechanism":"SCRAM-SHA-512","sasl.username":"kit","ssl.ca.location":"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}'`,
    );
    expect(sql).toContain(`CREDENTIALS '{"sasl.password": "<KAFKA_SASL_PASSWORD>"}'`);
    expect(sql).not.toContain('real-secret');
    // CONFIG and CREDENTIALS belong to the Kafka clause: before BATCH_INTERVAL.
    expect(sql.indexOf('CREDENTIALS')).toBeLessThan(sql.indexOf('BATCH_INTERVAL'));
  });

  it('sends the ssl.ca.location PIPELINE_KAFKA_SSL_CA_LOCATION names, or none', () => {
    const own = loadConfig({ DATABASE_URL: 'singlestore://a:b@h/d', KAFKA_SSL: 'true', PIPELINE_KAFKA_SSL_CA_LOCATION: '/etc/ssl/certs/ca-certificates.crt' });
    expect(singleStoreStatements(spec, own.kafka).create()).toContain(`CONFIG '{"security.protocol":"SSL","ssl.ca.location":"/etc/ssl/certs/ca-certificates.crt"}'`);
    const none = loadConfig({ DATABASE_URL: 'singlestore://a:b@h/d', KAFKA_SSL: 'true', PIPELINE_KAFKA_SSL_CA_LOCATION: 'none' });
    expect(singleStoreStatements(spec, none.kafka).create()).toContain(`CONFIG '{"security.protocol":"SSL"}'`);
  });

  it('has the test, foreground, start, stop, drop and replay statements (TEST / START / STOP / DROP / ALTER PIPELINE)', () => {
    const s = singleStoreStatements(spec, config.kafka);
    expect(s.test(1)).toBe('TEST PIPELINE `donations_kafka_consumer` LIMIT 1');
    expect(s.runForeground(1)).toBe('START PIPELINE `donations_kafka_consumer` FOREGROUND LIMIT 1 BATCHES');
    expect(s.start()).toBe('START PIPELINE IF NOT RUNNING `donations_kafka_consumer`');
    expect(s.stop()).toBe('STOP PIPELINE IF RUNNING `donations_kafka_consumer`');
    expect(s.drop()).toBe('DROP PIPELINE IF EXISTS `donations_kafka_consumer`');
    expect(s.replayFromEarliest()).toBe('ALTER PIPELINE `donations_kafka_consumer` SET OFFSETS EARLIEST');
  });

  it('reads the loaded position from SUCCESSFUL_CURSOR_OFFSET, the extracted one from CURSOR_OFFSET (PIPELINES_CURSORS)', () => {
    expect(singleStoreStatements(spec, config.kafka).cursors).toBe(
      'SELECT SOURCE_PARTITION_ID, CURSOR_OFFSET, SUCCESSFUL_CURSOR_OFFSET, LATEST_OFFSET FROM information_schema.PIPELINES_CURSORS ' +
        "WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer' ORDER BY SOURCE_PARTITION_ID",
    );
  });

  it('reads the errors with their type, code and message text (PIPELINES_ERRORS)', () => {
    const s = singleStoreStatements(spec, config.kafka);
    expect(s.errors).toBe(
      'SELECT ERROR_ID, BATCH_ID, BATCH_SOURCE_PARTITION_ID, BATCH_EARLIEST_OFFSET, BATCH_LATEST_OFFSET, ERROR_TYPE, ERROR_CODE, ERROR_KIND, ' +
        'ERROR_MESSAGE, LOAD_DATA_LINE_NUMBER, LOAD_DATA_LINE, ERROR_UNIX_TIMESTAMP FROM information_schema.PIPELINES_ERRORS ' +
        "WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer' ORDER BY ERROR_ID DESC LIMIT ?",
    );
  });

  it('counts each rejected message once: Warning rows only (an Error is a failed batch), not the leaf copies, not the skipped duplicates', () => {
    const s = singleStoreStatements(spec, config.kafka);
    expect(s.errorCount).toBe(
      "SELECT COUNT(*) AS n FROM (SELECT DISTINCT BATCH_ID, BATCH_SOURCE_PARTITION_ID, COALESCE(LOAD_DATA_LINE_NUMBER, -1) AS line, ERROR_CODE, MD5(COALESCE(LOAD_DATA_LINE, '')) AS input " +
        "FROM information_schema.PIPELINES_ERRORS WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer' AND ERROR_TYPE = 'Warning' AND COALESCE(ERROR_CODE, 0) <> 1062) AS rejected",
    );
    expect(s.batchFailures).toBe(
      'SELECT COUNT(*) AS n FROM (SELECT DISTINCT BATCH_ID, BATCH_SOURCE_PARTITION_ID, ERROR_CODE ' +
        "FROM information_schema.PIPELINES_ERRORS WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer' AND ERROR_TYPE = 'Error') AS failed",
    );
    expect(s.errorRetention).toBe('SELECT @@pipelines_errors_retention_minutes AS minutes');
  });

  it('reads status and batches from PIPELINES and PIPELINES_BATCHES_SUMMARY', () => {
    const s = singleStoreStatements(spec, config.kafka);
    expect(s.status).toBe("SELECT PIPELINE_NAME, STATE FROM information_schema.PIPELINES WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer'");
    expect(s.batches).toBe(
      'SELECT BATCH_ID, BATCH_STATE, BATCH_TIME, ROWS_STREAMED, ROWS_PER_SEC FROM information_schema.PIPELINES_BATCHES_SUMMARY ' +
        "WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = 'donations_kafka_consumer' ORDER BY BATCH_ID DESC LIMIT ?",
    );
  });
});
