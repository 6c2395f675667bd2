/**
 * The SingleStore text of every pipeline step. SingleStorePipeline runs it; on MariaDB
 * the notebooks show it beside what the kit's pipeline does instead. Each statement
 * follows a SingleStore documentation page: docs/singlestore.md lists them, with the unit
 * test that pins each text (statements.test.ts).
 */
import type { KafkaConfig } from '../config.js';
import { DONATION_COLUMN_NAMES, DONATION_COLUMNS, missingValue, type DonationColumnName } from './columns.js';
import { quoteIdentifier } from '../names.js';
import type { PipelineSpec } from '../pipeline/pipeline.js';

/**
 * Which rows a SingleStore pipeline skips instead of failing its batch.
 * - `all`: SKIP ALL ERRORS, documented with FORMAT JSON on current engines ("Kafka Pipeline
 *   Using JSON Format": "to skip all erroneous messages"; a skipped message is logged in
 *   PIPELINES_ERRORS with its text in LOAD_DATA_LINE, and the next one loads). The kit's local
 *   pipeline keeps the same promise. Which kinds of bad message it covers (not JSON, a missing
 *   required key, a NULL in a NOT NULL column, a duplicate) is checked one by one by
 *   test/integration/singlestore.test.ts (`npm run check:singlestore`).
 * - `duplicate-key`: SKIP DUPLICATE KEY ERRORS, the only one before 9.0 (the 7.x-8.7 LOAD DATA
 *   pages: "IGNORE, SKIP PARSER ERRORS, and SKIP ALL ERRORS are unsupported with non-CSV
 *   pipelines"): a bad message fails its batch, which is retried, then the pipeline stops.
 */
export type SkipErrors = 'all' | 'duplicate-key';

const SKIP_CLAUSES: Record<SkipErrors, string> = {
  all: 'SKIP ALL ERRORS',
  'duplicate-key': 'SKIP DUPLICATE KEY ERRORS',
};

/** The first SingleStore version whose docs allow SKIP ALL ERRORS with FORMAT JSON. */
export const SKIP_ALL_ERRORS_SINCE = [9, 0] as const;

/** The SKIP clause a server of this version (`@@memsql_version`, e.g. "9.0.23") accepts with JSON. */
export function skipErrorsFor(version: string): SkipErrors {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [sinceMajor, sinceMinor] = SKIP_ALL_ERRORS_SINCE;
  return major > sinceMajor || (major === sinceMajor && minor >= sinceMinor) ? 'all' : 'duplicate-key';
}

/**
 * What a JSON mapping writes when a message lacks an optional key. Without DEFAULT, "if a
 * path can't be found in an input JSON value ... LOAD DATA will terminate with an error"
 * (SingleStore, "Extracting and Converting JSON Values"): one message without `organization`
 * would fail its whole batch. The kit's local pipeline stores the same values (transform.ts).
 * The required columns (NOT NULL) keep no DEFAULT: a message without them is rejected.
 */
export const JSON_DEFAULTS: Readonly<Partial<Record<DonationColumnName, string>>> = Object.fromEntries(
  DONATION_COLUMNS.flatMap((column) => {
    const value = missingValue(column);
    return value === undefined ? [] : [[column.name, value]];
  }),
);

export interface PipelineStatements {
  /** CREATE [OR REPLACE] PIPELINE; `skip` picks the SKIP clause (default SKIP ALL ERRORS, SingleStore 9.0 and later). */
  create(replace?: boolean, options?: { skip?: SkipErrors }): string;
  /** TEST PIPELINE: the pipeline must be stopped. */
  test(limit: number): string;
  runForeground(batches: number): string;
  start(): string;
  stop(): string;
  drop(): string;
  /** ALTER PIPELINE ... SET OFFSETS EARLIEST: the next batch starts at each partition's first offset. */
  replayFromEarliest(): string;
  status: string;
  batches: string;
  errors: string;
  /** Rejected messages, each once: a leaf's copy of an error (ERROR_MESSAGE "LEAF ERROR ...") and skipped duplicates are not counted. */
  errorCount: string;
  cursors: string;
}

/** Stands in for the SASL password in the text notebooks print; replaced only when the statement runs. */
export const SASL_PASSWORD_PLACEHOLDER = '<KAFKA_SASL_PASSWORD>';

/**
 * `LOAD DATA KAFKA '<brokers>/<topic>'`, with CONFIG and CREDENTIALS when Kafka needs TLS or
 * SASL. The brokers are PIPELINE_KAFKA_BROKERS as written; one bootstrap broker is enough
 * (docs/singlestore.md). The SASL password shows as a placeholder, replaced only when run.
 */
