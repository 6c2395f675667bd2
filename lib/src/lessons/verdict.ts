/**
 * Sentences computed from the figures on screen, never written beside them: a ratio is
 * called a gain only beyond the noise of a busy laptop, and the same words serve every lesson.
 */
import type { RefreshReport } from '../dashboard/refresh.js';
import { upperFigure } from './measure.js';

/** Within this factor either way, two medians of a busy machine are called the same. */
export const NOISE_FACTOR = 1.5;

export const count = (n: number | bigint): string => (typeof n === 'bigint' ? n : Math.round(n)).toLocaleString('en-US');

export const ms = (value: number): string => `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)} ms`;

/** `8.2x` or `24x`: one decimal below ten. */
export function times(ratio: number): string {
  return ratio >= 10 ? `${Math.round(ratio)}x` : `${ratio.toFixed(1)}x`;
}

/** How `value` compares with `than` (both durations): "12x faster than", "about the same as" (within NOISE_FACTOR either way), "1.7x slower than". */
export function comparedWith(value: number, than: number): string {
  const ratio = than / Math.max(value, 0.1);
  if (ratio >= NOISE_FACTOR) return `${times(ratio)} faster than`;
  if (ratio <= 1 / NOISE_FACTOR) return `${times(1 / ratio)} slower than`;
  return 'about the same as';
}

/** "median 1,638 ms, slowest of 5 1,910 ms, 5 of 5 late". */
export function describeReport(report: RefreshReport): string {
  const upper = upperFigure(report);
  return `median ${ms(report.p50Ms)}, ${upper.label} ${ms(upper.ms)}, ${report.late} of ${report.refreshes} refreshes over the ${report.budgetMs} ms budget`;
}

/** Whether a dashboard keeps up: nearly every refresh inside the budget. */
export function keepsUp(report: RefreshReport): boolean {
  return report.late <= Math.floor(report.refreshes * 0.05);
}
