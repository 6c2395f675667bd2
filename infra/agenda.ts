/**
 * The workshop's agenda, once: WORKSHOP.md's "Agenda" table is rendered from it (a unit test
 * compares them) and the static site's index page shows it (`npm run site`).
 */

export interface AgendaPart {
  /** "0", "break", "9 (optional)". */
  part: string;
  /** The lesson's notebook, without .ipynb; none for a break. */
  notebook?: string;
  minutes: number;
  /** What the audience sees, in Markdown (inline code only). */
  sees: string;
  optional?: boolean;
}

export const AGENDA: AgendaPart[] = [
  { part: '0', notebook: '00-setup', minutes: 10, sees: 'both services answer; the settings without passwords; the target' },
  { part: '1', notebook: '01-kafka-smoke-tests', minutes: 10, sees: 'metadata, a topic, `msg0` produced and consumed, each with its kcat command' },
  { part: '2', notebook: '02-pipeline-quick-start', minutes: 15, sees: 'TEST loads nothing; one foreground batch; rows arriving every half second' },
  { part: '3', notebook: '03-producing-donations', minutes: 15, sees: "a campaign's 4 cities, one donation's JSON, events/s for three batch sizes" },
  { part: 'break', minutes: 10, sees: '' },
  { part: '4', notebook: '04-naive-schema', minutes: 20, sees: "the pipeline catching up, 40 s of live donations, reconciliation `EXACT`, the seven queries, the map, the original's indexes beside the kit's" },
  { part: '5', notebook: '05-the-pain', minutes: 20, sees: 'the full refresh (7 panels at once) climbing past 250 ms as the table grows, campaign size fixed; the live panel turning red' },
  { part: '6', notebook: '06-profiling', minutes: 15, sees: "the panels over 200 ms caught while the dashboard refreshes; where one slow query's time goes" },
  { part: '7', notebook: '07-optimized-schema', minutes: 25, sees: 'the same rows in five layouts; which part of the layout buys what; both live panels, red then green' },
  { part: '8', notebook: '08-wrap-up', minutes: 10, sees: "the Grafana dashboard drawn from its JSON on this run's data, naive then optimized; cleanup" },
  { part: '9 (optional)', notebook: '09-aggregates-at-ingest', minutes: 20, sees: "totals kept in the batch's transaction, equal to the rows; the dashboard on them; the ingest they cost", optional: true },
];

/** The lessons of the agenda, in order (breaks left out). */
export const AGENDA_LESSONS = AGENDA.filter((part): part is AgendaPart & { notebook: string } => !!part.notebook);

/** "~2 h 30": the parts that are not optional. */
export function agendaTotal(agenda: AgendaPart[] = AGENDA): string {
  const minutes = agenda.filter((part) => !part.optional).reduce((sum, part) => sum + part.minutes, 0);
  return `~${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** WORKSHOP.md's table, as Markdown. */
export function agendaMarkdown(agenda: AgendaPart[] = AGENDA): string {
  const row = (cells: string[]) => `|${cells.map((cell) => (cell ? ` ${cell} ` : ' ')).join('|')}|`;
  const rows = agenda.map((p) => row([p.part, p.notebook ? `\`${p.notebook}\`` : '', String(p.minutes), p.sees]));
  return [row(['part', 'notebook', 'minutes', 'the audience sees']), '|---|---|---|---|', ...rows, row(['', '', agendaTotal(agenda), ''])].join('\n');
}
