/**
 * The dashboard queries as Grafana runs them. `toGrafanaSql` turns a query's `?`
 * placeholders into a template variable and constants, so that the dashboard generator
 * (grafana/) and the tests share one translation of lib's SQL. `expandGrafanaSql` does what
 * Grafana does before the SQL reaches the server (variables, then the MySQL data source's
 * time macros), so that machines without a Grafana server can still run every panel.
 */
import { TOTALS_QUERIES } from '../aggregates/queries.js';
import { AGGREGATED_TABLE } from '../aggregates/tables.js';
import { CAMPAIGNS_TABLE } from '../campaigns/ledger.js';
import { DONATIONS_TABLE, OPTIMIZED_TABLE } from '../database/schema.js';
import { GrafanaError } from '../errors.js';
import type { DashboardQuery } from './queries.js';

/** The dashboard's campaign variable: `$campaign` in every panel's SQL. */
export const CAMPAIGN_VARIABLE = 'campaign';
/** Its choices, the campaigns still collecting first, then the latest started: Grafana selects the first one when the dashboard opens. */
export const CAMPAIGN_VARIABLE_SQL = `SELECT campaign_id FROM ${CAMPAIGNS_TABLE} ORDER BY (ended_at IS NULL) DESC, started_at DESC, campaign_id DESC`;

/**
 * The dashboard's table variable: which layout the panels read, so that the original's
 * last step (watching the dashboard after re-keying) can be done in Grafana.
 */
export const TABLE_VARIABLE = 'table';
export const TABLE_CHOICES: readonly { text: string; value: string }[] = [
  { text: 'naive', value: DONATIONS_TABLE },
  { text: 'optimized', value: OPTIMIZED_TABLE },
  // Lesson 09: the panels read the totals kept beside this table.
  { text: 'aggregates', value: AGGREGATED_TABLE },
];
/** A table name no lesson uses, to find where sql() puts the table. */
const TABLE_MARKER = 'kit_grafana_table_marker';

/** A campaign id no campaign has, to find where params() puts the campaign among its values. */
const CAMPAIGN_MARKER = Number.MIN_SAFE_INTEGER;

/**
 * The query's SQL with each `?` replaced, in order, by `$campaign` or by the number the
 * query's default parameters give (the 35 s and 28 s windows of queries 6 and 7), and the
 * table named by `${table}` unless a table is given.
 */
export function toGrafanaSql(query: DashboardQuery, table?: string): string {
  const sql = table ? query.sql(table) : query.sql(TABLE_MARKER).replaceAll(TABLE_MARKER, `\${${TABLE_VARIABLE}}`);
  const values = query.params({ campaignId: CAMPAIGN_MARKER });
  const pieces = sql.split('?');
  if (pieces.length - 1 !== values.length) {
    throw new GrafanaError(
      `query ${query.number} (${query.key}) has ${pieces.length - 1} placeholders but ${values.length} parameters: ` +
        'make params() return one value per ? in its SQL',
    );
  }
  return pieces.reduce((text, piece, index) => text + grafanaValue(query, values[index - 1]) + piece);
}

/**
 * A panel's SQL for the dashboard: the query on the table the Table variable names, or, when
 * it names lesson 09's table, the same question on the totals. Both halves are one
 * statement; the half whose condition is false is never read (a constant false WHERE), and
 * the order and limit of the question apply to the half that answers.
 */
export function toGrafanaPanelSql(query: DashboardQuery): string {
  const totals = TOTALS_QUERIES.find((q) => q.key === query.key);
  if (!totals) throw new GrafanaError(`query ${query.number} (${query.key}) has no totals version: add it to lib/src/aggregates/queries.ts`);
  const onTotals = `'\${${TABLE_VARIABLE}}' = '${AGGREGATED_TABLE}'`;
  // In WHERE, a false condition spares the read; without GROUP BY an aggregate still gives one
  // row, which HAVING then drops.
  const gate = (sql: string, condition: string) =>
    sql.replace(/^WHERE campaign_id = \$campaign$/m, `WHERE campaign_id = $${CAMPAIGN_VARIABLE} AND ${condition}`) + (/\bGROUP BY\b/.test(sql) ? '' : `\nHAVING ${condition}`);
  const tail = /\n(ORDER BY [^\n]+)(?:\n(LIMIT \d+))?$/;
  const split = (sql: string) => {
    const match = tail.exec(sql);
    return { body: match ? sql.slice(0, match.index) : sql, order: match?.[1] ?? '', limit: match?.[2] ?? '' };
  };
  const rows = split(toGrafanaSql(query));
  const summed = split(toGrafanaSql(totals, AGGREGATED_TABLE));
  // Outside the union the order names the result's columns, not a table's.
  const order = rows.order.replace(/SUM\(total_amount\)/g, 'total_donation_amount');
  return [
    'SELECT * FROM (',
    gate(rows.body, `NOT ${onTotals}`),
    'UNION ALL',
    gate(summed.body, onTotals),
    ') AS panel',
    order,
    rows.limit,
  ]
    .filter(Boolean)
    .join('\n');
}

