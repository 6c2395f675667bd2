// The SingleStore text of lesson 09: the procedure and the pipeline into it.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { checkedSpec } from '../pipeline/pipeline.js';
import { singleStoreStatements } from '../targets/singlestore-statements.js';
import { TOTALS_PROCEDURE, totalsProcedureSql } from './procedure.js';
import { totalsTablesDdl } from './tables.js';

describe('totals on SingleStore', () => {
  it('loads the batch into a procedure, skipping only what does not parse', () => {
    const config = loadConfig({ DATABASE_URL: 'singlestore://admin:pw@h:3306/donations', PIPELINE_KAFKA_BROKERS: 'kafka:29092' });
    const spec = checkedSpec({ name: 'donations_totals_consumer', topic: 'donations', table: 'donation_transactions_aggregated', format: 'donations-json', procedure: TOTALS_PROCEDURE });
    const sql = singleStoreStatements(spec, config.kafka).create();
    expect(sql.split('\n').slice(0, 6)).toEqual([
      'CREATE OR REPLACE PIPELINE `donations_totals_consumer` AS',
      "LOAD DATA KAFKA 'kafka:29092/donations'",
      'BATCH_INTERVAL 100',
      'SKIP PARSER ERRORS',
      'INTO PROCEDURE `ingest_donations_with_totals`',
      'FORMAT JSON (',
    ]);
    expect(sql).toContain('organization <- organization DEFAULT NULL');
  });

  it('receives the batch as its only QUERY parameter, counts only new transaction ids, and writes the totals before the rows', () => {
    const sql = totalsProcedureSql('donation_transactions_aggregated');
    expect(sql).toMatch(/^CREATE OR REPLACE PROCEDURE ingest_donations_with_totals\(batch QUERY\(\n/);
    expect(sql).toContain('FROM batch b LEFT JOIN `donation_transactions_aggregated` d ON d.transaction_id = b.transaction_id\n        WHERE d.transaction_id IS NULL\n        GROUP BY b.transaction_id;');
    const writes = [...sql.matchAll(/INSERT INTO (\S+)/g)].map((m) => m[1]);
    expect(writes).toEqual(['donation_totals_campaign', 'donation_totals_city', 'donation_totals_organization', 'donation_totals_city_organization', 'donation_totals_second', '`donation_transactions_aggregated`']);
    expect(sql.match(/ON DUPLICATE KEY UPDATE donations = donations \+ VALUES\(donations\), amount = amount \+ VALUES\(amount\);/g)).toHaveLength(5);
    expect(sql).not.toMatch(/DELIMITER/);
    expect(sql.trim().endsWith('END')).toBe(true);
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
