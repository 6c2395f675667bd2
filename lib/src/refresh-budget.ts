/**
 * Does the dashboard keep up? A full refresh is the seven queries, at most `concurrency`
 * in flight as a browser sends a dashboard's panels; one refresh starts every `refreshMs`,
 * or as soon as the previous one ends when that one ran late (Grafana does not stack
 * refreshes). Measured from the client, as the dashboard sees it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseConfig } from './config.js';
import type { Pool } from './db.js';
import { KitError } from './errors.js';
import { DASHBOARD_QUERIES, timeQuery, type DashboardQuery } from './queries.js';

export interface RefreshBudgetOptions {
  campaignId: number;
  /** The donations table (default donation_transactions). */
  table?: string;
  /** The dashboard's refresh interval: the budget of one full refresh. */
  refreshMs: number;
  /** Queries in flight at once within a refresh. */
  concurrency: number;
  /** How many full refreshes to run. */
  refreshes: number;
  /** The panels' queries (default the seven). */
  queries?: readonly DashboardQuery[];
}

export interface RefreshTiming {
  /** When the refresh started, from the start of the measure. */
  startedAtMs: number;
  /** How much later than its slot it started, because the previous refresh overran. */
  startDelayMs: number;
  /** From the first query sent to the last answer received. */
  durationMs: number;
  withinBudget: boolean;
  /** Each query's time in this refresh, by query key. */
  queryMs: Record<string, number>;
}

export interface QueryBudget {
  number: number;
  key: string;
  title: string;
  p50Ms: number;
  p95Ms: number;
}

export interface RefreshBudgetReport {
  refreshMs: number;
  concurrency: number;
  refreshes: RefreshTiming[];
  /** Refreshes that finished within refreshMs. */
  withinBudget: number;
  p50Ms: number;
  p95Ms: number;
  perQuery: QueryBudget[];
}

export async function measureRefreshBudget(pool: Pool, config: DatabaseConfig, options: RefreshBudgetOptions): Promise<RefreshBudgetReport> {
  const { campaignId, table, refreshMs, concurrency, refreshes } = options;
  const queries = options.queries ?? DASHBOARD_QUERIES;
  requireWhole('refreshMs', refreshMs);
  requireWhole('concurrency', concurrency);
  requireWhole('refreshes', refreshes);
  if (queries.length === 0) throw new KitError('measureRefreshBudget: no queries to run: leave `queries` out to run the seven dashboard queries');

  const timings: RefreshTiming[] = [];
  const origin = performance.now();
  for (let index = 0; index < refreshes; index++) {
    const slotMs = index * refreshMs;
    // Timers count whole milliseconds from a cached clock and may wake a little early: wait again until the slot.
    for (let waitMs = slotMs - (performance.now() - origin); waitMs > 0; waitMs = slotMs - (performance.now() - origin)) {
      await sleep(Math.ceil(waitMs));
    }
    const startedAt = performance.now();
    const results = await mapWithConcurrency(queries, concurrency, (query) => timeQuery(pool, config, query, { campaignId }, table));
    const durationMs = round(performance.now() - startedAt);
    timings.push({
      startedAtMs: round(startedAt - origin),
      startDelayMs: round(Math.max(0, startedAt - origin - slotMs)),
      durationMs,
      withinBudget: durationMs <= refreshMs,
      queryMs: Object.fromEntries(results.map((r) => [r.query.key, round(r.ms)])),
    });
  }

  const durations = timings.map((t) => t.durationMs);
  return {
    refreshMs,
    concurrency,
    refreshes: timings,
    withinBudget: timings.filter((t) => t.withinBudget).length,
    p50Ms: round(percentile(durations, 50)),
    p95Ms: round(percentile(durations, 95)),
    perQuery: queries.map((query) => {
      const times = timings.map((t) => t.queryMs[query.key]!);
      return { number: query.number, key: query.key, title: query.title, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) };
    }),
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

/** Runs `task` on every item, at most `limit` at once; results keep the items' order. */
async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function requireWhole(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new KitError(`measureRefreshBudget: ${name} must be a whole number >= 1, not ${value}`);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
