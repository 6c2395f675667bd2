/**
 * The dashboard live: the campaign keeps collecting while one view after another refreshes
 * every budget, each with its table's pipeline running, as in production where each
 * dashboard has its own. One step for lessons 05, 07 and 09.
 */
import { resumeCampaign } from '../campaigns/ledger.js';
import { produceDonations } from '../campaigns/produce.js';
import { watchDashboard } from '../dashboard/live.js';
import type { DashboardQuery } from '../dashboard/queries.js';
import type { RefreshReport } from '../dashboard/refresh.js';
import { htmlTable } from '../notebook/html.js';
import type { Lesson } from '../notebook/lesson.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { upperFigure } from './measure.js';
import type { Block, Shown } from './screen.js';
import { count, ms } from './verdict.js';

export interface LiveView {
  label: string;
  table?: string;
  queries?: readonly DashboardQuery[];
  /** Started for this view's time, stopped after it: the view's table is written while it is watched. */
  pipeline?: Pipeline;
}

export interface LiveRun extends Shown {
  views: { label: string; report: RefreshReport }[];
  donations: number;
}

export interface LiveOptions {
  campaignId: number;
  /** Seconds each view is watched (default 8). */
  seconds?: number;
  /** Donations a second while the views run (default 1,000). */
  rate?: number;
  /** One bar scale for every view, so that they compare (default: each view its own). */
  scaleMs?: number;
}

export async function watchLive(lesson: Lesson, views: readonly LiveView[], options: LiveOptions): Promise<LiveRun> {
  const { db } = lesson;
  const budgetMs = lesson.config.workshop.refreshMs;
  const seconds = options.seconds ?? 8;
  const campaign = await resumeCampaign(db, options.campaignId);
  // A little longer than the views, so that the last refresh still sees donations arriving.
  const producing = produceDonations(lesson, { campaign, rate: options.rate ?? 1_000, durationMs: (seconds * views.length + 0.5) * 1000 });
  const watched: LiveRun['views'] = [];
  let donations = 0;
  try {
    for (const view of views) {
      await view.pipeline?.start();
      const panel = lesson.screen.live();
      const report = await watchDashboard(db, {
        campaignId: options.campaignId, table: view.table, queries: view.queries, budgetMs, durationMs: seconds * 1000,
        scaleMs: options.scaleMs, render: (html) => panel.html(html), label: view.label,
      });
      await view.pipeline?.stop();
      watched.push({ label: view.label, report });
    }
  } finally {
    donations = (await producing).acknowledged;
    // Every view's table catches up with what was produced while the others were watched.
    for (const view of views) {
      if (!view.pipeline) continue;
      await view.pipeline.start();
      await view.pipeline.waitUntilCaughtUp({ timeoutMs: 600_000 });
      await view.pipeline.stop();
    }
  }
  return { views: watched, donations, blocks: liveBlocks(watched, seconds, budgetMs, donations) };
}

function liveBlocks(views: LiveRun['views'], seconds: number, budgetMs: number, donations: number): (Block | string)[] {
  const rows = views.map(({ label, report }) => {
    return {
      view: label, refreshes: report.refreshes, [`a ${budgetMs} ms dashboard wanted`]: report.expected,
      [`over ${budgetMs} ms`]: report.late, 'median ms': report.p50Ms, 'slowest ms': report.worstMs,
    };
  });
  const lines = views.map(({ label, report }) =>
    `- ${label}: ${report.refreshes} refreshes in ${(report.elapsedMs / 1000).toFixed(1)} s where the dashboard wanted ${report.expected}; ` +
    `${report.late} over the budget; median ${ms(report.p50Ms)}.`);
  return [
    { html: htmlTable(rows, { caption: `${seconds} seconds ${views.length > 1 ? 'of each view ' : ''}live, while ${count(donations)} donations arrived` }) },
    { markdown: lines.join('\n') },
  ];
}
