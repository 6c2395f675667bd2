/**
 * The totals on SingleStore: a pipeline that loads into a stored procedure
 * (`CREATE PIPELINE ... INTO PROCEDURE`), as SingleStore's real-time demos do. The
 * procedure's one parameter, a QUERY(...) variable, "is the current batch of records that
 * have been extracted"; the procedure is the batch's load step, and a batch "will either
 * succeed or fail. That is, if any step fails, the batch operation fails and rolls back"
 * (The Lifecycle of a Pipeline): rows, totals and offsets commit together.
 *
 * So nothing in the body may fail on a bad row, or the whole batch goes with it: SKIP
 * PARSER ERRORS "applies only to parsing errors that occur before the stored procedure is
 * invoked. Constraint violations, duplicate key errors, and other data integrity issues must
 * be handled within the procedure body" (Kafka Pipeline Using JSON Format). The body filters
 * instead of catching (no EXCEPTION handler: what one leaves of a pipeline batch is not
 * documented):
 * 1. the batch's fields are nullable and wide, so a NULL or an out-of-range value reaches the
 *    body intact;
 * 2. rows that would fail (NULL in a NOT NULL column, out of range, too long, a bad date) go
 *    to the rejects table with their reason and message text, created beforehand ("DDL
 *    commands are not allowed in stored procedures that are called from pipelines");
 * 3. copies of an id already held, or repeated in the batch, are recorded as duplicates (not
 *    rejections, like the local pipeline's skipped duplicates);
 * 4. the totals, then the rows, from `fresh`: the valid first copy of each new id. A QUERY
 *    variable is evaluated where it is used, so the totals are written before the rows
 *    (after, nothing would be fresh).
 */
import { quoteIdentifier } from '../names.js';
import { DONATION_COLUMN_NAMES, DONATION_COLUMNS, type DonationColumn } from '../targets/columns.js';
import { RAW_MESSAGE_FIELD } from '../targets/singlestore-statements.js';
import type { TableDescription } from '../targets/table.js';
import { NO_ORGANIZATION, TOTALS_TABLES as T } from './tables.js';

export const TOTALS_PROCEDURE = 'ingest_donations_with_totals';

/** Where the procedure records the rows it skips: an ordinary sharded table, no AUTO_INCREMENT (the procedure writes it). */
export const PROCEDURE_REJECTS_TABLE = 'kit_procedure_rejects';

/** Why the procedure skipped a row: the local pipeline's kinds for the same inputs, and `duplicate` (not a rejection). */
export const PROCEDURE_REJECT_REASONS = ['missing-field', 'too-long', 'bad-date', 'out-of-range', 'duplicate'] as const;

/** The first KB of a message, as the local pipeline keeps it. */
const RAW_KEPT = 1024;

export const PROCEDURE_REJECTS_DESCRIPTION: TableDescription = {
  name: PROCEDURE_REJECTS_TABLE,
  columns: [
    'rejected_at DATETIME(6) NOT NULL',
    'transaction_id BIGINT',
    'reason VARCHAR(32) NOT NULL',
    // For a duplicate: how many copies were skipped.
    'copies INT NOT NULL DEFAULT 1',
    'raw TEXT',
  ],
  keys: ['SORT KEY (rejected_at)', 'SHARD KEY (transaction_id)'],
  charset: 'utf8mb4',
};

/** Message rejections recorded by the procedure (duplicates are skipped, not rejected). */
export const PROCEDURE_REJECTIONS_SQL = `SELECT COUNT(*) AS n FROM ${PROCEDURE_REJECTS_TABLE} WHERE reason <> 'duplicate'`;

/** The latest rows the procedure skipped, for a pipeline's `errors()`. */
export const PROCEDURE_REJECTS_LATEST_SQL = `SELECT rejected_at, transaction_id, reason, copies, raw FROM ${PROCEDURE_REJECTS_TABLE} ORDER BY rejected_at DESC LIMIT ?`;

/** The batch's field types: nullable, and wide enough that a bad value arrives to be judged (the QUERY page: values are converted to the field type). */
const BATCH_TYPES: Record<string, string> = {
  BIGINT: 'BIGINT',
  INT: 'BIGINT',
  'TINYINT(1)': 'BIGINT',
  DATETIME: 'DATETIME',
  'DECIMAL(9, 6)': 'DECIMAL(30, 6)',
  'DECIMAL(10, 2)': 'DECIMAL(38, 2)',
};

function batchType(column: DonationColumn): string {
  if (column.maxLength !== undefined) return 'LONGTEXT';
  const type = BATCH_TYPES[column.type];
  if (!type) throw new Error(`no batch type for ${column.name} ${column.type}`);
  return type;
}

/** A TINYINT's range, for a column the kit gives none. */
const TYPE_RANGES: Record<string, readonly [number, number]> = { 'TINYINT(1)': [-128, 127] };

/** DATETIME's range: a date converted to the zero date or beyond falls outside it. */
const DATETIME_RANGE = ["'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'"] as const;

/** Each column's test, by reason; a NULL passes (the required test catches it). */
function columnTests(column: DonationColumn, b: string): { reason: (typeof PROCEDURE_REJECT_REASONS)[number]; sql: string }[] {
  const c = `${b}.${column.name}`;
  const tests: { reason: (typeof PROCEDURE_REJECT_REASONS)[number]; sql: string }[] = [];
  if (column.maxLength !== undefined) tests.push({ reason: 'too-long', sql: `CHAR_LENGTH(${c}) <= ${column.maxLength}` });
  if (column.type === 'DATETIME') tests.push({ reason: 'bad-date', sql: `${c} BETWEEN ${DATETIME_RANGE[0]} AND ${DATETIME_RANGE[1]}` });
  const range = column.range ?? TYPE_RANGES[column.type];
  if (range) tests.push({ reason: 'out-of-range', sql: `${c} BETWEEN ${range[0]} AND ${range[1]}` });
  return tests;
}

