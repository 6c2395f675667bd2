/**
 * The SingleStore text of every pipeline step. SingleStorePipeline runs it; on MariaDB
 * the notebooks show it beside what the kit's pipeline does instead.
 */
import type { KafkaConfig } from '../config.js';
import { DONATION_COLUMN_NAMES } from '../database/schema.js';
import { quoteIdentifier } from '../names.js';
import type { PipelineSpec } from './pipeline.js';

export interface PipelineStatements {
  create(replace?: boolean): string;
  test(limit: number): string;
  runForeground(batches: number): string;
  start(): string;
  stop(): string;
  drop(): string;
  status: string;
  batches: string;
  errors: string;
  errorCount: string;
  cursors: string;
}

/** Stands in for the SASL password in the text notebooks print; replaced only when the statement runs. */
export const SASL_PASSWORD_PLACEHOLDER = '<KAFKA_SASL_PASSWORD>';

export function singleStoreStatements(spec: Required<PipelineSpec>, kafka: KafkaConfig): PipelineStatements {
  const name = quoteIdentifier(spec.name, 'pipeline');
  const table = quoteIdentifier(spec.table, 'table');
  const source = `${kafka.pipelineBrokers.join(',')}/${spec.topic}`;
  const security: string[] = [];
  if (kafka.sasl || kafka.ssl) {
    const protocol = kafka.sasl ? (kafka.ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT') : 'SSL';
    const configJson: Record<string, string> = { 'security.protocol': protocol };
    if (kafka.sasl) {
      configJson['sasl.mechanism'] = kafka.sasl.mechanism.toUpperCase();
      configJson['sasl.username'] = kafka.sasl.username;
    }
    security.push(`CONFIG '${JSON.stringify(configJson)}'`);
    if (kafka.sasl) security.push(`CREDENTIALS '{"sasl.password": "${SASL_PASSWORD_PLACEHOLDER}"}'`);
  }
  const format =
    spec.format === 'donations-json' ? `FORMAT JSON (\n    ${DONATION_COLUMN_NAMES.map((c) => `${c} <- ${c}`).join(',\n    ')}\n)` : '';
  const create = (replace = true) =>
    [
      `CREATE ${replace ? 'OR REPLACE ' : ''}PIPELINE ${name} AS`,
      `LOAD DATA KAFKA '${source}'`,
      ...security,
      `BATCH_INTERVAL ${spec.batchIntervalMs}`,
      'SKIP DUPLICATE KEY ERRORS',
      `INTO TABLE ${table}`,
      format,
    ]
      .filter(Boolean)
      .join('\n');
  const infoWhere = `WHERE DATABASE_NAME = DATABASE() AND PIPELINE_NAME = '${spec.name}'`;
  return {
    create,
    test: (limit) => `TEST PIPELINE ${name} LIMIT ${limit}`,
    runForeground: (batches) => `START PIPELINE ${name} FOREGROUND LIMIT ${batches} BATCHES`,
    start: () => `START PIPELINE IF NOT RUNNING ${name}`,
    stop: () => `STOP PIPELINE IF RUNNING ${name}`,
    drop: () => `DROP PIPELINE IF EXISTS ${name}`,
    status: `SELECT PIPELINE_NAME, STATE FROM information_schema.PIPELINES ${infoWhere}`,
    batches: `SELECT BATCH_ID, BATCH_STATE, BATCH_TIME, ROWS_STREAMED, ROWS_PER_SEC FROM information_schema.PIPELINES_BATCHES_SUMMARY ${infoWhere} ORDER BY BATCH_ID DESC LIMIT ?`,
    errors: `SELECT BATCH_ID, BATCH_SOURCE_PARTITION_ID, BATCH_EARLIEST_OFFSET, ERROR_KIND, ERROR_MESSAGE, ERROR_UNIX_TIMESTAMP FROM information_schema.PIPELINES_ERRORS ${infoWhere} ORDER BY ERROR_ID DESC LIMIT ?`,
    errorCount: `SELECT COUNT(*) AS n FROM information_schema.PIPELINES_ERRORS ${infoWhere}`,
    cursors: `SELECT SOURCE_PARTITION_ID, CURSOR_OFFSET, LATEST_OFFSET FROM information_schema.PIPELINES_CURSORS ${infoWhere} ORDER BY SOURCE_PARTITION_ID`,
  };
}
