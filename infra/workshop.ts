/**
 * `npm run workshop`, the kit's main job: brings the services up, executes every notebook
 * in order with Jupyter and the tslab kernel, writes the executed copies to out/notebooks,
 * and prints a summary: each notebook's result and time, and the headline figures.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DONATIONS_TABLE, checkDatabase, loadConfig, openDatabase, readEnvironment, type KitConfig, type RefreshReport } from '@donations/lib';
import { countFlag, flags, isMainModule } from './cli.js';
import { listNotebooks, runNotebooks, type NotebookRun } from './jupyter.js';
import { ROOT, runScript } from './services.js';
import { up } from './up.js';

const USAGE = `usage: npm run workshop -- [--rows N] [--only 00,01,...] [--out DIR]
  --rows N     rows the pain lesson grows the table to (default WORKSHOP_ROWS, 2,000,000)
  --only LIST  run only the notebooks whose names start with these prefixes`;

/** What notebooks 05 and 07 record (lib's recordFigures): the summary and the notebook test read them. */
export interface Figures {
  pain?: { rows: number; budgetMs: number; campaignRows: number; campaignId: number; steps: { rows: number; campaignId: number; produceAndLoadRowsPerSecond: number | null; report: RefreshReport }[]; live: RefreshReport };
  optimized?: {
    rows: number;
    campaignId: number;
    replaySeconds: number;
    replayRowsPerSecond: number;
    sameRows: boolean;
    layouts: { key: string; table: string; title: string; report: RefreshReport }[];
    naive: RefreshReport;
    optimized: RefreshReport;
    live: { naive: RefreshReport; optimized: RefreshReport };
  };
  totals?: {
    campaignId: number;
    totalsExact: boolean;
    ingest: { rowsOnly: number; withTotals: number };
    reports: { naive?: RefreshReport; optimized: RefreshReport; totals: RefreshReport };
  };
}

/**
 * The facts of a run, written to `<outDir>/run.json` for the static site's pages: nothing
 * that names the machine (no host, path or password), only what a reader needs to weigh the figures.
 */
export interface RunFacts {
  /** When the run started, ISO 8601 in UTC. */
  date: string;
  /** WORKSHOP_ROWS. */
  rows: number;
  cores: number;
  node: string;
  database: { target: KitConfig['database']['target']; flavour: string; version: string };
  notebooks: { notebook: string; status: NotebookRun['status']; seconds: number }[];
}

export const RUN_FACTS = 'run.json';

export function readRunFacts(dir: string): RunFacts | undefined {
  const file = join(dir, RUN_FACTS);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunFacts) : undefined;
}

export function readFigures(dir: string): Figures {
  const read = (name: string) => (existsSync(join(dir, `${name}.json`)) ? JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) : undefined);
  return { pain: read('05-the-pain'), optimized: read('07-optimized-schema'), totals: read('09-aggregates-at-ingest') };
}

/** Executed notebooks (and the site's pages: `extensions`) must not show a password: the database's, Kafka's or Grafana's. */
export function findSecrets(dir: string, config: KitConfig, extensions = ['.ipynb']): string[] {
  const secrets = [config.database.password, config.kafka.sasl?.password].filter((s): s is string => !!s && s.length >= 6);
  const leaks: string[] = [];
  for (const file of readdirSync(dir).filter((f) => extensions.some((ext) => f.endsWith(ext)))) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (secrets.some((secret) => text.includes(secret))) leaks.push(file);
  }
  return leaks;
}

