/**
 * What the notebooks share beyond the domain code: one connection bundle, HTML tables,
 * SQL blocks, latency measurements and the figures the main job summarises. Lessons keep
 * the code they teach in their own cells; this holds only the plumbing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { describeConfig, findUp, loadConfig, type KitConfig } from './config.js';
import { createPool, ensureDatabase, type Pool } from './db.js';
import { createKafka } from './kafka.js';
import { DASHBOARD_QUERIES, timeQuery, type DashboardQuery, type QueryParams } from './queries.js';

export interface Workshop {
  config: KitConfig;
  kafka: Kafka;
  pool: Pool;
  /** SingleStore runs the real statement; MariaDB runs the kit's analog. */
  onSingleStore: boolean;
  close(): Promise<void>;
}

/** Config, Kafka client and database pool for one notebook; `close()` at its end. */
export async function openWorkshop(config: KitConfig = loadConfig()): Promise<Workshop> {
  await ensureDatabase(config.database);
  const pool = createPool(config.database);
  return {
    config,
    kafka: createKafka(config.kafka),
    pool,
    onSingleStore: config.database.target === 'singlestore',
    close: () => pool.end(),
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function cell(value: unknown, column: string): string {
  // Identifiers read better without thousands separators.
  if (typeof value === 'number' && /id$|Id$|port|offset|partition|seed/i.test(column)) return String(value);
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace(/\.000Z$/, 'Z');
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (value === null || value === undefined) return '<i>NULL</i>';
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value));
  return escapeHtml(String(value));
}

/** Rows as an HTML table (numbers right-aligned), at most `maxRows` of them. */
export function htmlTable(rows: readonly object[], options: { caption?: string; maxRows?: number } = {}): string {
  const list = rows as readonly Record<string, unknown>[];
  const shown = list.slice(0, options.maxRows ?? 50);
  const columns = [...new Set(shown.flatMap((row) => Object.keys(row)))];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map((row) => `<tr>${columns.map((c) => `<td style="text-align:${typeof row[c] === 'number' ? 'right' : 'left'}">${cell(row[c], c)}</td>`).join('')}</tr>`)
    .join('\n');
  const more = list.length > shown.length ? `<tr><td colspan="${columns.length}"><i>... ${list.length - shown.length} more rows</i></td></tr>` : '';
  const caption = options.caption ? `<caption style="caption-side:top;text-align:left"><b>${escapeHtml(options.caption)}</b></caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}${more}</tbody></table>`;
}

/** A SQL statement as a Markdown code block, with a line saying where it runs. */
export function sqlBlock(sql: string, note?: string): string {
  return `${note ? `${note}\n\n` : ''}\`\`\`sql\n${sql.trim()}\n\`\`\``;
}

export function shellBlock(command: string, note?: string): string {
  return `${note ? `${note}\n\n` : ''}\`\`\`sh\n${command}\n\`\`\``;
}

export interface QueryLatency {
  number: number;
  key: string;
  title: string;
  /** Median of the measured runs, in ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  rows: number;
}

/** Each dashboard query: one warm-up run, then `runs` timed runs; the median is what counts. */
export async function measureQueries(pool: Pool, config: KitConfig, params: QueryParams, options: { table?: string; runs?: number; queries?: readonly DashboardQuery[] } = {}): Promise<QueryLatency[]> {
  const results: QueryLatency[] = [];
  for (const query of options.queries ?? DASHBOARD_QUERIES) {
    await query.run(pool, config.database, params, options.table);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < (options.runs ?? 3); i++) {
      const timed = await timeQuery(pool, config.database, query, params, options.table);
      times.push(timed.ms);
      rows = timed.rows.length;
    }
    times.sort((a, b) => a - b);
    results.push({ number: query.number, key: query.key, title: query.title, medianMs: round(times[Math.floor(times.length / 2)]!), minMs: round(times[0]!), maxMs: round(times[times.length - 1]!), rows });
  }
  return results;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The configuration without secrets, as rows for htmlTable. */
export function configRows(config: KitConfig): { setting: string; value: string }[] {
  return Object.entries(describeConfig(config)).map(([setting, value]) => ({ setting, value }));
}

/**
 * Figures a notebook reports for the main job's summary (rows ingested, latencies), as
 * JSON files in KIT_FIGURES_DIR (default: out/figures at the repository's top).
 */
export function recordFigures(name: string, figures: unknown): string {
  const top = findUp('package-lock.json', process.cwd());
  const dir = process.env.KIT_FIGURES_DIR ?? join(top ? join(top, '..') : process.cwd(), 'out', 'figures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(figures, null, 2));
  return file;
}
