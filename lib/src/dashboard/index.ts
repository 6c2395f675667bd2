// The dashboard side: the seven queries, how a refresh is measured, the live view, Grafana's SQL and user.
export {
  DASHBOARD_QUERIES,
  donationCount,
  donationTotal,
  bestCityOrganization,
  amountPerCity,
  amountPerOrganization,
  recentAmountPerCity,
  recentAmountPerOrganization,
  timeQuery,
  type DashboardQuery,
  type PanelKind,
  type QueryParams,
  type TimedResult,
} from './queries.js';
export { measureDashboard, refreshOnce, percentile, LESSON_REFRESHES, type MeasureOptions, type PanelLatency, type PanelTiming, type Refresh, type RefreshReport } from './refresh.js';
export { watchDashboard, renderRefresh, firstRow } from './live.js';
export { catchSlowQueries, panelOf, analyzeQuery, type SlowStatement, type SlowQueryCatch, type SlowLogSettings, type QueryAnalysis } from '../targets/mariadb-profile.js';
export { toGrafanaSql, toGrafanaPanelSql, tableChoices, expandGrafanaSql, CAMPAIGN_VARIABLE, CAMPAIGN_VARIABLE_SQL, TABLE_VARIABLE, TABLE_CHOICES, type GrafanaExpansion, type GrafanaPanelSource, type GrafanaTimeRange, type TableChoice } from './grafana-sql.js';
export { clausesSql, type QueryClauses } from './clauses.js';
export { ensureReadOnlyUser, dropReadOnlyUser, privilegesBeyondSelect, GRAFANA_READER_USER, GRAFANA_PASSWORD_PLACEHOLDER, type ReadOnlyUserOptions } from './grafana-user.js';