function grafanaValue(query: DashboardQuery, value: unknown): string {
  if (value === CAMPAIGN_MARKER) return `$${CAMPAIGN_VARIABLE}`;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new GrafanaError(
    `query ${query.number} (${query.key}) has a parameter ${JSON.stringify(value)} that a dashboard cannot inline: ` +
      'give it a default number, or add a template variable for it in lib/src/grafana-sql.ts',
  );
}

export interface GrafanaTimeRange {
  from: Date;
  to: Date;
}

export interface GrafanaExpansion {
  /** Template variables by name, as the dashboard has them selected. */
  variables: Record<string, string | number>;
  /** The dashboard's time range, for `$__timeFilter(col)`, `$__timeFrom()` and `$__timeTo()`. */
  timeRange: GrafanaTimeRange;
}

// Grafana's three variable syntaxes: $name, ${name} (optionally ${name:format}) and [[name]].
const VARIABLE = /\$([A-Za-z0-9_]+)|\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)\]\]/g;
// The MySQL data source's macros: $__name(arguments).
const MACRO = /\$(__[A-Za-z0-9_]+)\(([^)]*)\)/g;

/**
 * The SQL Grafana sends to a MySQL data source for one panel: variables first (as the
 * browser does), then the time macros (as Grafana's server does). Names starting with
 * `__` are Grafana's own and are left to the macro step.
 */
export function expandGrafanaSql(sql: string, expansion: GrafanaExpansion): string {
  const withVariables = sql.replace(VARIABLE, (whole, plain?: string, braced?: string, bracketed?: string) => {
    const name = (plain ?? braced ?? bracketed)!;
    if (name.startsWith('__')) return whole;
    const value = expansion.variables[name];
    if (value === undefined) {
      throw new GrafanaError(`the SQL uses $${name}, which is not a dashboard variable here: pass it in variables (known: ${Object.keys(expansion.variables).join(', ') || 'none'})`);
    }
    // Like the MySQL data source for a single-value variable: numbers as they are, quotes doubled in text.
    return typeof value === 'number' ? String(value) : value.replace(/'/g, "''");
  });
  return withVariables.replace(MACRO, (_whole, name: string, rawArguments: string) => {
    const args = rawArguments.split(',').map((a) => a.trim()).filter(Boolean);
    return expandMacro(name, args, expansion.timeRange);
  });
}

function expandMacro(name: string, args: string[], range: GrafanaTimeRange): string {
  const from = unixSeconds(range.from);
  const to = unixSeconds(range.to);
  switch (name) {
    case '__timeFilter': {
      const column = args[0];
      if (!column) throw new GrafanaError('$__timeFilter() needs a column: write $__timeFilter(transaction_date)');
      // FROM_UNIXTIME takes no negative seconds: Grafana adds them to the epoch instead.
      const start = from < 0 ? `DATE_ADD(FROM_UNIXTIME(0), INTERVAL ${from} SECOND)` : `FROM_UNIXTIME(${from})`;
      return `${column} BETWEEN ${start} AND FROM_UNIXTIME(${to})`;
    }
    case '__timeFrom':
      return `FROM_UNIXTIME(${from})`;
    case '__timeTo':
      return `FROM_UNIXTIME(${to})`;
    default:
      throw new GrafanaError(`the macro $${name}() is not expanded by the kit: use $__timeFilter(col), $__timeFrom() or $__timeTo(), or add it to lib/src/grafana-sql.ts`);
  }
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
