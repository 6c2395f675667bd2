/**
 * The dashboard, live, inside a notebook: every refresh of measureDashboard redraws one
 * HTML table in place, with each panel's latency against the refresh budget. When a
 * refresh takes longer than the budget, the next one starts late: that is the stall a
 * 250 ms dashboard shows.
 */
import type { Database } from '../database/database.js';
import { measureDashboard, type MeasureOptions, type Refresh, type RefreshReport } from './refresh.js';

/** `3,340.2 ms`: one decimal, thousands separated, as the lessons' tables print them. */
const formatMs = (ms: number) => `${ms.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;

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

/** The bar track, in pixels, and the room after it for a value printed beside a bar. */
const TRACK_PX = 240;
const LABEL_ROOM_PX = 64;
const LABEL_FONT_PX = 11;
/** A printed value's width, over-estimated (0.6 em a character). */
const labelWidth = (text: string) => text.length * LABEL_FONT_PX * 0.6;
/** The thinnest bar drawn: a panel faster than the scale's start still shows one. */
const MIN_BAR_PX = 2;

/** Milliseconds as a tick says them: 0.1 ms, 10 ms, 1 s. */
const tickText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toLocaleString('en-US')} s` : `${ms.toLocaleString('en-US', { maximumFractionDigits: 3 })} ms`);

/**
 * Where a panel's bar ends, on a log scale from three decades below the budget's power of ten
 * (0.1 ms for 250 ms) to `scaleMs`: a fixed scale several seconds long still gives a 5 ms panel
 * a bar of its own, and a 0.5 ms one, instead of the 0 to 6 px a linear scale draws them. Each
 * decade is as wide as the next, so that bars compare by ratio: ×10 is one decade further.
 */
export function refreshScale(budgetMs: number, scaleMs: number): { fromMs: number; toMs: number; at: (ms: number) => number; ticks: number[] } {
  const fromMs = 10 ** (Math.floor(Math.log10(Math.max(budgetMs, 1e-3))) - 3);
  const toMs = Math.max(scaleMs, fromMs * 10);
  const span = Math.log10(toMs / fromMs);
  const at = (ms: number) => (ms <= fromMs ? 0 : Math.min(TRACK_PX, (Math.log10(ms / fromMs) / span) * TRACK_PX));
  const ticks = Array.from({ length: Math.floor(span) + 1 }, (_, i) => fromMs * 10 ** i);
  return { fromMs, toMs, at, ticks };
}

export function renderRefresh(refresh: Refresh, budgetMs: number, label: string, scaleMs?: number): string {
  // The bar column spans the scale given, fixed (two views one above the other share it, and
  // a longer bar stops at its end with »), or else twice the budget or the slowest panel.
  const scale = refreshScale(budgetMs, scaleMs ?? Math.max(budgetMs * 2, ...refresh.panels.map((p) => p.ms)));
  const budgetAt = Math.round(scale.at(budgetMs));
  const grid = scale.ticks.map((t) => `<div style="position:absolute;left:${Math.round(scale.at(t))}px;top:0;width:0;height:14px;border-left:1px solid #ddd"></div>`).join('');
  const rows = refresh.panels
    .map((p) => {
      const width = Math.max(MIN_BAR_PX, Math.round(scale.at(p.ms)));
      const color = p.ms <= budgetMs ? '#3a7' : '#d43';
      // The value beside the bar; when the dashed line would cross it, just beyond the line.
      const text = `${p.ms > scale.toMs ? '» ' : ''}${formatMs(p.ms)}`;
      const after = width + 3;
      const crossed = after <= budgetAt + 2 && after + labelWidth(text) >= budgetAt - 1;
      const labelAt = crossed ? budgetAt + 5 : after;
      return `<tr><td>${p.number}</td><td>${escapeHtml(p.title)}</td>
<td><div style="position:relative;width:${TRACK_PX + LABEL_ROOM_PX}px;height:14px">${grid}<div style="position:absolute;left:0;top:1px;width:${width}px;height:12px;background:${color}"></div><div style="position:absolute;left:${budgetAt}px;top:-2px;width:0;height:18px;border-left:2px dashed #333"></div><span style="position:absolute;left:${labelAt}px;top:0;font-size:${LABEL_FONT_PX}px;line-height:14px;white-space:nowrap;background:#fff;padding:0 1px">${text}</span></div></td><td>${escapeHtml(firstRow(p.rows))}</td></tr>`;
    })
    .join('\n');
  const ticks = scale.ticks.map((t) => `<span style="position:absolute;left:${Math.round(scale.at(t))}px;transform:translateX(-50%);white-space:nowrap">${tickText(t)}</span>`).join('');
  const axis = `<tr><td></td><td></td><td><div style="position:relative;width:${TRACK_PX + LABEL_ROOM_PX}px;height:14px;font-size:10px;color:#666">${ticks}</div></td><td></td></tr>`;
  const status = refresh.withinBudget
    ? `<span style="color:#3a7">within the ${budgetMs} ms budget</span>`
    : `<span style="color:#d43"><b>late</b> by ${formatMs(refresh.durationMs - budgetMs)}: the next refresh waits</span>`;
  return `<div><b>Refresh ${refresh.index}</b> on <code>${escapeHtml(label)}</code>: all ${refresh.panels.length} panels in ${formatMs(refresh.durationMs)}, ${status}
<table><thead><tr><th>#</th><th>panel</th><th style="text-align:left">latency, log scale; dashed line: ${budgetMs} ms</th><th>first row</th></tr></thead><tbody>${rows}
${axis}</tbody></table></div>`;
}

/** Watches the dashboard for `durationMs`, redrawing through `render` (tslab's `newDisplay().html` updates one output in place). */
export function watchDashboard(
  db: Database,
  options: Omit<MeasureOptions, 'onRefresh' | 'refreshes'> & { durationMs: number; render: (html: string) => void; label?: string; scaleMs?: number },
): Promise<RefreshReport> {
  const label = options.label ?? options.table ?? 'donation_transactions';
  return measureDashboard(db, { ...options, onRefresh: (refresh) => options.render(renderRefresh(refresh, options.budgetMs, label, options.scaleMs)) });
}
