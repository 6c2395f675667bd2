/**
 * `npm run workshop`, the kit's main job: brings the services up, executes every notebook
 * in order with Jupyter and the tslab kernel, writes the executed copies to out/notebooks,
 * and prints a summary: each notebook's result and time, and the headline figures.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, readEnvironment, type KitConfig, type PanelLatency, type RefreshReport } from '@donations/lib';
import { countFlag, flags } from './cli.js';
import { listNotebooks, runNotebooks, type NotebookRun } from './jupyter.js';
import { ROOT, runScript } from './services.js';
import { up } from './up.js';

const USAGE = `usage: npm run workshop -- [--rows N] [--only 00,01,...] [--out DIR]
  --rows N     rows the pain lesson grows the table to (default WORKSHOP_ROWS, 2,000,000)
  --only LIST  run only the notebooks whose names start with these prefixes`;

interface Figures {
  pain?: { rows: number; steps: { rows: number; ingestRowsPerSecond: number; report: RefreshReport }[] };
  /** Lesson 07 records each schema's panels (PanelLatency[]); a whole RefreshReport also adds the full refresh's line. */
  optimized?: { rows: number; replaySeconds: number; naive: RefreshReport | PanelLatency[]; optimized: RefreshReport | PanelLatency[] };
}

function readFigures(dir: string): Figures {
  const read = (name: string) => (existsSync(join(dir, `${name}.json`)) ? JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) : undefined);
  return { pain: read('05-the-pain'), optimized: read('07-optimized-schema') };
}

/** Executed notebooks must not show a password: the database's, Kafka's or Grafana's. */
export function findSecrets(dir: string, config: KitConfig): string[] {
  const secrets = [config.database.password, config.kafka.sasl?.password].filter((s): s is string => !!s && s.length >= 6);
  const leaks: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (secrets.some((secret) => text.includes(secret))) leaks.push(file);
  }
  return leaks;
}

export function formatSummary(runs: NotebookRun[], figures: Figures): string {
  const lines = ['', 'notebook                          result     seconds', '--------------------------------  --------  --------'];
  for (const run of runs) lines.push(`${run.notebook.padEnd(32)}  ${run.status.padEnd(8)}  ${run.seconds.toFixed(1).padStart(8)}`);
  if (figures.pain) {
    const last = figures.pain.steps[figures.pain.steps.length - 1];
    lines.push('', `rows ingested (Kafka -> pipeline -> table): ${figures.pain.rows.toLocaleString('en-US')}`);
    if (last) lines.push(`ingest rate at the last step: ${last.ingestRowsPerSecond.toLocaleString('en-US')} rows/s (produce to loaded)`);
  }
  if (figures.optimized) {
    const { naive, optimized } = figures.optimized;
    const panels = (report: RefreshReport | PanelLatency[]) => (Array.isArray(report) ? report : report.perPanel);
    lines.push('', `p95 latency per panel, 7 panels at once, at ${figures.optimized.rows.toLocaleString('en-US')} rows:`, 'panel                                              naive ms  optimized ms  speed-up');
    panels(naive).forEach((panel, i) => {
      const other = panels(optimized)[i]!;
      const title = `Q${panel.number} ${panel.title}`.slice(0, 49).padEnd(49);
      lines.push(`${title}  ${panel.p95Ms.toFixed(1).padStart(8)}  ${other.p95Ms.toFixed(1).padStart(12)}  ${(panel.p95Ms / Math.max(other.p95Ms, 0.1)).toFixed(1).padStart(7)}x`);
    });
    if (!Array.isArray(naive) && !Array.isArray(optimized)) lines.push(`${'full refresh'.padEnd(49)}  ${naive.p95Ms.toFixed(1).padStart(8)}  ${optimized.p95Ms.toFixed(1).padStart(12)}  ${(naive.p95Ms / Math.max(optimized.p95Ms, 0.1)).toFixed(1).padStart(7)}x`);
  }
  return lines.join('\n');
}

export async function workshop(options: { rows?: number; only?: string[]; outDir: string; env?: NodeJS.ProcessEnv; quiet?: boolean }): Promise<NotebookRun[]> {
  await up({ quiet: true });
  const figuresDir = join(options.outDir, 'figures');
  rmSync(figuresDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...options.env, KIT_FIGURES_DIR: figuresDir };
  if (options.rows) env.WORKSHOP_ROWS = String(options.rows);
  const config = loadConfig({ ...readEnvironment(), ...env });
  const notebooks = listNotebooks(options.only);
  if (!options.quiet) console.log(`running ${notebooks.length} notebooks on ${config.database.target}, ${config.workshop.rows.toLocaleString('en-US')} rows; executed copies go to ${options.outDir}`);
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
  if (!options.quiet) console.log(formatSummary(runs, readFigures(figuresDir)));
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
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