export function formatSummary(runs: NotebookRun[], figures: Figures): string {
  const lines = ['', 'notebook                          result     seconds', '--------------------------------  --------  --------'];
  for (const run of runs) lines.push(`${run.notebook.padEnd(32)}  ${run.status.padEnd(8)}  ${run.seconds.toFixed(1).padStart(8)}`);
  const n = (x: number) => x.toLocaleString('en-US');
  // Medians, with the count they are of: the lessons' own figures (a p95 of five refreshes is only the slowest).
  const median = (r: RefreshReport) => `median ${r.p50Ms.toFixed(1).padStart(8)} ms of ${String(r.refreshes).padStart(3)}`;
  if (figures.pain) {
    const { pain } = figures;
    const last = pain.steps[pain.steps.length - 1];
    lines.push('', `rows ingested (Kafka -> pipeline -> table): ${n(pain.rows)}, in campaigns of ${n(pain.campaignRows)} donations`);
    if (last?.produceAndLoadRowsPerSecond) lines.push(`produce and load at the last step: ${n(last.produceAndLoadRowsPerSecond)} rows/s (producer and pipeline in one process)`);
    for (const step of pain.steps) lines.push(`naive table at ${n(step.rows).padStart(10)} rows: full refresh ${median(step.report)}${step.report.p50Ms > pain.budgetMs ? '  (stalls: over the budget)' : ''}`);
    lines.push(`the stall, live: ${pain.live.late} of ${pain.live.refreshes} refreshes late, median ${pain.live.p50Ms.toFixed(0)} ms (budget ${pain.budgetMs} ms)`);
  }
  if (figures.optimized) {
    const { naive, optimized, layouts } = figures.optimized;
    lines.push('', `the baseline, full refresh per layout, campaign ${figures.optimized.campaignId}, ${n(figures.optimized.rows)} rows each (7 panels at once, layouts taking turns):`);
    for (const layout of layouts) lines.push(`  ${layout.key.padEnd(20)} ${median(layout.report)}   ${layout.report.late} over the budget`);
    lines.push('', `median latency per panel, 7 panels at once, at ${n(figures.optimized.rows)} rows:`, 'panel                                              naive ms  optimized ms  speed-up');
    naive.perPanel.forEach((panel, i) => {
      const other = optimized.perPanel[i]!;
      const title = `Q${panel.number} ${panel.title}`.slice(0, 49).padEnd(49);
      lines.push(`${title}  ${panel.p50Ms.toFixed(1).padStart(8)}  ${other.p50Ms.toFixed(1).padStart(12)}  ${(panel.p50Ms / Math.max(other.p50Ms, 0.1)).toFixed(1).padStart(7)}x`);
    });
    lines.push(`${'full refresh'.padEnd(49)}  ${naive.p50Ms.toFixed(1).padStart(8)}  ${optimized.p50Ms.toFixed(1).padStart(12)}  ${(naive.p50Ms / Math.max(optimized.p50Ms, 0.1)).toFixed(1).padStart(7)}x`);
  }
  if (figures.totals) {
    const { reports, ingest, totalsExact } = figures.totals;
    lines.push(
      '',
      `totals kept at ingest (09): ${totalsExact ? 'equal to the rows' : 'NOT equal to the rows'}; ingest ${n(ingest.withTotals)} rows/s with them, ${n(ingest.rowsOnly)} without (${(ingest.withTotals / Math.max(ingest.rowsOnly, 1)).toFixed(2)}x)`,
      `full refresh median: naive ${reports.naive ? `${reports.naive.p50Ms.toFixed(1)} ms (07's baseline)` : 'not measured'}, optimized ${reports.optimized.p50Ms.toFixed(1)} ms, totals ${reports.totals.p50Ms.toFixed(1)} ms (side by side)`,
    );
  }
  return lines.join('\n');
}

/** Donations an earlier run left in the lessons' table: the lessons go on from them, and lesson 05's curve starts there. */
async function rowsLeftBefore(config: KitConfig): Promise<number> {
  // No database selected: the configured one may not exist yet.
  const server = openDatabase(config.database, { database: null });
  const database = config.database.database;
  try {
    const [table] = await server.query<{ n: number }>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, DONATIONS_TABLE]);
    if (!Number(table?.n)) return 0;
    const [rows] = await server.query<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${database}\`.${DONATIONS_TABLE}`);
    return Number(rows?.n ?? 0);
  } finally {
    await server.close();
  }
}

export async function workshop(options: { rows?: number; only?: string[]; outDir: string; env?: NodeJS.ProcessEnv; quiet?: boolean }): Promise<NotebookRun[]> {
  await up({ quiet: true });
  const figuresDir = join(options.outDir, 'figures');
  rmSync(figuresDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...options.env, KIT_FIGURES_DIR: figuresDir };
  if (options.rows) env.WORKSHOP_ROWS = String(options.rows);
  const config = loadConfig({ ...readEnvironment(), ...env });
  const notebooks = listNotebooks(options.only);
  const started = new Date();
  const server = await checkDatabase(config.database);
  if (!options.quiet) console.log(`running ${notebooks.length} notebooks on ${config.database.target}, ${config.workshop.rows.toLocaleString('en-US')} rows; executed copies go to ${options.outDir}`);
  const left = options.only?.length || options.quiet ? 0 : await rowsLeftBefore(config);
  if (left > 0) {
    console.log(`note: ${DONATIONS_TABLE} already holds ${left.toLocaleString('en-US')} rows from an earlier run: the lessons go on from them (lesson 05 grows the table from there). ` +
      'For the workshop as a group first sees it, run `npm run reset` first.');
  }
  const runs = await runNotebooks({
    notebooks,
    outDir: options.outDir,
    env,
    onResult: (run) => options.quiet || console.log(`${run.status === 'passed' ? 'ok  ' : 'FAIL'} ${run.notebook} (${run.seconds.toFixed(1)} s)${run.error ? `\n${run.error}` : ''}`),
  });
  const leaks = findSecrets(options.outDir, config);
  if (leaks.length) {
    for (const run of runs) if (leaks.includes(run.notebook)) Object.assign(run, { status: 'failed', error: 'a password appears in its outputs' });
  }
  const facts: RunFacts = {
    date: started.toISOString(),
    rows: config.workshop.rows,
    cores: availableParallelism(),
    node: process.version,
    database: { target: config.database.target, flavour: server.flavour, version: server.version },
    notebooks: runs.map(({ notebook, status, seconds }) => ({ notebook, status, seconds })),
  };
  writeFileSync(join(options.outDir, RUN_FACTS), `${JSON.stringify(facts, null, 2)}\n`);
  if (!options.quiet) console.log(formatSummary(runs, readFigures(figuresDir)));
  return runs;
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const args = flags({ rows: { type: 'string' }, only: { type: 'string' }, out: { type: 'string' } }, USAGE);
    if (args.help) return console.log(USAGE);
    const runs = await workshop({
      rows: countFlag(args.rows, 'rows'),
      only: typeof args.only === 'string' ? args.only.split(',') : undefined,
      outDir: typeof args.out === 'string' ? args.out : join(ROOT, 'out', 'notebooks'),
    });
    const failed = runs.filter((r) => r.status !== 'passed').length;
    console.log(`\nnotebooks: ${runs.length - failed} passed, ${failed} failed or not run`);
    if (failed) process.exitCode = 1;
  });
}
