// The two target objects: the same tables, each target's options and keys, and the pipeline each makes.
import { describe, expect, it } from 'vitest';
import { TOTALS_BATCH_WORK } from '../aggregates/setup.js';
import { totalsTablesDdl } from '../aggregates/tables.js';
import { campaignsTableDdl } from '../campaigns/ledger.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database/database.js';
import { layoutDdl, messagesTableDdl } from '../database/schema.js';
import { createKafka } from '../kafka/client.js';
import { LocalPipeline } from '../pipeline/local.js';
import { SingleStorePipeline } from '../pipeline/singlestore.js';
import { DONATION_COLUMN_NAMES, DONATION_COLUMNS, columnSql, missingValue } from './columns.js';
import { mariadbTarget, singlestoreTarget, targetNamed, targetOf } from './index.js';
import { TABLE_LAYOUTS } from './layouts.js';
import { JSON_DEFAULTS } from './singlestore-statements.js';

const ENGINE = / ENGINE=InnoDB/;
const table = { name: 'kit_t', columns: ['id INT NOT NULL', 'note TEXT'], keys: ['PRIMARY KEY (id)'] };

describe('the donation columns', () => {
  it('are described once, in the original table order', () => {
    expect(DONATION_COLUMN_NAMES).toEqual(['transaction_id', 'city', 'latitude', 'longitude', 'organization', 'transaction_date', 'total_amount', 'campaign_id', 'is_campaign_active']);
    expect(DONATION_COLUMNS.map((column) => columnSql(column))).toEqual([
      'transaction_id BIGINT NOT NULL',
      'city VARCHAR(50) NOT NULL',
      'latitude DECIMAL(9, 6)',
      'longitude DECIMAL(9, 6)',
      'organization VARCHAR(50)',
      'transaction_date DATETIME NOT NULL',
      'total_amount DECIMAL(10, 2) NOT NULL',
      'campaign_id INT NOT NULL',
      'is_campaign_active TINYINT(1) DEFAULT 0',
    ]);
  });

  it('give a missing optional key NULL or its DEFAULT, the JSON mapping the same, and required ones nothing', () => {
    expect(Object.fromEntries(DONATION_COLUMNS.map((column) => [column.name, missingValue(column)]).filter(([, value]) => value !== undefined))).toEqual({
      latitude: 'NULL',
      longitude: 'NULL',
      organization: 'NULL',
      is_campaign_active: '0',
    });
    expect(JSON_DEFAULTS).toEqual({ latitude: 'NULL', longitude: 'NULL', organization: 'NULL', is_campaign_active: '0' });
  });
});

describe('tableDdl', () => {
  it('writes the InnoDB clause on MariaDB, the charset only where the table asks for it', () => {
    expect(mariadbTarget.tableDdl(table)).toBe('CREATE TABLE IF NOT EXISTS `kit_t` (\n    id INT NOT NULL,\n    note TEXT,\n    PRIMARY KEY (id)\n) ENGINE=InnoDB');
    expect(mariadbTarget.tableDdl({ ...table, charset: 'utf8mb4' })).toMatch(/\n\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4$/);
    expect(mariadbTarget.tableDdl({ ...table, partitioning: 'PARTITION BY KEY (id) PARTITIONS 4' })).toMatch(/\) ENGINE=InnoDB\nPARTITION BY KEY \(id\) PARTITIONS 4$/);
  });

  it('writes no table options on SingleStore', () => {
    expect(singlestoreTarget.tableDdl({ ...table, charset: 'utf8mb4' })).toBe('CREATE TABLE IF NOT EXISTS `kit_t` (\n    id INT NOT NULL,\n    note TEXT,\n    PRIMARY KEY (id)\n)');
  });

  it('refuses a table name carrying SQL', () => {
    expect(() => mariadbTarget.tableDdl({ ...table, name: 'x; DROP TABLE y' })).toThrow(/Invalid table name/);
  });
});

