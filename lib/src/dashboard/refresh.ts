/**
 * The one way the kit measures a dashboard, used by the lessons' tables, the live views
 * and `npm run bench`: a refresh runs the seven panel queries at once, as Grafana runs a
 * dashboard's panels, for one campaign. One refresh is due every budget; when one runs
 * late, the next starts as soon as it ends (Grafana does not stack refreshes). Times are
 * taken from the client, as the dashboard sees them.
 */
import type { Database } from '../database/database.js';
import { KitError } from '../errors.js';
import { operationSignal, sleep } from '../interrupt.js';
import { DASHBOARD_QUERIES, timeQuery, type DashboardQuery } from './queries.js';

export interface PanelTiming {
  number: number;
  key: string;
  title: string;
  ms: number;
  rows: Record<string, unknown>[];
}

export interface Refresh {
  /** 1 for the first measured refresh. */
  index: number;
  /** When it started, from the start of the measure. */
  startedAtMs: number;
  /** How much later than its slot it started, because the previous refresh overran. */
  startDelayMs: number;
  /** From the first query sent to the last answer received. */
  durationMs: number;
  withinBudget: boolean;
  panels: PanelTiming[];
}

export interface PanelLatency {
  number: number;
  key: string;
  title: string;
  p50Ms: number;
  p95Ms: number;
}

export interface RefreshReport {
  table: string | undefined;
  campaignId: number;
  budgetMs: number;
  /** Refreshes measured (warm-up excluded). */
  refreshes: number;
  /** How long the measure ran, warm-up excluded: from the first refresh's start to the last one's end. */
  elapsedMs: number;
  /** Refreshes a dashboard would have run in that time at the budget's pace. */
  expected: number;
  /** Refreshes that took longer than the budget. */
  late: number;
  p50Ms: number;
  p95Ms: number;
  worstMs: number;
  perPanel: PanelLatency[];
  /** Each refresh's duration and panel times, without rows. */
  timings: { durationMs: number; startDelayMs: number; panelMs: Record<string, number> }[];
}

/**
 * How many refreshes the lessons and the bench time: up to 20, for at most 10 seconds (a
 * slow table gets fewer, each taking seconds), after one warm-up refresh.
 */
export const LESSON_REFRESHES = { refreshes: 20, durationMs: 10_000 } as const;

export interface MeasureOptions {
  campaignId: number;
  /** The donations table (default donation_transactions). */
  table?: string;
  /** The dashboard's refresh interval: the budget of one full refresh. */
  budgetMs: number;
  /** Stop after this many refreshes... */
  refreshes?: number;
  /** ...or after this long (whichever comes first; at least one refresh runs). */
  durationMs?: number;
  /** One unmeasured refresh first, so that caches are as warm as on a dashboard left open (default true). */
  warmUp?: boolean;
  /** The panels' queries (default the seven). */
  queries?: readonly DashboardQuery[];
  signal?: AbortSignal;
  /** Called after each measured refresh (the live view redraws from it). */
  onRefresh?: (refresh: Refresh) => void;
}

/** One full refresh: every panel's query at once. */
export async function refreshOnce(db: Database, campaignId: number, options: { table?: string; queries?: readonly DashboardQuery[] } = {}): Promise<{ durationMs: number; panels: PanelTiming[] }> {
  const started = performance.now();
  const results = await Promise.all((options.queries ?? DASHBOARD_QUERIES).map((query) => timeQuery(db, query, { campaignId }, options.table)));
  return {
    durationMs: round(performance.now() - started),
    panels: results.map((r) => ({ number: r.query.number, key: r.query.key, title: r.query.title, ms: round(r.ms), rows: r.rows })),
  };
}

export async function measureDashboard(db: Database, options: MeasureOptions): Promise<RefreshReport> {
  const { budgetMs } = options;
  const queries = options.queries ?? DASHBOARD_QUERIES;
  if (!Number.isSafeInteger(budgetMs) || budgetMs < 1) throw new KitError(`measureDashboard: budgetMs must be a whole number >= 1, not ${budgetMs}`);
  if (options.refreshes === undefined && options.durationMs === undefined) throw new KitError('measureDashboard: give refreshes or durationMs, or it would never stop');
  if (queries.length === 0) throw new KitError('measureDashboard: no queries to run: leave `queries` out to run the seven dashboard queries');
  const stop = operationSignal(`the dashboard measure on ${options.table ?? 'donation_transactions'}`, options.signal);
  const refreshes: Refresh[] = [];
  try {
    if (options.warmUp ?? true) await refreshOnce(db, options.campaignId, { table: options.table, queries });
    const origin = performance.now();
    const elapsed = () => performance.now() - origin;
    for (let index = 0; ; index++) {
      if (options.refreshes !== undefined && index >= options.refreshes) break;
      if (options.durationMs !== undefined && index > 0 && elapsed() >= options.durationMs) break;
      if (stop.signal?.aborted) break;
      const slotMs = index * budgetMs;
      // Timers count whole milliseconds and may wake a little early: wait again until the slot.
      for (let waitMs = slotMs - elapsed(); waitMs > 0; waitMs = slotMs - elapsed()) {
        await sleep(Math.ceil(waitMs), stop.signal).catch(() => undefined);
        if (stop.signal?.aborted) break;
      }
      if (stop.signal?.aborted) break;
      const startedAtMs = elapsed();
      const { durationMs, panels } = await refreshOnce(db, options.campaignId, { table: options.table, queries });
      const refresh: Refresh = {
        index: index + 1,
        startedAtMs: round(startedAtMs),
        startDelayMs: round(Math.max(0, startedAtMs - slotMs)),
        durationMs,
        withinBudget: durationMs <= budgetMs,
        panels,
      };
      refreshes.push(refresh);
      options.onRefresh?.(refresh);
    }
    return summarise(options, refreshes, queries, elapsed());
  } finally {
    stop.done();
  }
}

function summarise(options: MeasureOptions, refreshes: Refresh[], queries: readonly DashboardQuery[], elapsedMs: number): RefreshReport {
  const durations = refreshes.map((r) => r.durationMs);
  return {
    table: options.table,
    campaignId: options.campaignId,
    budgetMs: options.budgetMs,
    refreshes: refreshes.length,
    elapsedMs: round(elapsedMs),
    expected: Math.max(refreshes.length, Math.floor(elapsedMs / options.budgetMs)),
    late: refreshes.filter((r) => !r.withinBudget).length,
    p50Ms: round(percentile(durations, 50)),
    p95Ms: round(percentile(durations, 95)),
    worstMs: round(Math.max(0, ...durations)),
    perPanel: queries.map((query) => {
      const times = refreshes.map((r) => r.panels.find((p) => p.key === query.key)!.ms);
      return { number: query.number, key: query.key, title: query.title, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) };
    }),
    timings: refreshes.map((r) => ({ durationMs: r.durationMs, startDelayMs: r.startDelayMs, panelMs: Object.fromEntries(r.panels.map((p) => [p.key, p.ms])) })),
  };
}

/**
 * The p-th percentile (0..100) with linear interpolation between the two nearest ranks,
 * as numpy's default; NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new KitError(`percentile: ${p} is not between 0 and 100`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