export function pipelineSource(topic: string, kafka: KafkaConfig): string {
  const lines = [`LOAD DATA KAFKA '${kafka.pipelineBrokers.join(',')}/${topic}'`];
  if (kafka.sasl || kafka.ssl) {
    const protocol = kafka.sasl ? (kafka.ssl ? 'SASL_SSL' : 'SASL_PLAINTEXT') : 'SSL';
    const configJson: Record<string, string> = { 'security.protocol': protocol };
    if (kafka.sasl) {
      configJson['sasl.mechanism'] = kafka.sasl.mechanism.toUpperCase();
      configJson['sasl.username'] = kafka.sasl.username;
    }
    // Without it: "Could not fetch Kafka metadata ... ssl.ca.location is missing" (Kafka Pipeline Errors).
    if (kafka.ssl && kafka.pipelineSslCaLocation) configJson['ssl.ca.location'] = kafka.pipelineSslCaLocation;
    lines.push(`CONFIG '${JSON.stringify(configJson)}'`);
    if (kafka.sasl) lines.push(`CREDENTIALS '{"sasl.password": "${SASL_PASSWORD_PLACEHOLDER}"}'`);
  }
  return lines.join('\n');
}

/** The donations' JSON mapping, each message key to its column, DEFAULTs for the optional ones. */
export function jsonMapping(): string {
  const mapping = DONATION_COLUMN_NAMES.map((c) => `${c} <- ${c}${JSON_DEFAULTS[c] ? ` DEFAULT ${JSON_DEFAULTS[c]}` : ''}`);
  return `(\n    ${mapping.join(',\n    ')}\n)`;
}

/** SingleStore's (and MySQL's) code for a duplicate key: skipped, like the local pipeline's duplicates, not rejected. */
const DUPLICATE_KEY_CODE = 1062;

export function singleStoreStatements(spec: Required<PipelineSpec>, kafka: KafkaConfig): PipelineStatements {
  const name = quoteIdentifier(spec.name, 'pipeline');
  const table = quoteIdentifier(spec.table, 'table');
  const format = spec.format === 'donations-json' ? `FORMAT JSON ${jsonMapping()}` : '';
  const create = (replace = true, options: { skip?: SkipErrors } = {}) =>
    [
      `CREATE ${replace ? 'OR REPLACE ' : ''}PIPELINE ${name} AS`,
      pipelineSource(spec.topic, kafka),
      `BATCH_INTERVAL ${spec.batchIntervalMs}`,
      // A procedure pipeline takes only SKIP PARSER ERRORS: the rest "must be handled within the procedure body".
      spec.procedure ? 'SKIP PARSER ERRORS' : SKIP_CLAUSES[options.skip ?? 'all'],
      spec.procedure ? `INTO PROCEDURE ${quoteIdentifier(spec.procedure, 'procedure')}` : `INTO TABLE ${table}`,
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
    replayFromEarliest: () => `ALTER PIPELINE ${name} SET OFFSETS EARLIEST`,
    status: `SELECT PIPELINE_NAME, STATE FROM information_schema.PIPELINES ${infoWhere}`,
    batches: `SELECT BATCH_ID, BATCH_STATE, BATCH_TIME, ROWS_STREAMED, ROWS_PER_SEC FROM information_schema.PIPELINES_BATCHES_SUMMARY ${infoWhere} ORDER BY BATCH_ID DESC LIMIT ?`,
    errors:
      'SELECT ERROR_ID, BATCH_ID, BATCH_SOURCE_PARTITION_ID, BATCH_EARLIEST_OFFSET, BATCH_LATEST_OFFSET, ERROR_TYPE, ERROR_CODE, ERROR_KIND, ' +
      `ERROR_MESSAGE, LOAD_DATA_LINE_NUMBER, LOAD_DATA_LINE, ERROR_UNIX_TIMESTAMP FROM information_schema.PIPELINES_ERRORS ${infoWhere} ORDER BY ERROR_ID DESC LIMIT ?`,
    // One row per (batch, source partition, line, code): the view repeats an error for each node that saw it.
    errorCount:
      'SELECT COUNT(*) AS n FROM (SELECT DISTINCT BATCH_ID, BATCH_SOURCE_PARTITION_ID, COALESCE(LOAD_DATA_LINE_NUMBER, -1) AS line, ERROR_CODE ' +
      `FROM information_schema.PIPELINES_ERRORS ${infoWhere} AND COALESCE(ERROR_CODE, 0) <> ${DUPLICATE_KEY_CODE}) AS rejected`,
    cursors: `SELECT SOURCE_PARTITION_ID, CURSOR_OFFSET, SUCCESSFUL_CURSOR_OFFSET, LATEST_OFFSET FROM information_schema.PIPELINES_CURSORS ${infoWhere} ORDER BY SOURCE_PARTITION_ID`,
  };
}
