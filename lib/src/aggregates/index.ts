// Aggregates at ingest (lesson 09): totals kept with the rows, the seven queries on them, the check against the rows.
export { TOTALS_TABLES, AGGREGATED_TABLE, totalsTablesDdl, ensureTotalsTables, rebuildTotalsSql } from './tables.js';
export { TOTALS_QUERIES } from './queries.js';
export { TOTALS_PROCEDURE, totalsProcedureSql, validRowSql, PROCEDURE_REJECTS_TABLE, PROCEDURE_REJECT_REASONS } from './procedure.js';
export { setUpTotalsPipeline, resetTotals, TOTALS_PIPELINE, TOTALS_BATCH_WORK } from './setup.js';
export { TOTALS_ROWS_HOOK } from './maintain.js';
export { TOTALS_PANEL_SOURCE, TOTALS_PANEL_SOURCES } from './grafana.js';
export { checkTotals, formatTotalsCheck, type TotalsCheck, type TotalsDifference } from './check.js';
