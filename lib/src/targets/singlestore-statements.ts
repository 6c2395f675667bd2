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
 * Which rows a SingleStore pipeline skips instead of failing its batch, per server version
 * and per kind of pipeline (docs/singlestore.md, "Bad messages, per server version").
 * - `all`: SKIP ALL ERRORS ("Kafka Pipeline Using JSON Format", cloud, 9.1, 10: "to skip all
 *   erroneous messages"; a skipped message is logged in PIPELINES_ERRORS). INTO TABLE from 8.9.
 * - `duplicate-key`: SKIP DUPLICATE KEY ERRORS, INTO TABLE before 8.9: the only skip the
 *   7.3-8.7 LOAD DATA pages allow with JSON that helps here ("IGNORE, SKIP PARSER ERRORS, and
 *   SKIP ALL ERRORS are unsupported with non-CSV pipelines"; the 8.9 page no longer says so).
 *   A bad message fails its batch, which is retried, then the pipeline stops.
 * - `parser`: SKIP PARSER ERRORS, INTO PROCEDURE from 8.9: it "applies only to parsing errors
 *   that occur before the stored procedure is invoked"; the rest "must be handled within the
 *   procedure body" (the totals procedure does: aggregates/procedure.ts).
 * - `none`: no clause, INTO PROCEDURE before 8.9: SKIP ... ERRORS "only recognize parsing
 *   errors" there (8.0 INTO PROCEDURE page) and the LOAD DATA pages call SKIP PARSER ERRORS
 *   unsupported with JSON, so an unparsable message stops the pipeline; the body still
 *   records every parsed bad row.
 */
export type SkipErrors = 'all' | 'duplicate-key' | 'parser' | 'none';

const SKIP_CLAUSES: Record<SkipErrors, string> = {
  all: 'SKIP ALL ERRORS',
  'duplicate-key': 'SKIP DUPLICATE KEY ERRORS',
  parser: 'SKIP PARSER ERRORS',
  none: '',
};

/**
 * The first SingleStore version whose LOAD DATA page no longer restricts SKIP PARSER ERRORS
 * and SKIP ALL ERRORS to CSV (8.9; the 8.7 page still does), and whose Kafka Avro page
 * documents SKIP ALL ERRORS.
 */
export const SKIP_ALL_ERRORS_SINCE = [8, 9] as const;

/** Where a pipeline loads: its table, or a stored procedure. */
export type PipelineInto = 'table' | 'procedure';

/** True when a version (`@@memsql_version`, e.g. "9.0.23") is at least `since`; unreadable is old. */
export function versionAtLeast(version: string, since: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

/** The SKIP clause the kit writes for a server of this version, for a pipeline into a table or a procedure. */
export function skipErrorsFor(version: string, into: PipelineInto = 'table'): SkipErrors {
  const current = versionAtLeast(version, SKIP_ALL_ERRORS_SINCE);
  if (into === 'procedure') return current ? 'parser' : 'none';
  return current ? 'all' : 'duplicate-key';
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
  /**
   * CREATE [OR REPLACE] PIPELINE. The SKIP clause: `skip`, else the one for `version`
   * (skipErrorsFor), else the current servers' (SKIP ALL ERRORS into a table, SKIP PARSER
   * ERRORS into a procedure).
   */
  create(replace?: boolean, options?: CreateOptions): string;
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
  /**
   * Rejected messages, each once: the Warning rows of PIPELINES_ERRORS (a skipped message; an
   * Error row is a failed batch or extractor, counted by `batchFailures`), without a leaf's copy
   * of one (ERROR_MESSAGE "LEAF ERROR ...") or a skipped duplicate.
   */
  errorCount: string;
  /** Failed batch attempts: PIPELINES_ERRORS rows of type Error (one per retry, and extractor failures). */
  batchFailures: string;
  /** How long PIPELINES_ERRORS keeps an error, in minutes (an engine variable). */
  errorRetention: string;
  cursors: string;
}

export interface CreateOptions {
  skip?: SkipErrors;
  /** The server's `@@memsql_version`: picks the SKIP clause when `skip` is not given. */
  version?: string;
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

/** The field a procedure pipeline's mapping adds: the whole message ("The path `%` refers to the entire JSON value"). */
export const RAW_MESSAGE_FIELD = 'raw';

/**
 * A procedure pipeline's mapping: every key has a DEFAULT (NULL for the required ones), so a
 * message missing one reaches the procedure, which records it with its text, instead of
 * making "LOAD DATA ... terminate with an error" before the procedure runs.
 */
export function procedureJsonMapping(): string {
  const mapping = DONATION_COLUMN_NAMES.map((c) => `${c} <- ${c} DEFAULT ${JSON_DEFAULTS[c] ?? 'NULL'}`);
  return `(\n    ${[...mapping, `${RAW_MESSAGE_FIELD} <- %`].join(',\n    ')}\n)`;
}

/** The version the text is written for when none is given: a current server. */
const CURRENT_VERSION = `${SKIP_ALL_ERRORS_SINCE[0]}.${SKIP_ALL_ERRORS_SINCE[1]}.0`;

/** SingleStore's (and MySQL's) code for a duplicate key: skipped, like the local pipeline's duplicates, not rejected. */
const DUPLICATE_KEY_CODE = 1062;

export function singleStoreStatements(spec: Required<PipelineSpec>, kafka: KafkaConfig): PipelineStatements {
  const name = quoteIdentifier(spec.name, 'pipeline');
  const table = quoteIdentifier(spec.table, 'table');
  const into: PipelineInto = spec.procedure ? 'procedure' : 'table';
  const mapping = into === 'procedure' ? procedureJsonMapping() : jsonMapping();
  const format = spec.format === 'donations-json' ? `FORMAT JSON ${mapping}` : '';
  const create = (replace = true, options: CreateOptions = {}) =>
    [
      `CREATE ${replace ? 'OR REPLACE ' : ''}PIPELINE ${name} AS`,
      pipelineSource(spec.topic, kafka),
      `BATCH_INTERVAL ${spec.batchIntervalMs}`,
      // The grammar's order: SKIP before INTO.
      SKIP_CLAUSES[options.skip ?? skipErrorsFor(options.version ?? CURRENT_VERSION, into)],
      into === 'procedure' ? `INTO PROCEDURE ${quoteIdentifier(spec.procedure, 'procedure')}` : `INTO TABLE ${table}`,
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
    // ROWS_STREAMED: "The number of rows extracted into SingleStore" (PIPELINES_BATCHES_SUMMARY 8.5), not rows loaded.
    batches: `SELECT BATCH_ID, BATCH_STATE, BATCH_TIME, ROWS_STREAMED, ROWS_PER_SEC FROM information_schema.PIPELINES_BATCHES_SUMMARY ${infoWhere} ORDER BY BATCH_ID DESC LIMIT ?`,
    errors:
      'SELECT ERROR_ID, BATCH_ID, BATCH_SOURCE_PARTITION_ID, BATCH_EARLIEST_OFFSET, BATCH_LATEST_OFFSET, ERROR_TYPE, ERROR_CODE, ERROR_KIND, ' +
      `ERROR_MESSAGE, LOAD_DATA_LINE_NUMBER, LOAD_DATA_LINE, ERROR_UNIX_TIMESTAMP FROM information_schema.PIPELINES_ERRORS ${infoWhere} ORDER BY ERROR_ID DESC LIMIT ?`,
    // One row per (batch, source partition, line, code, message): the view repeats an error for each node that saw it.
    errorCount:
      'SELECT COUNT(*) AS n FROM (SELECT DISTINCT BATCH_ID, BATCH_SOURCE_PARTITION_ID, COALESCE(LOAD_DATA_LINE_NUMBER, -1) AS line, ERROR_CODE, ' +
      "MD5(COALESCE(LOAD_DATA_LINE, '')) AS input " +
      `FROM information_schema.PIPELINES_ERRORS ${infoWhere} AND ERROR_TYPE = 'Warning' AND COALESCE(ERROR_CODE, 0) <> ${DUPLICATE_KEY_CODE}) AS rejected`,
    batchFailures:
      'SELECT COUNT(*) AS n FROM (SELECT DISTINCT BATCH_ID, BATCH_SOURCE_PARTITION_ID, ERROR_CODE ' +
      `FROM information_schema.PIPELINES_ERRORS ${infoWhere} AND ERROR_TYPE = 'Error') AS failed`,
    errorRetention: 'SELECT @@pipelines_errors_retention_minutes AS minutes',
    cursors: `SELECT SOURCE_PARTITION_ID, CURSOR_OFFSET, SUCCESSFUL_CURSOR_OFFSET, LATEST_OFFSET FROM information_schema.PIPELINES_CURSORS ${infoWhere} ORDER BY SOURCE_PARTITION_ID`,
  };
}
