/** MariaDB's analog of SingleStore's trace and PROFILE: the slow query log, ANALYZE FORMAT=JSON. */
import { analyzeQuery, catchSlowQueries } from './mariadb-profile.js';
import type { DashboardProfiler } from './profiler.js';
import { SINGLESTORE_SQL } from './singlestore-server.js';

const SLOW_LOG_SQL = (thresholdMs: number) => `SET GLOBAL log_output = 'TABLE';
SET GLOBAL long_query_time = ${thresholdMs / 1000};
SET GLOBAL slow_query_log = 1;
-- ... the dashboard runs, on new connections (the threshold applies to sessions opened after it) ...
-- then each setting goes back to what it was
SELECT start_time, query_time, rows_examined, rows_sent, sql_text FROM mysql.slow_log WHERE db = DATABASE()`;

export const mariadbProfiler: DashboardProfiler = {
  async catchSlow(db, thresholdMs, work) {
    const { statements, settings } = await catchSlowQueries(db, thresholdMs, work);
    return {
      ran: [
        { note: 'SingleStore SQL, shown only: event traces do not exist in MariaDB.', sql: `${SINGLESTORE_SQL.dropTrace};\n${SINGLESTORE_SQL.createTrace(thresholdMs)}` },
        { note: 'The analog the kit runs on MariaDB: the slow query log, into a table:', sql: SLOW_LOG_SQL(thresholdMs) },
      ],
      caught: statements.filter((s) => s.query).map((s) => ({ query: s.query!, ms: s.ms, rowsExamined: s.rowsExamined, rowsSent: s.rowsSent })),
      // Each setting a row, its values as the server gives them (0/1, seconds, a word).
      settings: (['slow_query_log', 'long_query_time', 'log_output'] as const).map((name) => ({
        setting: name, before: String(settings.before[name]), during: String(settings.during[name]), after: String(settings.after[name]),
      })),
      settingsBefore: settings.before as unknown as Record<string, unknown>,
      recorded: [],
    };
  },

  async profile(db, query, params, table) {
    const a = await analyzeQuery(db, query, params, table);
    return {
      ran: [
        { note: 'SingleStore SQL, shown only. The analog the kit runs on MariaDB:', sql: `PROFILE ${query.sql(table)};\nPROFILE ${query.sql(table)};\nSHOW PROFILE JSON` },
        { note: '', sql: `ANALYZE FORMAT=JSON ${query.sql(table)}` },
      ],
      summary: {
        'read as': a.access, index: a.index ?? '(none)', 'rows read': a.rowsExamined, 'rows kept': a.rowsKept, 'reading ms': Math.round(a.readMs),
        'filtering and grouping ms': Math.round(a.otherMs), 'sorting ms': Math.round(a.sortMs), 'total ms': Math.round(a.totalMs), 'temporary table': a.temporaryTable ? 'yes' : 'no',
      },
      full: JSON.stringify(a.plan, null, 2),
      link: null,
      rowsRead: a.rowsExamined,
      rowsKept: a.rowsKept,
      readShare: a.totalMs > 0 ? a.readMs / a.totalMs : null,
      totalMs: a.totalMs,
    };
  },
};