describe('every kit table per target', () => {
  const tables = (target: 'mariadb' | 'singlestore'): Record<string, string> => ({
    campaigns: campaignsTableDdl(target).sql,
    messages: messagesTableDdl(target).sql,
    ...Object.fromEntries(totalsTablesDdl(target).map(({ sql }, i) => [`totals ${i}`, sql])),
    ...Object.fromEntries(TABLE_LAYOUTS.filter((l) => l.targets.includes(target)).map((l) => [l.key, layoutDdl(target, l.key).sql])),
    ...Object.fromEntries(targetNamed(target).statusTablesDdl().map(({ sql }, i) => [`status ${i}`, sql])),
  });

  it('has the same columns on both targets, and the ENGINE clause only on MariaDB', () => {
    const onMariadb = tables('mariadb');
    const onSingleStore = tables('singlestore');
    for (const [name, sql] of Object.entries(onMariadb)) expect(sql, name).toMatch(ENGINE);
    for (const [name, sql] of Object.entries(onSingleStore)) expect(sql, name).not.toMatch(/ENGINE|CHARSET|PARTITION BY/);
    for (const name of ['campaigns', 'messages', 'totals 0', 'totals 4']) {
      expect(onSingleStore[name]!.replace(/\n\)$/, ''), name).toBe(onMariadb[name]!.replace(/\n\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4$/, ''));
    }
  });

  it('gives every donation table of a layout the described columns', () => {
    for (const target of ['mariadb', 'singlestore'] as const) {
      for (const column of DONATION_COLUMNS) expect(layoutDdl(target, 'optimized').sql).toContain(`    ${columnSql(column)},\n`);
    }
  });

  it('keeps the status tables on MariaDB only: SingleStore has information_schema.PIPELINES*', () => {
    expect(mariadbTarget.statusTablesDdl().map(({ sql }) => /`(\w+)`/.exec(sql)![1])).toEqual(['kit_pipelines', 'kit_pipelines_cursors', 'kit_pipelines_batches', 'kit_pipelines_errors']);
    expect(mariadbTarget.statusTablesDdl().map(({ sql }) => /\)( ENGINE=.*)$/.exec(sql)![1])).toEqual([
      ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
      ' ENGINE=InnoDB',
      ' ENGINE=InnoDB',
      ' ENGINE=InnoDB',
    ]);
    expect(singlestoreTarget.statusTablesDdl()).toEqual([]);
  });
});

describe('targetOf', () => {
  it('is the target config.ts parsed from the URL', () => {
    expect(targetOf(loadConfig({ DATABASE_URL: 'mysql://u:p@h:3306/d' }).database)).toBe(mariadbTarget);
    expect(targetOf(loadConfig({ DATABASE_URL: 'singlestore://u:p@h:3306/d', PIPELINE_KAFKA_BROKERS: 'kafka:29092' }).database)).toBe(singlestoreTarget);
    expect(mariadbTarget.sessionSql).toEqual(["SET time_zone = '+00:00'"]);
    expect(singlestoreTarget.sessionSql).toEqual([]);
  });
});

describe('createPipeline', () => {
  const handles = (url: string) => {
    const config = loadConfig({ DATABASE_URL: url, PIPELINE_KAFKA_BROKERS: 'kafka:29092' });
    return { db: openDatabase(config.database), kafka: createKafka(config.kafka) };
  };
  const spec = { name: 'p', topic: 'donations', table: 'donation_transactions_aggregated', format: 'donations-json' } as const;

  it("makes the kit's pipeline on MariaDB, with the batch work's rows hook", async () => {
    const local = handles('mysql://u:p@127.0.0.1:1/d');
    const pipeline = mariadbTarget.createPipeline(local, spec, { batchWork: TOTALS_BATCH_WORK });
    expect(pipeline).toBeInstanceOf(LocalPipeline);
    expect(() => mariadbTarget.createPipeline(local, { ...spec, format: 'lines' }, { batchWork: TOTALS_BATCH_WORK })).toThrow('totals are kept for donations only');
    expect(() => mariadbTarget.createPipeline(local, { ...spec, format: 'lines' })).not.toThrow();
    await pipeline.close();
    await local.db.close();
  });

  it("makes SingleStore's pipeline, into the batch work's procedure", async () => {
    const remote = handles('singlestore://u:p@127.0.0.1:1/d');
    const plain = singlestoreTarget.createPipeline(remote, spec);
    expect(plain).toBeInstanceOf(SingleStorePipeline);
    expect(plain.spec.procedure).toBe('');
    const totals = singlestoreTarget.createPipeline(remote, spec, { batchWork: TOTALS_BATCH_WORK });
    expect(totals.spec.procedure).toBe('ingest_donations_with_totals');
    expect(totals.statements.create()).toContain('INTO PROCEDURE `ingest_donations_with_totals`');
    await remote.db.close();
  });
});
