/**
 * A live view of the dashboard inside a notebook: every refresh runs the seven queries
 * in parallel (as Grafana's panels do) and redraws one HTML table in place, with each
 * query's latency against the refresh budget. When a refresh takes longer than the
 * budget, the next one starts late: that is the stall a 250 ms dashboard shows.
 */
import type { KitConfig } from './config.js';
import type { Pool } from './db.js';
import { DASHBOARD_QUERIES, timeQuery, type QueryParams } from './queries.js';

export interface LiveFrame {
  refresh: number;
  /** Wall time of the whole refresh (all panels), in ms. */
  refreshMs: number;
  latencies: { number: number; title: string; ms: number; value: string }[];
}

export interface LiveSummary {
  refreshes: number;
  /** Refreshes that took longer than the budget. */
  late: number;
  /** Refreshes a dashboard would have run in the same time at the budget's pace. */
  expected: number;
  worstMs: number;
  medianMs: number;
}

function summarise(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const first = rows[0]!;
  const values = Object.values(first).map((v) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(v)));
  return `${values.join(' · ')}${rows.length > 1 ? ` (+${rows.length - 1} rows)` : ''}`;
}

export function renderLiveFrame(frame: LiveFrame, budgetMs: number, table: string): string {
  const scale = Math.max(budgetMs * 2, ...frame.latencies.map((l) => l.ms));
  const rows = frame.latencies
    .map((l) => {
      const width = Math.max(1, Math.round((l.ms / scale) * 240));
      const color = l.ms <= budgetMs ? '#3a7' : '#d43';
      return `<tr><td>${l.number}</td><td>${l.title}</td><td style="text-align:right">${l.ms.toFixed(1)} ms</td>
<td><div style="width:${width}px;height:10px;background:${color}"></div></td><td>${l.value}</td></tr>`;
    })
    .join('\n');
  const status = frame.refreshMs <= budgetMs ? `<span style="color:#3a7">within the ${budgetMs} ms budget</span>` : `<span style="color:#d43"><b>late</b>: the dashboard stalls</span>`;
  return `<div><b>Refresh ${frame.refresh}</b> on <code>${table}</code>: all panels in ${frame.refreshMs.toFixed(0)} ms, ${status}
<table><thead><tr><th>#</th><th>panel</th><th>latency</th><th>vs ${budgetMs} ms</th><th>first row</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * Refreshes for `durationMs`, calling `render` with each frame's HTML (tslab's
 * `newDisplay().html` updates one output in place).
 */
export async function runLiveDashboard(
  pool: Pool,
  config: KitConfig,
  params: QueryParams,
  options: { table?: string; budgetMs?: number; durationMs: number; render: (html: string) => void },
): Promise<LiveSummary> {
  const budgetMs = options.budgetMs ?? config.workshop.refreshMs;
  const table = options.table ?? 'donation_transactions';
  const started = performance.now();
  const durations: number[] = [];
  let refresh = 0;
  while (performance.now() - started < options.durationMs) {
    const refreshStart = performance.now();
    refresh += 1;
    const results = await Promise.all(DASHBOARD_QUERIES.map((q) => timeQuery(pool, config.database, q, params, table)));
    const refreshMs = performance.now() - refreshStart;
    durations.push(refreshMs);
    options.render(
      renderLiveFrame(
        { refresh, refreshMs, latencies: results.map((r) => ({ number: r.query.number, title: r.query.title, ms: r.ms, value: summarise(r.rows) })) },
        budgetMs,
        table,
      ),
    );
    // The next refresh is due one budget after this one started; a late one starts at once.
    const wait = budgetMs - refreshMs;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    refreshes: durations.length,
    late: durations.filter((d) => d > budgetMs).length,
    expected: Math.floor(options.durationMs / budgetMs),
    worstMs: Math.round(sorted[sorted.length - 1] ?? 0),
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
  };
}
