/** Tables, SQL and shell blocks for notebook outputs. */
import { describeConfig, type KitConfig } from '../config.js';

/** Text safe inside HTML: the four characters that could open a tag or end an attribute. */
export const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Amounts as people read them: `885,166.00 EUR`. */
export function formatEur(amount: number): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} EUR`;
}

/** Decimals a number needs, up to 2: 274 needs 0, 1283.5 needs 1. */
function decimalsOf(value: number): number {
  for (let digits = 0; digits < 2; digits++) if (Math.abs(value * 10 ** digits - Math.round(value * 10 ** digits)) < 1e-9) return digits;
  return 2;
}

function cell(value: unknown, column: string, decimals: number): string {
  // Identifiers read better without thousands separators.
  if (typeof value === 'number' && /id$|Id$|port|offset|partition|seed/i.test(column)) return String(value);
  if (typeof value === 'number' && /latitude|longitude/i.test(column)) return value.toFixed(4);
  if (typeof value === 'number' && /amount|EUR/i.test(column)) return formatEur(value);
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace(/(\.000)?Z$/, ' UTC');
  // A column's numbers share one precision, so that 274.0 does not print as 274 beside 1,283.5.
  if (typeof value === 'number') return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (value === null || value === undefined) return '<i>NULL</i>';
  if (typeof value === 'object') return escapeHtml(JSON.stringify(value));
  return escapeHtml(String(value));
}

/** Rows as an HTML table (numbers right-aligned), at most `maxRows` of them; `empty` says what no rows mean. */
export function htmlTable(rows: readonly object[], options: { caption?: string; maxRows?: number; empty?: string } = {}): string {
  const list = rows as readonly Record<string, unknown>[];
  const caption = options.caption ? `<caption style="caption-side:top;text-align:left"><b>${escapeHtml(options.caption)}</b></caption>` : '';
  if (list.length === 0) return `<table>${caption}<tbody><tr><td><i>${escapeHtml(options.empty ?? '(no rows)')}</i></td></tr></tbody></table>`;
  const shown = list.slice(0, options.maxRows ?? 50);
  const columns = [...new Set(shown.flatMap((row) => Object.keys(row)))];
  const decimals = new Map(columns.map((c) => [c, Math.max(0, ...shown.map((row) => {
    const value = row[c];
    return typeof value === 'number' && Number.isFinite(value) ? decimalsOf(value) : 0;
  }))]));
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = shown
    .map((row) => `<tr>${columns.map((c) => `<td style="text-align:${typeof row[c] === 'number' ? 'right' : 'left'}">${cell(row[c], c, decimals.get(c)!)}</td>`).join('')}</tr>`)
    .join('\n');
  const more = list.length > shown.length ? `<tr><td colspan="${columns.length}"><i>... ${list.length - shown.length} more rows</i></td></tr>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>${body}${more}</tbody></table>`;
}

/**
 * A code box that keeps its shape wherever a notebook shows it: monospace, every line kept,
 * a line wider than the output wrapped at a space (or, for one long word, anywhere) instead of
 * running off the page. Inline styles, because nbconvert's HTML export sets output `pre`s in the
 * text font and breaks words anywhere (`word-break: break-all`). Plain values, no CSS variables:
 * JupyterLab's sanitizer drops a style it cannot check (a `var()` colour, a quoted font name),
 * and it sanitizes an output of a notebook it does not trust.
 */
const CODE_BOX_STYLE = [
  'margin:0.4em 0 0.8em',
  'padding:6px 8px',
  'border:1px solid #e0e0e0',
  'border-radius:3px',
  'background-color:#f5f5f5',
  'color:#1f1f1f',
  'font-family:Menlo, Consolas, DejaVu Sans Mono, Liberation Mono, monospace',
  'font-size:var(--jp-code-font-size, 13px)',
  'line-height:1.45',
  'white-space:pre-wrap',
  'overflow-wrap:anywhere',
  'word-break:normal',
  'overflow-x:auto',
].join(';');

/** A note above a code box: its text escaped, its `code` and **bold** spans kept. */
const noteHtml = (note: string) => `<p>${escapeHtml(note).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')}</p>\n\n`;

/**
 * Code as HTML that reads the same through `tslab.display.html` and `tslab.display.markdown`
 * (alone or after a heading): a `<pre>` block, which Markdown passes through whole, blank
 * lines included, and nbconvert's export keeps as it is.
 */
function codeBlock(language: string, code: string, note?: string): string {
  return `${note ? noteHtml(note) : ''}<pre style="${CODE_BOX_STYLE}"><code class="language-${language}">${escapeHtml(code)}</code></pre>`;
}

/** A SQL statement in a code box, with a line saying where it runs; show it with `tslab.display.html` or `tslab.display.markdown`. */
export function sqlBlock(sql: string, note?: string): string {
  return codeBlock('sql', sql.trim(), note);
}

/** A shell command in a code box, as sqlBlock. */
export function shellBlock(command: string, note?: string): string {
  return codeBlock('sh', command, note);
}

/** The configuration without secrets, as rows for htmlTable. */
export function configRows(config: KitConfig): { setting: string; value: string }[] {
  return Object.entries(describeConfig(config)).map(([setting, value]) => ({ setting, value }));
}
