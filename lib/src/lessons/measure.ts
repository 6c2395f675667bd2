/**
 * Layouts measured side by side, so that a comparison holds on a busy laptop: the layouts
 * take turns, round after round, so whatever else the machine runs slows each of them
 * alike, and every layout gets the same number of rounds. A slow layout runs one refresh a
 * round, a fast one a few (they cost little): the counts are stated with every figure.
 */
import type { Database } from '../database/database.js';
import { DASHBOARD_QUERIES, type DashboardQuery } from '../dashboard/queries.js';
import { measureDashboard, percentile, refreshOnce, type RefreshReport } from '../dashboard/refresh.js';

export interface Contender {
  key: string;
  /** How the lesson names it on screen. */
  label: string;
  /** The donations table its panels read (default the naive one). */
  table?: string;
  /** Its panels' queries (default the seven). */
  queries?: readonly DashboardQuery[];
}

export interface Measured extends Contender {
  report: RefreshReport;
  /** Panels that answered no rows (an empty window): their times measure finding nothing. */
  emptyPanels: string[];
}

export interface SideBySideOptions {
  campaignId: number;
  budgetMs: number;
  /** Rounds of turns (default 5). */
  rounds?: number;
  /** Refreshes per turn for a layout whose last refresh fit the budget (default 4). */
  fastRefreshes?: number;
  onProgress?: (line: string) => void;
}

export async function measureSideBySide(db: Database, contenders: readonly Contender[], options: SideBySideOptions): Promise<Measured[]> {
  const rounds = options.rounds ?? 5;
  const turns = new Map<string, RefreshReport[]>(contenders.map((c) => [c.key, []]));
  const lastMs = new Map<string, number>();
  const empty = new Map<string, string[]>();
  // One unmeasured refresh each first: caches as warm as on a dashboard left open.
  for (const c of contenders) {
    options.onProgress?.(`warming up ${c.label}...`);
    const warm = await refreshOnce(db, options.campaignId, { table: c.table, queries: c.queries });
    lastMs.set(c.key, warm.durationMs);
    empty.set(c.key, warm.panels.filter((p) => p.rows.length === 0).map((p) => p.key));
  }
  for (let round = 1; round <= rounds; round++) {
    for (const c of contenders) {
      options.onProgress?.(`round ${round} of ${rounds}: ${c.label}`);
      const refreshes = lastMs.get(c.key)! <= options.budgetMs ? (options.fastRefreshes ?? 4) : 1;
      const turn = await measureDashboard(db, { campaignId: options.campaignId, table: c.table, queries: c.queries, budgetMs: options.budgetMs, refreshes, warmUp: false });
      turns.get(c.key)!.push(turn);
      lastMs.set(c.key, turn.p50Ms);
    }
  }
  options.onProgress?.('');
  return contenders.map((c) => ({ ...c, report: mergeReports(turns.get(c.key)!, c.queries ?? DASHBOARD_QUERIES), emptyPanels: empty.get(c.key)! }));
}

/** Several measures of one layout as one: every refresh counted once. */
export function mergeReports(reports: readonly RefreshReport[], queries: readonly DashboardQuery[]): RefreshReport {
  const first = reports[0]!;
  const timings = reports.flatMap((r) => r.timings);
  const durations = timings.map((t) => t.durationMs);
  const sum = (pick: (r: RefreshReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  return {
    table: first.table,
    campaignId: first.campaignId,
    budgetMs: first.budgetMs,
    refreshes: timings.length,
    elapsedMs: round(sum((r) => r.elapsedMs)),
    expected: sum((r) => r.expected),
    late: sum((r) => r.late),
    p50Ms: round(percentile(durations, 50)),
    p95Ms: round(percentile(durations, 95)),
    worstMs: round(Math.max(0, ...durations)),
    perPanel: queries.map((q) => {
      const times = timings.map((t) => t.panelMs[q.key]!);
      return { number: q.number, key: q.key, title: q.title, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) };
    }),
    timings,
  };
}

/**
 * The upper figure a report can honestly state: the p95 from 20 refreshes on, else the
 * slowest of the few (a p95 of five refreshes is only the slowest under another name).
 */
export function upperFigure(report: RefreshReport): { label: string; ms: number } {
  return report.refreshes >= 20 ? { label: 'p95', ms: report.p95Ms } : { label: `slowest of ${report.refreshes}`, ms: report.worstMs };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
