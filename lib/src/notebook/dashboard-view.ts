/**
 * The provisioned Grafana dashboard, drawn in a notebook for attendees without Docker:
 * every panel of grafana/dashboards/donations.json at its place on Grafana's 24-column
 * grid, running its own SQL (expanded as Grafana expands it) on this run's data. Stat,
 * table, geomap and bar chart panels are drawn as their Grafana kinds show them.
 */
import type { Database } from '../database/database.js';
import { TOTALS_PANEL_SOURCES } from '../aggregates/grafana.js';
import { KitError } from '../errors.js';
import { CAMPAIGN_VARIABLE, TABLE_VARIABLE, expandGrafanaSql, type GrafanaPanelSource } from '../dashboard/grafana-sql.js';
import { barChart, cityMap, type CityAmount } from './charts.js';
import { escapeHtml, formatEur, htmlTable } from './html.js';

interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  options?: { xField?: string };
  targets?: { rawSql?: string }[];
}

export interface GrafanaDashboardJson {
  title: string;
  refresh?: string;
  panels?: GrafanaPanel[];
}

/** Grafana's grid: 24 columns; a row unit is 30 px plus an 8 px gap. */
const COLUMN_PX = 40;
const ROW_PX = 38;


export interface DashboardView {
  html: string;
  /** Each panel's title, its query time and its rows, for the notebook's text and checks. */
  panels: { id: number; title: string; ms: number; rows: Record<string, unknown>[] }[];
}

/**
 * Runs every panel's SQL for one campaign and table, and lays the panels out as Grafana does.
 * `sources`: what the dashboard composed beside the row tables (default: the kit's, lesson 09's totals).
 */
export async function renderGrafanaDashboard(
  db: Database,
  dashboard: GrafanaDashboardJson,
  options: { campaignId: number; table: string; label?: string; sources?: readonly GrafanaPanelSource[] },
): Promise<DashboardView> {
  const panels = dashboard.panels ?? [];
  if (panels.length === 0) throw new KitError('the dashboard JSON has no panels: regenerate it with `npm run dashboards`');
  // Every panel names each source's tables too (its Table variable picks which half answers).
  for (const source of options.sources ?? TOTALS_PANEL_SOURCES) await source.ensureTables(db);
  const now = new Date();
  const drawn = await Promise.all(
    panels.map(async (panel) => {
      const rawSql = panel.targets?.[0]?.rawSql;
      if (!rawSql) throw new KitError(`panel ${panel.id} (${panel.title}) has no SQL: regenerate the dashboard with \`npm run dashboards\``);
      const sql = expandGrafanaSql(rawSql, {
        variables: { [CAMPAIGN_VARIABLE]: options.campaignId, [TABLE_VARIABLE]: options.table },
        timeRange: { from: new Date(now.getTime() - 5 * 60_000), to: now },
      });
      const started = performance.now();
      const rows = await db.query(sql);
      const ms = performance.now() - started;
      return { panel, rows, ms, body: await panelBody(panel, rows) };
    }),
  );
  const height = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h)) * ROW_PX;
  const boxes = drawn
    .map(({ panel, body, ms }) => {
      const { x, y, w, h } = panel.gridPos;
      return `<div style="position:absolute;left:${x * COLUMN_PX}px;top:${y * ROW_PX}px;width:${w * COLUMN_PX - 8}px;height:${h * ROW_PX - 8}px;background:#181b1f;border:1px solid #2c3235;border-radius:3px;overflow:hidden;color:#ccccdc;font-family:sans-serif">
<div style="display:flex;justify-content:space-between;gap:6px;padding:4px 8px;font-size:13px;font-weight:600"><span>${escapeHtml(panel.title)}</span><span style="font-weight:400;color:#8e8e8e;white-space:nowrap">${Math.round(ms).toLocaleString('en-US')} ms</span></div>
<div style="padding:0 8px;height:calc(100% - 28px);overflow:hidden">${body}</div></div>`;
    })
    .join('\n');
  const header = `<div style="font-family:sans-serif;color:#ccccdc;background:#111217;padding:6px 8px;font-size:13px">
<b>${escapeHtml(dashboard.title)}</b> &nbsp; Campaign <code>${options.campaignId}</code> &nbsp; Table <code>${escapeHtml(options.label ?? options.table)}</code> &nbsp; refresh ${escapeHtml(dashboard.refresh ?? '')}</div>`;
  const html = `<div style="background:#111217;padding:4px;width:${24 * COLUMN_PX + 8}px">${header}<div style="position:relative;height:${height}px;margin-top:8px">${boxes}</div></div>`;
  return { html, panels: drawn.map(({ panel, rows, ms }) => ({ id: panel.id, title: panel.title, ms, rows })) };
}

async function panelBody(panel: GrafanaPanel, rows: Record<string, unknown>[]): Promise<string> {
  const unit = panel.fieldConfig?.defaults?.unit;
  const format = (value: unknown) => (typeof value !== 'number' ? String(value ?? '') : unit === 'currencyEUR' ? formatEur(value) : value.toLocaleString('en-US'));
  // The panel's body: its box less the border, the title line and the padding.
  const bodyWidth = panel.gridPos.w * COLUMN_PX - 26;
  const bodyHeight = panel.gridPos.h * ROW_PX - 44;
  switch (panel.type) {
    case 'stat': {
      const value = rows[0] ? Object.values(rows[0])[0] : undefined;
      return `<div style="font-size:26px;font-weight:500;color:#73bf69;text-align:center;margin-top:34px">${escapeHtml(format(value ?? 0))}</div>`;
    }
    case 'table':
      return `<div style="font-size:12px;background:white;color:black;padding:2px">${htmlTable(rows, { maxRows: 5 })}</div>`;
    case 'geomap':
      return `<div style="background:white;width:${bodyWidth}px;height:${bodyHeight}px">${await cityMap(rows as unknown as CityAmount[], { width: bodyWidth, height: bodyHeight })}</div>`;
    case 'barchart': {
      const label = panel.options?.xField ?? Object.keys(rows[0] ?? {})[0] ?? 'label';
      if (rows.length === 0) return '<div style="margin-top:40px;text-align:center;color:#8e8e8e">No data</div>';
      const data = rows.map((r) => ({ label: String(r[label]), value: Number(Object.values(r).find((v) => typeof v === 'number') ?? 0) }));
      // Bars fill the panel as Grafana's do: the chart, its labels and axis included, fits the body; each bar shows its value.
      return `<div style="background:white;width:${bodyWidth}px;height:${bodyHeight}px">${await barChart(data, { title: '', valueTitle: 'EUR', width: bodyWidth, height: bodyHeight, fit: true, labels: true, format: ',.0f' })}</div>`;
    }
    default:
      return `<div>panel type ${escapeHtml(panel.type)} is not drawn here</div>`;
  }
}
