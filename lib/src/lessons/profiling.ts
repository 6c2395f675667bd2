/**
 * Lesson 06's steps: catch the panels over 200 ms while the dashboard refreshes, then see
 * where the slowest one spends its time. The target does the catching and the profiling
 * (SingleStore's trace and PROFILE, or MariaDB's analog) and says what it ran; these steps
 * show it the same way on both.
 */
import { availableParallelism } from 'node:os';
import { openDatabase } from '../database/database.js';
import { DASHBOARD_QUERIES, type DashboardQuery } from '../dashboard/queries.js';
import { measureDashboard, percentile } from '../dashboard/refresh.js';
import { htmlTable, sqlBlock } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import type { CaughtPanel, QueryProfileView, ShownStatement } from '../targets/profiler.js';
import { folded, type Block, type Shown } from './screen.js';
import type { SharedCampaign } from './shared.js';
import { count, ms } from './verdict.js';

export interface SlowPanels extends Shown {
  refreshes: number;
  caught: CaughtPanel[];
  /** The server's settings the catch changed, before it changed them (put back after). */
  settingsBefore?: Record<string, unknown>;
}

const statementBlocks = (ran: readonly ShownStatement[]): Block[] => ran.map((s) => ({ markdown: sqlBlock(`${s.sql.trim()};`, s.note || undefined) }));

/** A few refreshes of the dashboard, on connections of their own, with every query over `thresholdMs` caught. */
export async function catchSlowPanels(lesson: Lesson, shared: SharedCampaign, options: { thresholdMs?: number; refreshes?: number } = {}): Promise<SlowPanels> {
  const thresholdMs = options.thresholdMs ?? 200;
  const refreshes = options.refreshes ?? 3;
  const budgetMs = lesson.config.workshop.refreshMs;
  const catched = await lesson.target.profiler.catchSlow(lesson.db, thresholdMs, async () => {
    const dashboard = openDatabase(lesson.config.database);
    try {
      await measureDashboard(dashboard, { campaignId: shared.campaignId, budgetMs, refreshes, warmUp: false });
    } finally {
      await dashboard.close();
    }
  });
  const blocks: (Block | string)[] = statementBlocks(catched.ran);
  if (catched.settings.length) {
    blocks.push({ html: htmlTable(catched.settings.map((s) => ({ setting: s.setting, before: s.before, 'while profiling': s.during, after: s.after })), { caption: "The server's slow-log settings, read from it each time: settings put back as they were" }) });
  }
  if (catched.recorded.length) blocks.push({ html: htmlTable(catched.recorded, { caption: 'What the server recorded' }) });
  if (catched.caught.length || catched.settings.length) {
    const byPanel = DASHBOARD_QUERIES.map((query) => {
      const hits = catched.caught.filter((c) => c.query.key === query.key);
      return {
        panel: `Q${query.number} ${query.title}`, caught: `${hits.length} of ${refreshes}`,
        'median ms': hits.length ? Math.round(percentile(hits.map((h) => h.ms), 50)) : null,
        'worst ms': hits.length ? Math.round(Math.max(...hits.map((h) => h.ms))) : null,
        'rows read': hits[0]?.rowsExamined ?? null, 'rows returned': hits[0]?.rowsSent ?? null,
      };
    });
    const crossed = byPanel.filter((p) => p['median ms'] !== null);
    blocks.push(
      { html: htmlTable(byPanel, { caption: `The panel queries over ${thresholdMs} ms during ${refreshes} refreshes` }) },
      `${crossed.length} of 7 panels crossed ${thresholdMs} ms; ${crossed.filter((p) => p['median ms']! > budgetMs).length} took longer than the ${budgetMs} ms refresh, with the seven running at once.`,
      { markdown: "_Rows read_ is what the server counted as examined: it counts the rows of the temporary table a grouping query builds too, so it can be a little more than the rows in the table." },
    );
    const missed = byPanel.filter((p) => p['median ms'] !== null && !p.caught.startsWith(`${refreshes} `));
    if (missed.length) blocks.push(`${missed.map((p) => p.panel.split(' ')[0]).join(', ')} caught in fewer refreshes than ran: a panel just under ${thresholdMs} ms in one refresh is not caught in it, and MariaDB's slow-log table can miss a statement when several finish at the same moment.`);
    const emptied = byPanel.filter((p) => p['rows returned'] === 0);
    if (emptied.length) blocks.push(`${emptied.map((p) => p.panel.split(' ')[0]).join(', ')} returned no rows: its window of the last seconds had emptied since the last live part, yet it read the whole table to find that out.`);
  }
  return { refreshes, caught: catched.caught, settingsBefore: catched.settingsBefore, blocks };
}

export interface SlowestProfile extends Shown {
  query: DashboardQuery;
  profile: QueryProfileView;
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
  const profile = await lesson.target.profiler.profile(lesson.db, query, { campaignId: shared.campaignId });
  const blocks: (Block | string)[] = [
    { markdown: sqlBlock(`EXPLAIN ${query.sql()}`, `Query ${query.number}, ${query.title}:`) },
    // A rows column is the optimizer's estimate, from sampled statistics, not a count.
    { html: htmlTable(plan.map((row) => ('rows' in row && row.rows !== null ? { ...row, rows: Number(row.rows) } : row)), {
      caption: `The plan (a rows column is the optimizer's estimate of the rows it reads; the table holds ${count(shared.tableRows)})`,
    }) },
    ...statementBlocks(profile.ran),
    folded('The profile in full, as the server returned it (the table below sums it up)', profile.full),
    { html: htmlTable([profile.summary], { caption: `The profile of query ${query.number}` }) },
  ];
  if (profile.link) blocks.push({ html: `<a href="${profile.link}" target="_blank">Open this profile in SingleStore Visual Explain</a>` });
  if (profile.rowsRead !== null && profile.rowsKept !== null && profile.readShare !== null) {
    blocks.push(`Query ${query.number} read ${count(profile.rowsRead)} rows to keep ${count(profile.rowsKept)} (${((profile.rowsKept / Math.max(1, profile.rowsRead)) * 100).toFixed(0)}%): ` +
      `${(profile.readShare * 100).toFixed(0)}% of its time went to reading rows, ${((1 - profile.readShare) * 100).toFixed(0)}% to filtering, grouping and sorting them.`);
  }
  if (duringMs.length && profile.totalMs !== null) {
    const median = percentile(duringMs, 50);
    blocks.push(`Alone, query ${query.number} took ${ms(profile.totalMs)}; during the refreshes it took ${ms(median)} (median), ${(median / Math.max(1, profile.totalMs)).toFixed(1)} times as long: ` +
      `the seven panels of a refresh share the server's cores (${availableParallelism()} on this machine), so each waits its turn.`);
  }
  return { query, profile, blocks };
}
