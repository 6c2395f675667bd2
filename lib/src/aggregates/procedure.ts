/**
 * The totals on SingleStore: a pipeline that loads into a stored procedure
 * (`CREATE PIPELINE ... INTO PROCEDURE`), as SingleStore's real-time demos do. Per its
 * documentation the procedure's one parameter, a QUERY(...) variable, "is the current
 * batch", and the procedure runs inside the batch's transaction: the rows, the totals and
 * the offsets commit together, exactly once. Duplicates are the procedure's to handle
 * ("constraint violations, duplicate key errors ... must be handled within the procedure
 * body"): `fresh` keeps the first row of each new transaction_id. A QUERY variable is
 * evaluated where it is used, so the totals are written before the rows (after, nothing
 * would be fresh). The pipeline itself is the rows pipeline's statement with
 * `INTO PROCEDURE` (pipeline/statements.ts).
 */
import { quoteIdentifier } from '../names.js';
import { columnSql, DONATION_COLUMN_NAMES, DONATION_COLUMNS } from '../targets/columns.js';
import { NO_ORGANIZATION, TOTALS_TABLES as T } from './tables.js';

export const TOTALS_PROCEDURE = 'ingest_donations_with_totals';

/** The batch's columns as QUERY types: the rows table's, with NOT NULL (the batch) or without (what is kept of it). */
const queryColumns = (form: 'query' | 'type') => DONATION_COLUMNS.map((column) => columnSql(column, form)).join(',\n    ');

function upsert(table: string, keys: string, select: string): string {
  return `    INSERT INTO ${table} (campaign_id${keys ? `, ${keys}` : ''}, donations, amount)
    SELECT ${select} COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id${keys ? `, ${keys}` : ''}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);`;
}

/** One row per transaction_id of the batch: its first column as is, the others' MIN. */
const firstOfEachId = DONATION_COLUMN_NAMES.map((name, i) => (i === 0 ? `b.${name}` : `MIN(b.${name})`)).join(', ');

/** CREATE OR REPLACE PROCEDURE: send as one statement (DELIMITER is the command-line client's). */
export function totalsProcedureSql(rowsTable: string): string {
  const rows = quoteIdentifier(rowsTable, 'table');
  const org = `COALESCE(organization, '${NO_ORGANIZATION}')`;
  return `CREATE OR REPLACE PROCEDURE ${TOTALS_PROCEDURE}(batch QUERY(
    ${queryColumns('query')}))
AS
DECLARE
    fresh QUERY(${queryColumns('type')}) =
        SELECT ${firstOfEachId}
        FROM batch b LEFT JOIN ${rows} d ON d.transaction_id = b.transaction_id
        WHERE d.transaction_id IS NULL
        GROUP BY b.transaction_id;
BEGIN
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
