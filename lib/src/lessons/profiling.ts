/**
 * Lesson 06's steps: catch the panels over 200 ms while the dashboard refreshes, then see
 * where the slowest one spends its time. SingleStore runs its event trace and PROFILE;
 * MariaDB runs the analog (the slow query log, ANALYZE FORMAT=JSON), and the step shows
 * the statements that really run.
 */
import { availableParallelism } from 'node:os';
import { openDatabase } from '../database/database.js';
import { SINGLESTORE_SQL, profileQuery, slowQueryEvents, startSlowQueryTrace } from '../targets/singlestore-server.js';
import { DONATIONS_TABLE } from '../database/schema.js';
import { analyzeQuery, catchSlowQueries, type QueryAnalysis } from '../targets/mariadb-profile.js';
import { DASHBOARD_QUERIES, type DashboardQuery } from '../dashboard/queries.js';
import { measureDashboard, percentile } from '../dashboard/refresh.js';
import { htmlTable, sqlBlock } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import { folded, type Block, type Shown } from './screen.js';
import type { SharedCampaign } from './shared.js';
import { count, ms } from './verdict.js';

export interface CaughtPanel {
  query: DashboardQuery;
  ms: number;
  rowsExamined: number;
  rowsSent: number;
}

export interface SlowPanels extends Shown {
  refreshes: number;
  caught: CaughtPanel[];
  /** MariaDB: the slow-log settings before the lesson changed them (put back after). */
  settingsBefore?: Record<string, unknown>;
}

const MARIADB_SLOW_LOG = `SET GLOBAL log_output = 'TABLE';
SET GLOBAL long_query_time = 0.2;
SET GLOBAL slow_query_log = 1;
-- ... the dashboard runs, on new connections (the threshold applies to sessions opened after it) ...
-- then each setting goes back to what it was
SELECT start_time, query_time, rows_examined, rows_sent, sql_text FROM mysql.slow_log WHERE db = DATABASE();`;

/** A few refreshes of the dashboard, on connections of their own, with every query over `thresholdMs` caught. */
export async function catchSlowPanels(lesson: Lesson, shared: SharedCampaign, options: { thresholdMs?: number; refreshes?: number } = {}): Promise<SlowPanels> {
  const thresholdMs = options.thresholdMs ?? 200;
  const refreshes = options.refreshes ?? 3;
  const budgetMs = lesson.config.workshop.refreshMs;
  const runDashboard = async () => {
    const dashboard = openDatabase(lesson.config.database);
    try {
      await measureDashboard(dashboard, { campaignId: shared.campaignId, budgetMs, refreshes, warmUp: false });
    } finally {
      await dashboard.close();
    }
  };
  if (lesson.onSingleStore) {
    const ran = await startSlowQueryTrace(lesson.db, thresholdMs);
    await runDashboard();
    const events = await slowQueryEvents(lesson.db, { limit: 20, containing: DONATIONS_TABLE });
    return {
      refreshes, caught: [],
      blocks: [
        { markdown: sqlBlock(`${ran.join(';\n')};`, "Runs as shown (needs the trace privilege). On Helios the Query_completion trace is the one the portal's Query History reads: this sets its threshold for the whole workspace.") },
        { markdown: sqlBlock(SINGLESTORE_SQL.traceEvents.replace('?', '20')) },
        { html: htmlTable(events.map((e) => ({ time: e.time.toISOString(), details: JSON.stringify(e.details).slice(0, 300) }))) },
      ],
    };
  }
  const { statements, settings } = await catchSlowQueries(lesson.db, thresholdMs, runDashboard);
  const caught = statements.filter((s) => s.query).map((s) => ({ query: s.query!, ms: s.ms, rowsExamined: s.rowsExamined, rowsSent: s.rowsSent }));
  // Each setting is a row: its values read as the server gives them (0/1, seconds, a word).
  const settingRows = (['slow_query_log', 'long_query_time', 'log_output'] as const).map((name) => ({
    setting: name, before: String(settings.before[name]), 'while profiling': String(settings.during[name]), after: String(settings.after[name]),
  }));
  const byPanel = DASHBOARD_QUERIES.map((query) => {
    const hits = caught.filter((c) => c.query.key === query.key);
    return {
      panel: `Q${query.number} ${query.title}`, caught: `${hits.length} of ${refreshes}`,
      'median ms': hits.length ? Math.round(percentile(hits.map((h) => h.ms), 50)) : null,
      'worst ms': hits.length ? Math.round(Math.max(...hits.map((h) => h.ms))) : null,
      'rows read': hits[0]?.rowsExamined ?? null, 'rows returned': hits[0]?.rowsSent ?? null,
    };
  });
  const crossed = byPanel.filter((p) => p['median ms'] !== null);
  const late = crossed.filter((p) => p['median ms']! > budgetMs).length;
  const blocks: (Block | string)[] = [
    { markdown: sqlBlock(`${SINGLESTORE_SQL.dropTrace};\n${SINGLESTORE_SQL.createTrace(thresholdMs)};`, 'SingleStore SQL, shown only: event traces do not exist in MariaDB.') },
    { markdown: sqlBlock(MARIADB_SLOW_LOG.replace('0.2', String(thresholdMs / 1000)), 'The analog the kit runs on MariaDB: the slow query log, into a table:') },
    { html: htmlTable(settingRows, { caption: "The server's slow-log settings, read from it each time: settings put back as they were" }) },
    { html: htmlTable(byPanel, { caption: `mysql.slow_log: the panel queries over ${thresholdMs} ms during ${refreshes} refreshes` }) },
    `${crossed.length} of 7 panels crossed ${thresholdMs} ms; ${late} took longer than the ${budgetMs} ms refresh, with the seven running at once.`,
    { markdown: "_Rows read_ is the server's `rows_examined`: it counts the rows of the temporary table a grouping query builds too, so it can be a little more than the rows in the table." },
  ];
  return { refreshes, caught, settingsBefore: settings.before as unknown as Record<string, unknown>, blocks };
}

