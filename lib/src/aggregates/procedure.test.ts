// The SingleStore text of lesson 09: the procedure, the table it records skipped rows in, and the pipeline into it.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { checkedSpec } from '../pipeline/pipeline.js';
import { singlestoreTableDdl } from '../targets/singlestore-ddl.js';
import { singleStoreStatements } from '../targets/singlestore-statements.js';
import { PROCEDURE_REJECTIONS_SQL, PROCEDURE_REJECTS_DESCRIPTION, TOTALS_PROCEDURE, totalsProcedureSql, validRowSql } from './procedure.js';
import { TOTALS_BATCH_WORK } from './setup.js';
import { totalsTablesDdl } from './tables.js';

const config = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@h:3306/donations', PIPELINE_KAFKA_BROKERS: 'kafka:29092' });
const spec = checkedSpec({ name: 'donations_totals_consumer', topic: 'donations', table: 'donation_transactions_aggregated', format: 'donations-json', procedure: TOTALS_PROCEDURE });

describe('totals on SingleStore', () => {
  it('loads the batch into a procedure, skipping only what does not parse (8.9 and later), every key with a DEFAULT, and the whole message as `raw`', () => {
    const sql = singleStoreStatements(spec, config.kafka).create();
    expect(sql).toBe(`CREATE OR REPLACE PIPELINE \`donations_totals_consumer\` AS
LOAD DATA KAFKA 'kafka:29092/donations'
BATCH_INTERVAL 100
SKIP PARSER ERRORS
INTO PROCEDURE \`ingest_donations_with_totals\`
FORMAT JSON (
    transaction_id <- transaction_id DEFAULT NULL,
    city <- city DEFAULT NULL,
    latitude <- latitude DEFAULT NULL,
    longitude <- longitude DEFAULT NULL,
    organization <- organization DEFAULT NULL,
    transaction_date <- transaction_date DEFAULT NULL,
    total_amount <- total_amount DEFAULT NULL,
    campaign_id <- campaign_id DEFAULT NULL,
    is_campaign_active <- is_campaign_active DEFAULT 0,
    raw <- %
)`);
  });

  it('writes the SKIP clause for the server: SKIP PARSER ERRORS from 8.9, none before (the 7.3-8.7 LOAD DATA pages call it unsupported with JSON)', () => {
    const statements = singleStoreStatements(spec, config.kafka);
    for (const version of ['8.9.0', '9.0.23', '9.1.2', '10.0.1']) expect(statements.create(true, { version }), version).toContain('BATCH_INTERVAL 100\nSKIP PARSER ERRORS\nINTO PROCEDURE');
    for (const version of ['7.3.4', '8.0.19', '8.7.12', '']) {
      const sql = statements.create(true, { version });
      expect(sql, version).toContain('BATCH_INTERVAL 100\nINTO PROCEDURE `ingest_donations_with_totals`\nFORMAT JSON (');
      expect(sql, version).not.toMatch(/SKIP/);
    }
  });

  it('receives the batch with nullable, wide fields and the message text, so that a bad value reaches the body', () => {
    const sql = totalsProcedureSql('donation_transactions_aggregated');
    expect(sql.split('\n')[0]).toBe(
      'CREATE OR REPLACE PROCEDURE ingest_donations_with_totals(batch QUERY(transaction_id BIGINT, city LONGTEXT, latitude DECIMAL(30, 6), longitude DECIMAL(30, 6), ' +
        'organization LONGTEXT, transaction_date DATETIME, total_amount DECIMAL(38, 2), campaign_id BIGINT, is_campaign_active BIGINT, raw LONGTEXT))',
    );
    expect(sql.split('\n').find((line) => line.includes('fresh QUERY('))).toBe(
      '    fresh QUERY(transaction_id BIGINT, city VARCHAR(50), latitude DECIMAL(9, 6), longitude DECIMAL(9, 6), organization VARCHAR(50), ' +
        'transaction_date DATETIME, total_amount DECIMAL(10, 2), campaign_id INT, is_campaign_active TINYINT(1)) =',
    );
  });

  it('takes a row only when every required field is present and every value within its column (never NULL, so NOT of it is the rest)', () => {
    expect(validRowSql('b', ' ').split('\n AND ')).toEqual([
      'b.transaction_id IS NOT NULL',
      'b.transaction_id BETWEEN 1 AND 9007199254740991',
      'b.city IS NOT NULL',
      'CHAR_LENGTH(b.city) <= 50',
      '(b.latitude IS NULL OR b.latitude BETWEEN -90 AND 90)',
      '(b.longitude IS NULL OR b.longitude BETWEEN -180 AND 180)',
      '(b.organization IS NULL OR CHAR_LENGTH(b.organization) <= 50)',
      'b.transaction_date IS NOT NULL',
      "b.transaction_date BETWEEN '1000-01-01 00:00:00' AND '9999-12-31 23:59:59'",
      'b.total_amount IS NOT NULL',
      'b.total_amount BETWEEN 0.01 AND 99999999.99',
      'b.campaign_id IS NOT NULL',
      'b.campaign_id BETWEEN 1 AND 2147483647',
      '(b.is_campaign_active IS NULL OR b.is_campaign_active BETWEEN -128 AND 127)',
    ]);
  });

  it('records rejects first, then duplicates, then the totals from the valid new rows, then the rows; no handler, ECHO or COLLECT', () => {
    const sql = totalsProcedureSql('donation_transactions_aggregated');
    const writes = [...sql.matchAll(/INSERT INTO (\S+)/g)].map((m) => m[1]);
    expect(writes).toEqual([
      'kit_procedure_rejects',
      'kit_procedure_rejects',
      'kit_procedure_rejects',
      'donation_totals_campaign',
      'donation_totals_city',
      'donation_totals_organization',
      'donation_totals_city_organization',
      'donation_totals_second',
      '`donation_transactions_aggregated`',
    ]);
    const valid = validRowSql('b', '      ');
    expect(sql).toContain(`    FROM batch b\n    WHERE NOT (${valid});`);
    expect(sql).toContain(`FROM batch b JOIN \`donation_transactions_aggregated\` d ON d.transaction_id = b.transaction_id\n    WHERE ${valid}\n    GROUP BY b.transaction_id;`);
    expect(sql).toContain(`WHERE d.transaction_id IS NULL\n      AND ${valid}\n    GROUP BY b.transaction_id HAVING COUNT(*) > 1;`);
    expect(sql).toContain(`FROM batch b LEFT JOIN \`donation_transactions_aggregated\` d ON d.transaction_id = b.transaction_id\n        WHERE d.transaction_id IS NULL\n          AND ${validRowSql()}\n        GROUP BY b.transaction_id;`);
    expect(sql).toContain("THEN 'missing-field'\n                WHEN NOT (CHAR_LENGTH(b.city) <= 50) OR NOT (CHAR_LENGTH(b.organization) <= 50) THEN 'too-long'");
    expect(sql).toContain("ELSE 'out-of-range' END,\n           1, LEFT(b.raw, 1024)");
    expect(sql.match(/ON DUPLICATE KEY UPDATE donations = donations \+ VALUES\(donations\), amount = amount \+ VALUES\(amount\);/g)).toHaveLength(5);
    expect(sql).not.toMatch(/DELIMITER|EXCEPTION|ECHO|COLLECT/);
    expect(sql.trim().endsWith('END')).toBe(true);
  });

  it('creates its rejects table beforehand (no DDL in a pipeline procedure): sharded, no AUTO_INCREMENT; counts rejections without duplicates', () => {
    expect(singlestoreTableDdl(PROCEDURE_REJECTS_DESCRIPTION)).toBe(`CREATE TABLE IF NOT EXISTS \`kit_procedure_rejects\` (
    rejected_at DATETIME(6) NOT NULL,
    transaction_id BIGINT,
    reason VARCHAR(32) NOT NULL,
    copies INT NOT NULL DEFAULT 1,
    raw TEXT,
    SORT KEY (rejected_at),
    SHARD KEY (transaction_id)
)`);
    expect(TOTALS_BATCH_WORK.procedure.tables).toEqual([PROCEDURE_REJECTS_DESCRIPTION]);
    expect(PROCEDURE_REJECTIONS_SQL).toBe("SELECT COUNT(*) AS n FROM kit_procedure_rejects WHERE reason <> 'duplicate'");
  });

  it('keys every totals table by campaign first, and has no AUTO_INCREMENT (a procedure pipeline cannot write one)', () => {
    for (const target of ['mariadb', 'singlestore'] as const) {
      for (const { sql } of totalsTablesDdl(target)) {
        expect(sql).toMatch(/PRIMARY KEY \(campaign_id[,)]/);
        expect(sql).not.toMatch(/AUTO_INCREMENT/);
      }
    }
  });
});
