/**
 * The dashboard queries as Grafana runs them. `toGrafanaSql` turns a query's `?`
 * placeholders into a template variable and constants, so that the dashboard generator
 * (grafana/) and the tests share one translation of lib's SQL. `expandGrafanaSql` does what
 * Grafana does before the SQL reaches the server (variables, then the MySQL data source's
 * time macros), so that machines without a Grafana server can still run every panel.
 */
import { CAMPAIGNS_TABLE } from '../campaigns/ledger.js';
import { DONATIONS_TABLE, OPTIMIZED_TABLE } from '../database/schema.js';
import type { Database } from '../database/database.js';
import { GrafanaError } from '../errors.js';
import { clausesSql, type QueryClauses } from './clauses.js';
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

export interface TableChoice {
  text: string;
  value: string;
}

/** The row tables the panels read with the queries as they are. */
export const TABLE_CHOICES: readonly TableChoice[] = [
  { text: 'naive', value: DONATIONS_TABLE },
  { text: 'optimized', value: OPTIMIZED_TABLE },
];

/**
 * Another answer to the panels' questions, which a dashboard composes in (lesson 09's
 * totals, aggregates/grafana.ts): when the Table variable names `choice.value`, each panel
 * runs `panelSql(query)` instead of the query on the rows.
 */
export interface GrafanaPanelSource {
  choice: TableChoice;
  /** The same question on this source; undefined when it has none. */
  panelQuery(query: DashboardQuery): DashboardQuery | undefined;
  /** Creates what its SQL reads, so that every panel runs wherever the dashboard reads. */
  ensureTables(db: Database): Promise<void>;
}

/** The Table variable's choices: the row tables, then each source's. */
export function tableChoices(sources: readonly GrafanaPanelSource[]): TableChoice[] {
  return [...TABLE_CHOICES, ...sources.map((source) => source.choice)];
}
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
  return clausesSql(grafanaClauses(query, table));
}

/** toGrafanaSql's clauses: the conditions' placeholders are the only ones a query has. */
function grafanaClauses(query: DashboardQuery, table?: string): QueryClauses {
  if (!query.clauses) throw new GrafanaError(`query ${query.number} (${query.key}) has no clauses: define it with defineQuery in lib/src/dashboard/queries.ts`);
  const written = query.clauses(table ?? TABLE_MARKER);
  const clauses = table ? written : { ...written, from: written.from.replaceAll(TABLE_MARKER, `\${${TABLE_VARIABLE}}`) };
  const values = query.params({ campaignId: CAMPAIGN_MARKER });
  const placeholders = clauses.where.reduce((n, condition) => n + condition.split('?').length - 1, 0);
  if (placeholders !== values.length) {
    throw new GrafanaError(
      `query ${query.number} (${query.key}) has ${placeholders} placeholders but ${values.length} parameters: ` +
        'make params() return one value per ? in its SQL',
    );
  }
  let next = 0;
  const where = clauses.where.map((condition) =>
    condition
      .split('?')
      .reduce((text, piece) => text + grafanaValue(query, values[next++]) + piece),
  );
  return { ...clauses, where };
}

/**
 * A panel's SQL for the dashboard: the query on the table the Table variable names, or, when
 * it names a source's table, the same question on that source. All halves are one
 * statement; a half whose condition is false is never read (a constant false WHERE), and
 * the order and limit of the question apply to the half that answers. Without sources, the
 * query on the rows.
 */
export function toGrafanaPanelSql(query: DashboardQuery, sources: readonly GrafanaPanelSource[] = []): string {
  if (sources.length === 0) return toGrafanaSql(query);
  const picks = (source: GrafanaPanelSource) => `'\${${TABLE_VARIABLE}}' = '${source.choice.value}'`;
  const rows = grafanaClauses(query);
  const halves = [
    gated(rows, sources.map((source) => `NOT ${picks(source)}`).join(' AND ')),
    ...sources.map((source) => {
      const answer = source.panelQuery(query);
      if (!answer) throw new GrafanaError(`query ${query.number} (${query.key}) has no version on ${source.choice.text}: add it beside that source's queries`);
      return gated(grafanaClauses(answer, source.choice.value), picks(source));
    }),
  ];
  // Outside the union the order and limit name the result's columns, and apply to the half that answers.
  return ['SELECT * FROM (', halves.map(clausesSql).join('\nUNION ALL\n'), ') AS panel', rows.orderBy ? `ORDER BY ${rows.orderBy}` : '', rows.limit === undefined ? '' : `LIMIT ${rows.limit}`]
    .filter(Boolean)
    .join('\n');
}

/** In WHERE, a false condition spares the read; without GROUP BY an aggregate still gives one row, which HAVING then drops. */
function gated(clauses: QueryClauses, condition: string): QueryClauses {
  const [first, ...rest] = clauses.where;
  return {
    ...clauses,
    where: [`${first} AND ${condition}`, ...rest],
    having: clauses.groupBy ? undefined : condition,
    orderBy: undefined,
    limit: undefined,
  };
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
