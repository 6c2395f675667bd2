/**
 * The dashboard, live, inside a notebook: every refresh of measureDashboard redraws one
 * HTML table in place, with each panel's latency against the refresh budget. When a
 * refresh takes longer than the budget, the next one starts late: that is the stall a
 * 250 ms dashboard shows.
 */
import type { Database } from '../database/database.js';
import { measureDashboard, type MeasureOptions, type Refresh, type RefreshReport } from './refresh.js';

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The first row of a panel's result, as its panel would show it: the city, not its coordinates; amounts in EUR. */
export function firstRow(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const values = Object.entries(rows[0]!)
    // The coordinates are the city's, always the same: the panel shows the city.
    .filter(([column]) => !/latitude|longitude/.test(column))
    .map(([column, v]) => (typeof v === 'number' ? `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}${/amount/.test(column) ? ' EUR' : ''}` : String(v)));
  return `${values.join(' · ')}${rows.length > 1 ? ` (+${rows.length - 1} rows)` : ''}`;
}

const BAR_WIDTH = 240;

export function renderRefresh(refresh: Refresh, budgetMs: number, label: string, scaleMs?: number): string {
  // The bar column spans the scale given, fixed (two views one above the other share it, and
  // a longer bar stops at its end with »), or else twice the budget or the slowest panel.
  const scale = scaleMs ?? Math.max(budgetMs * 2, ...refresh.panels.map((p) => p.ms));
  const budgetAt = Math.round((budgetMs / scale) * BAR_WIDTH);
  const rows = refresh.panels
    .map((p) => {
      const width = Math.min(BAR_WIDTH, Math.max(1, Math.round((p.ms / scale) * BAR_WIDTH)));
      const beyond = p.ms > scale ? `<span style="position:absolute;left:${BAR_WIDTH + 3}px;top:-3px;font-size:12px">»</span>` : '';
      const color = p.ms <= budgetMs ? '#3a7' : '#d43';
      return `<tr><td>${p.number}</td><td>${escapeHtml(p.title)}</td><td style="text-align:right">${p.ms.toFixed(1)} ms</td>
<td><div style="position:relative;width:${BAR_WIDTH + 14}px;height:12px"><div style="width:${width}px;height:12px;background:${color}"></div><div style="position:absolute;left:${budgetAt}px;top:-2px;width:0;height:16px;border-left:2px dashed #333"></div>${beyond}</div></td><td>${escapeHtml(firstRow(p.rows))}</td></tr>`;
    })
    .join('\n');
  const status = refresh.withinBudget
    ? `<span style="color:#3a7">within the ${budgetMs} ms budget</span>`
    : `<span style="color:#d43"><b>late</b>: the dashboard stalls</span>`;
  return `<div><b>Refresh ${refresh.index}</b> on <code>${escapeHtml(label)}</code>: all ${refresh.panels.length} panels in ${refresh.durationMs.toFixed(1)} ms, ${status}
<table><thead><tr><th>#</th><th>panel</th><th>latency</th><th>dashed line: ${budgetMs} ms</th><th>first row</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Watches the dashboard for `durationMs`, redrawing through `render` (tslab's `newDisplay().html` updates one output in place). */
export function watchDashboard(
  db: Database,
  options: Omit<MeasureOptions, 'onRefresh' | 'refreshes'> & { durationMs: number; render: (html: string) => void; label?: string; scaleMs?: number },
): Promise<RefreshReport> {
  const label = options.label ?? options.table ?? 'donation_transactions';
  return measureDashboard(db, { ...options, onRefresh: (refresh) => options.render(renderRefresh(refresh, options.budgetMs, label, options.scaleMs)) });
}