export interface SlowestProfile extends Shown {
  query: DashboardQuery;
  analysis?: QueryAnalysis;
}

/** EXPLAIN, then a profile of the slowest panel caught (query 3 when none was). */
export function profileSlowest(lesson: Lesson, shared: SharedCampaign, slow: SlowPanels): Promise<SlowestProfile> {
  const slowest = [...slow.caught].sort((a, b) => b.ms - a.ms)[0];
  const query = slowest?.query ?? DASHBOARD_QUERIES[2]!;
  return profilePanel(lesson, shared, query, slow.caught.filter((c) => c.query.key === query.key).map((c) => c.ms));
}

/** EXPLAIN, then a profile of one panel's query run alone; `duringMs`, its times during the refreshes, to compare. */
export async function profilePanel(lesson: Lesson, shared: SharedCampaign, query: DashboardQuery, duringMs: readonly number[] = []): Promise<SlowestProfile> {
  const values = query.params({ campaignId: shared.campaignId });
  const plan = await lesson.db.query<Record<string, unknown>>(`EXPLAIN ${query.sql()}`, values);
  const blocks: (Block | string)[] = [
    { markdown: sqlBlock(`EXPLAIN ${query.sql()}`, `Query ${query.number}, ${query.title}:`) },
    // MariaDB's rows column is the optimizer's estimate, from sampled statistics, not a count.
    { html: htmlTable(plan.map((row) => ('rows' in row && row.rows !== null ? { ...row, rows: Number(row.rows) } : row)), {
      caption: lesson.onSingleStore ? 'The plan' : `The plan (rows: the optimizer's estimate of the rows it reads; the table holds ${count(shared.tableRows)})`,
    }) },
  ];
  if (lesson.onSingleStore) {
    const profile = await profileQuery(lesson.db, query.sql(), values);
    blocks.push({ markdown: sqlBlock(`${profile.statements.join(';\n')};`, 'Runs as shown, on one connection: a profile belongs to the session that ran it.') });
    blocks.push({ markdown: `\`\`\`json\n${profile.json.slice(0, 3000)}\n\`\`\`` });
    if (profile.ui) blocks.push({ html: `<a href="${profile.ui}" target="_blank">Open this profile in SingleStore Visual Explain</a>` });
    return { query, blocks };
  }
  const analysis = await analyzeQuery(lesson.db, query, { campaignId: shared.campaignId });
  const share = (part: number) => `${((part / Math.max(1, analysis.totalMs)) * 100).toFixed(0)}%`;
  blocks.push(
    { markdown: sqlBlock(`PROFILE ${query.sql()};\nPROFILE ${query.sql()};\nSHOW PROFILE JSON;`, 'SingleStore SQL, shown only. The analog the kit runs on MariaDB:') },
    { markdown: sqlBlock(`ANALYZE FORMAT=JSON ${query.sql()}`) },
    folded('What ANALYZE FORMAT=JSON returned, in full (the table below sums it up)', JSON.stringify(analysis.plan, null, 2)),
    { html: htmlTable([{
      'read as': analysis.access, index: analysis.index ?? '(none)', 'rows read': analysis.rowsExamined, 'rows kept': analysis.rowsKept,
      'reading ms': Math.round(analysis.readMs), 'filtering and grouping ms': Math.round(analysis.otherMs), 'sorting ms': Math.round(analysis.sortMs),
      'total ms': Math.round(analysis.totalMs), 'temporary table': analysis.temporaryTable ? 'yes' : 'no',
    }], { caption: `ANALYZE FORMAT=JSON, query ${query.number}` }) },
    `Query ${query.number} read ${count(analysis.rowsExamined)} rows to keep ${count(analysis.rowsKept)} (${((analysis.rowsKept / Math.max(1, analysis.rowsExamined)) * 100).toFixed(0)}%): ` +
      `${share(analysis.readMs)} of its time went to reading rows, ${share(analysis.otherMs)} to filtering and grouping them.`,
  );
  if (duringMs.length) {
    const median = percentile(duringMs, 50);
    blocks.push(`Alone, query ${query.number} took ${ms(analysis.totalMs)}; during the refreshes it took ${ms(median)} (median), ${(median / Math.max(1, analysis.totalMs)).toFixed(1)} times as long: ` +
      `the seven panels of a refresh share the server's cores (${availableParallelism()} on this machine), so each waits its turn.`);
  }
  return { query, analysis, blocks };
}
