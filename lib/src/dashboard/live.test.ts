// The live widget's bars, read by geometry from its HTML: small panels readable on a fixed scale of seconds.
import { describe, expect, it } from 'vitest';
import { renderRefresh } from './live.js';
import type { Refresh } from './refresh.js';

function refresh(ms: number[]): Refresh {
  return {
    index: 30,
    startedAtMs: 0,
    startDelayMs: 0,
    durationMs: Math.max(...ms),
    withinBudget: Math.max(...ms) <= 250,
    panels: ms.map((m, i) => ({ number: i + 1, key: `q${i + 1}`, title: `panel ${i + 1}`, ms: m, rows: [{ n: 1 }] })),
  };
}

/** Per row: the bar's width, the dashed line's left, and the value printed beside the bar (its left, its text). */
function rows(html: string) {
  return [...html.matchAll(/<tr><td>\d+<\/td>.*?<\/tr>/gs)].map(([row]) => {
    const bar = /left:0;top:1px;width:(\d+)px;height:12px;background/.exec(row);
    const line = /left:(\d+)px;top:-2px;width:0;height:18px;border-left:2px dashed/.exec(row);
    const label = /<span style="position:absolute;left:(\d+)px;[^"]*">([^<]*)<\/span>/.exec(row);
    return { barWidth: Number(bar?.[1] ?? 0), line: Number(line?.[1]), labelLeft: Number(label?.[1]), text: label?.[2] ?? '' };
  });
}

describe('renderRefresh', () => {
  // Lesson 07: one fixed scale of 10.7 s for both views; the kit's layout answers in 5 to 40 ms.
  const fast = [12.4, 31.0, 40.2, 25.5, 18.3, 6.1, 5.2];

  it('draws a fast panel a bar of its own on a fixed scale of seconds, with its value beside it', () => {
    const drawn = rows(renderRefresh(refresh(fast), 250, 'optimized', 10_700));
    expect(drawn).toHaveLength(7);
    for (const [i, row] of drawn.entries()) {
      // A linear 10.7 s scale draws these 0 to 1 px wide, under the 250 ms line at 6 px.
      expect(row.barWidth).toBeGreaterThanOrEqual(40);
      expect(row.barWidth).toBeLessThan(row.line);
      expect(row.text).toBe(`${fast[i]!.toFixed(1)} ms`);
      expect(row.labelLeft).toBeGreaterThan(row.barWidth);
    }
    // A 5.2 ms panel and a 40.2 ms one differ by 8x: their bars differ visibly.
    expect(drawn[2]!.barWidth - drawn[6]!.barWidth).toBeGreaterThanOrEqual(30);
  });

  it('never lets the dashed line cross a printed value (0.6 em a character at 11 px)', () => {
    for (const ms of [fast, [3100, 5300, 4800, 2900, 2500, 1200, 1100], [120, 180, 230, 249, 260, 90, 60], [0.2, 0.5, 1.1]]) {
      for (const row of rows(renderRefresh(refresh(ms), 250, 't', 10_700))) {
        const right = row.labelLeft + row.text.length * 11 * 0.6;
        // The line is 2 px wide from its left.
        expect(row.labelLeft >= row.line + 2 || right <= row.line).toBe(true);
      }
    }
  });

  it('marks the scale in decades and says it is a log scale', () => {
    const html = renderRefresh(refresh(fast), 250, 'optimized', 10_700);
    expect(html).toContain('log scale; dashed line: 250 ms');
    for (const tick of ['0.1 ms', '1 ms', '10 ms', '100 ms', '1 s', '10 s']) expect(html).toContain(`>${tick}</span>`);
  });
});
