/**
 * A dashboard query as its clauses, the one description its SQL is written from: Grafana's
 * panels combine the clauses of several queries (grafana-sql.ts) without reading SQL back.
 */
export interface QueryClauses {
  select: string;
  from: string;
  /** Conditions joined with AND, the first on the WHERE line. */
  where: readonly string[];
  groupBy?: string;
  having?: string;
  orderBy?: string;
  limit?: number;
}

/** The SQL, one clause a line, as the lessons show it. */
export function clausesSql(clauses: QueryClauses): string {
  const [first, ...rest] = clauses.where;
  return [
    `SELECT ${clauses.select}`,
    `FROM ${clauses.from}`,
    first === undefined ? '' : `WHERE ${first}`,
    ...rest.map((condition) => `  AND ${condition}`),
    clauses.groupBy ? `GROUP BY ${clauses.groupBy}` : '',
    clauses.having ? `HAVING ${clauses.having}` : '',
    clauses.orderBy ? `ORDER BY ${clauses.orderBy}` : '',
    clauses.limit === undefined ? '' : `LIMIT ${clauses.limit}`,
  ]
    .filter(Boolean)
    .join('\n');
}
