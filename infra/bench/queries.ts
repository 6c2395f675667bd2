/** The queries part: naive vs optimized layout vs totals, 7 panels at once, 0.1 M to 10 M rows. */
import { Readable } from 'node:stream';
import {
  LESSON_REFRESHES,
  DONATION_COLUMN_NAMES,
  DASHBOARD_QUERIES,
  TOTALS_QUERIES,
  checkTotals,
  ensureTotalsTables,
  measureDashboard,
  percentile,
  rebuildTotalsSql,
  recordProduced,
  startCampaign,
  timeQuery,
  tsvChunks,
  type ProduceSummary,
  type RefreshReport,
  type Row,
} from '@donations/lib';
import { endProgress, progressLine } from '../cli.js';
import { FIXED_TIME, campaignRows } from './events.js';
import { load, round2 } from './measure.js';
import type { Results } from './report.js';
import { freshTable, n, type Bench } from './context.js';

const SCALE_TABLES = { naive: 'scale_naive', optimized: 'scale_optimized' } as const;

/**
 * Fills both tables to `target` rows with LOAD DATA of the same rows (the pipeline's own
 * transform), campaign after campaign, each started in the ledger and its tally recorded;
 * the last one live (ending just after now). The totals of
 * each campaign are rebuilt from its rows (rebuildTotalsSql, one transaction).
 */
async function fillTo(bench: Bench, target: number, campaignSize: number, state: { rows: number; campaigns: number[] }): Promise<void> {
  while (state.rows < target) {
    const size = Math.min(campaignSize, target - state.rows);
    const isLast = state.rows + size >= target;
    const index = state.campaigns.length + 1;
    // An hour of donations each; the last one live: it ends 2 minutes from now, so that the
    // last-seconds panels (Q6, Q7) find rows while the three layouts are measured (~1 min).
    const span = 3_600_000;
    const base = isLast ? Date.now() + 120_000 - span : FIXED_TIME.getTime() - (1_000 - index) * 86_400_000;
    const campaign = await startCampaign(bench.db, { seed: 1_000 + index, startedAt: new Date(base) });
    const chunks: Buffer[] = [];
    let amount = 0;
    const rows: Row[] = [];
    for (const row of campaignRows(campaign, size, (i) => new Date(base + Math.floor((i / size) * span)))) {
      rows.push(row);
      amount += row[6];
    }
    for (const chunk of tsvChunks(rows)) chunks.push(chunk);
    for (const table of Object.values(SCALE_TABLES)) {
      await bench.db.withConnection((connection) =>
        connection.loadData(`LOAD DATA LOCAL INFILE 'bench' INTO TABLE ${table} CHARACTER SET utf8mb4 (${DONATION_COLUMN_NAMES.join(', ')})`, () => Readable.from(chunks)),
      );
    }
    const first = campaign.firstTransactionId();
    await recordProduced(bench.db, { campaignId: campaign.id, acknowledged: size, amountAcknowledged: amount, lastTransactionId: first + size - 1 } as ProduceSummary);
    await bench.db.withConnection(async (connection) => {
      await connection.execute('START TRANSACTION');
      for (const sql of rebuildTotalsSql(SCALE_TABLES.optimized)) await connection.execute(sql, [campaign.id]);
      await connection.execute('COMMIT');
    });
    state.rows += size;
    state.campaigns.push(campaign.id);
    progressLine(`queries: loaded ${n(state.rows)} of ${n(target)} rows into both tables`);
  }
  endProgress();
  for (const table of Object.values(SCALE_TABLES)) await bench.db.execute(`ANALYZE TABLE ${table}`);
}

export async function benchQueries(bench: Bench, scales: number[], campaignSize: number): Promise<NonNullable<Results['queries']>> {
  const loadBefore = load();
  await freshTable(bench.db, SCALE_TABLES.naive, 'naive');
  await freshTable(bench.db, SCALE_TABLES.optimized, 'optimized');
  await ensureTotalsTables(bench.db);
  // The ledger's campaigns of the other parts stay; the totals start empty.
  for (const sql of rebuildTotalsSql(SCALE_TABLES.optimized).slice(0, 5)) await bench.db.execute(sql.replace(' WHERE campaign_id = ?', ''));
  const state = { rows: 0, campaigns: [] as number[] };
  const results: NonNullable<Results['queries']>['scales'] = [];
  for (const scale of [...scales].sort((a, b) => a - b)) {
    await fillTo(bench, scale, campaignSize, state);
    const campaignId = state.campaigns[state.campaigns.length - 1]!;
    const scaleLoad = load();
    // The lessons' measure: one warm-up refresh, then up to 20 refreshes for at most 10 s.
    const naive = await measureDashboard(bench.db, { campaignId, table: SCALE_TABLES.naive, budgetMs: 250, ...LESSON_REFRESHES });
    const optimized = await measureDashboard(bench.db, { campaignId, table: SCALE_TABLES.optimized, budgetMs: 250, ...LESSON_REFRESHES });
    const totals = await measureDashboard(bench.db, { campaignId, budgetMs: 250, queries: TOTALS_QUERIES, ...LESSON_REFRESHES });
    // What bounds a refresh: each panel alone, one after another (5 times, median). Seven
    // panels at once on this machine's cores cannot finish before their sum / cores.
    const alone = [];
    for (const query of DASHBOARD_QUERIES) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await timeQuery(bench.db, query, { campaignId }, SCALE_TABLES.optimized)).ms);
      alone.push({ number: query.number, p50Ms: round2(percentile(times, 50)) });
    }
    const aloneSumMs = round2(alone.reduce((sum, p) => sum + p.p50Ms, 0));
    results.push({ rows: state.rows, campaigns: state.campaigns.length, load: scaleLoad, naive: strip(naive), optimized: strip(optimized), totals: strip(totals), optimizedAlone: { perPanel: alone, sumMs: aloneSumMs } });
    console.log(`queries at ${n(state.rows)} rows: full refresh p95 naive ${naive.p95Ms} ms, optimized ${optimized.p95Ms} ms, totals ${totals.p95Ms} ms`);
  }
  // Every campaign's totals against its rows, exactly.
  let mismatched = 0;
  for (const id of state.campaigns) if (!(await checkTotals(bench.db, SCALE_TABLES.optimized, id)).exact) mismatched += 1;
  return { campaignRows: campaignSize, load: [loadBefore, load()], scales: results, totalsChecked: state.campaigns.length, totalsMismatched: mismatched };
}

/** The report keeps the summary, not every refresh's timings. */
function strip(report: RefreshReport): RefreshReport {
  return { ...report, timings: [] };
}