/**
 * The rows the table and its totals take: required columns present, every value within its
 * column's limits (the ranges, lengths and dates the local pipeline checks). Never NULL, so
 * NOT (valid) is exactly the rest.
 */
export function validRowSql(b = 'b', indent = '          '): string {
  const parts = DONATION_COLUMNS.flatMap((column) => {
    const tests = columnTests(column, b).map((t) => t.sql);
    if (column.required) return [`${b}.${column.name} IS NOT NULL`, ...tests];
    return tests.map((t) => `(${b}.${column.name} IS NULL OR ${t})`);
  });
  return parts.join(`\n${indent}AND `);
}

/** The first reason a row fails, in the order of PROCEDURE_REJECT_REASONS (what is left is out of range). */
function reasonSql(b = 'b'): string {
  const missing = DONATION_COLUMNS.filter((c) => c.required).map((c) => `${b}.${c.name} IS NULL`).join(' OR ');
  const whens = (['too-long', 'bad-date'] as const).map((reason) => {
    const failing = DONATION_COLUMNS.flatMap((column) => columnTests(column, b).filter((t) => t.reason === reason).map((t) => `NOT (${t.sql})`));
    return `WHEN ${failing.join(' OR ')} THEN '${reason}'`;
  });
  return `CASE WHEN ${missing} THEN 'missing-field'\n                ${whens.join('\n                ')}\n                ELSE 'out-of-range' END`;
}

/** The batch's columns as QUERY fields, and what is kept of it (the rows table's types). */
const batchFields = () => [...DONATION_COLUMNS.map((column) => `${column.name} ${batchType(column)}`), `${RAW_MESSAGE_FIELD} LONGTEXT`].join(', ');
const freshFields = () => DONATION_COLUMNS.map((column) => `${column.name} ${column.type}`).join(', ');

function upsert(table: string, keys: string, select: string): string {
  return `    INSERT INTO ${table} (campaign_id${keys ? `, ${keys}` : ''}, donations, amount)
    SELECT ${select} COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id${keys ? `, ${keys}` : ''}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);`;
}

/** One row per transaction_id of the batch: its first column as is, the others' MIN (copies of one id are one donation sent twice). */
const firstOfEachId = DONATION_COLUMN_NAMES.map((name, i) => (i === 0 ? `b.${name}` : `MIN(b.${name})`)).join(', ');

const rejectsInsert = `INSERT INTO ${PROCEDURE_REJECTS_TABLE} (rejected_at, transaction_id, reason, copies, raw)`;

/** CREATE OR REPLACE PROCEDURE: send as one statement (DELIMITER is the command-line client's). */
export function totalsProcedureSql(rowsTable: string): string {
  const rows = quoteIdentifier(rowsTable, 'table');
  const org = `COALESCE(organization, '${NO_ORGANIZATION}')`;
  const valid = validRowSql();
  const validHere = validRowSql('b', '      ');
  return `CREATE OR REPLACE PROCEDURE ${TOTALS_PROCEDURE}(batch QUERY(${batchFields()}))
AS
DECLARE
    fresh QUERY(${freshFields()}) =
        SELECT ${firstOfEachId}
        FROM batch b LEFT JOIN ${rows} d ON d.transaction_id = b.transaction_id
        WHERE d.transaction_id IS NULL
          AND ${valid}
        GROUP BY b.transaction_id;
BEGIN
    -- Rows that would fail the batch: recorded with their reason and text, never loaded.
    ${rejectsInsert}
    SELECT UTC_TIMESTAMP(6), b.transaction_id,
           ${reasonSql()},
           1, LEFT(b.${RAW_MESSAGE_FIELD}, ${RAW_KEPT})
    FROM batch b
    WHERE NOT (${validHere});
    -- Valid copies of ids already held (a replay, a producer's retry): skipped and counted.
    ${rejectsInsert}
    SELECT UTC_TIMESTAMP(6), b.transaction_id, 'duplicate', COUNT(*), NULL
    FROM batch b JOIN ${rows} d ON d.transaction_id = b.transaction_id
    WHERE ${validHere}
    GROUP BY b.transaction_id;
    -- Extra valid copies of a new id in this batch: the first one loads.
    ${rejectsInsert}
    SELECT UTC_TIMESTAMP(6), b.transaction_id, 'duplicate', COUNT(*) - 1, NULL
    FROM batch b LEFT JOIN ${rows} d ON d.transaction_id = b.transaction_id
    WHERE d.transaction_id IS NULL
      AND ${validHere}
    GROUP BY b.transaction_id HAVING COUNT(*) > 1;
${upsert(T.campaign, '', 'campaign_id,')}
    INSERT INTO ${T.city} (campaign_id, city, latitude, longitude, donations, amount)
    SELECT campaign_id, city, MIN(latitude), MIN(longitude), COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id, city
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);
    INSERT INTO ${T.organization} (campaign_id, organization, donations, amount)
    SELECT campaign_id, ${org}, COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id, ${org}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);
    INSERT INTO ${T.cityOrganization} (campaign_id, city, organization, donations, amount)
    SELECT campaign_id, city, ${org}, COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id, city, ${org}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);
    INSERT INTO ${T.second} (campaign_id, second, city, organization, donations, amount)
    SELECT campaign_id, transaction_date, city, ${org}, COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id, transaction_date, city, ${org}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);
    INSERT INTO ${rows} SELECT * FROM fresh;
END`;
}
