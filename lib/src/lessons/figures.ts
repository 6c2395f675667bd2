/**
 * What lessons 05, 07 and 09 record for the main job's summary and the notebook test
 * (infra/workshop.ts reads these files), assembled from their steps' results, so that a
 * lesson's last cell is one line.
 */
import { recordFigures } from '../notebook/figures.js';
import type { Lesson } from '../notebook/lesson.js';
import type { Growth } from './grow.js';
import { baselineOf, type Baseline, type Copies, type Replay } from './layouts.js';
import type { LiveRun } from './live.js';
import type { SharedCampaign } from './shared.js';
import type { Replays, TotalsMeasure } from './totals.js';

const written = (lesson: Lesson, name: string, figures: object) => `figures written to ${recordFigures(name, figures, lesson.config)}`;

export function recordGrowth(lesson: Lesson, growth: Growth, live: LiveRun): string {
  const last = growth.steps[growth.steps.length - 1]!;
  return written(lesson, '05-the-pain', {
    rows: last.rows, budgetMs: lesson.config.workshop.refreshMs, campaignRows: growth.campaignRows, campaignId: growth.campaignId, steps: growth.steps, live: live.views[0]!.report,
  });
}

export function recordLayouts(lesson: Lesson, parts: { shared: SharedCampaign; replay: Replay; copies: Copies; baseline: Baseline; live: LiveRun }): string {
  const { shared, replay, copies, baseline, live } = parts;
  return written(lesson, '07-optimized-schema', {
    rows: shared.tableRows, campaignId: shared.campaignId, replaySeconds: replay.seconds, replayRowsPerSecond: replay.rowsPerSecond, copies: copies.copies,
    layouts: baseline.layouts, naive: baselineOf(baseline, 'naive').report, optimized: baselineOf(baseline, 'optimized').report, sameRows: copies.sameRows,
    live: { naive: live.views[0]!.report, optimized: live.views[1]!.report },
  });
}

export function recordTotals(lesson: Lesson, parts: { shared: SharedCampaign; baseline: Baseline | undefined; replays: Replays; measured: TotalsMeasure; exact: boolean; live: LiveRun }): string {
  const { shared, baseline, replays, measured, exact, live } = parts;
  return written(lesson, '09-aggregates-at-ingest', {
    campaignId: shared.campaignId, rows: shared.tableRows, ingest: { rowsOnly: replays.rowsOnly.rowsPerSecond, withTotals: replays.withTotals.rowsPerSecond }, totalsExact: exact,
    reports: { naive: baseline ? baselineOf(baseline, 'naive').report : undefined, optimized: measured.kit.report, totals: measured.totals.report }, live: live.views[0]!.report,
  });
}
