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
import { NO_ORGANIZATION, TOTALS_TABLES as T } from './tables.js';

export const TOTALS_PROCEDURE = 'ingest_donations_with_totals';

const COLUMNS = `transaction_id BIGINT NOT NULL, city VARCHAR(50) NOT NULL, latitude DECIMAL(9, 6), longitude DECIMAL(9, 6),
    organization VARCHAR(50), transaction_date DATETIME NOT NULL, total_amount DECIMAL(10, 2) NOT NULL,
    campaign_id INT NOT NULL, is_campaign_active TINYINT(1)`;

function upsert(table: string, keys: string, select: string): string {
  return `    INSERT INTO ${table} (campaign_id${keys ? `, ${keys}` : ''}, donations, amount)
    SELECT ${select} COUNT(*), SUM(total_amount) FROM fresh GROUP BY campaign_id${keys ? `, ${keys}` : ''}
    ON DUPLICATE KEY UPDATE donations = donations + VALUES(donations), amount = amount + VALUES(amount);`;
}

/** CREATE OR REPLACE PROCEDURE: send as one statement (DELIMITER is the command-line client's). */
export function totalsProcedureSql(rowsTable: string): string {
  const rows = quoteIdentifier(rowsTable, 'table');
  const org = `COALESCE(organization, '${NO_ORGANIZATION}')`;
  return `CREATE OR REPLACE PROCEDURE ${TOTALS_PROCEDURE}(batch QUERY(
    ${COLUMNS}))
AS
DECLARE
    fresh QUERY(${COLUMNS.replace(/ NOT NULL/g, '')}) =
        SELECT b.transaction_id, MIN(b.city), MIN(b.latitude), MIN(b.longitude), MIN(b.organization),
               MIN(b.transaction_date), MIN(b.total_amount), MIN(b.campaign_id), MIN(b.is_campaign_active)
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
