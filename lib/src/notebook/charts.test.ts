// Every chart kind the lessons draw has marks with extent: a blank chart fails here.
import { describe, expect, it } from 'vitest';
import { barChart, blankMarks, cityMap, colorsByName, lineChart } from './charts.js';

const latencies = [
  { label: 'Q1', value: 820, group: 'naive' },
  { label: 'Q1', value: 4.2, group: 'optimized' },
  { label: 'Q2', value: 910, group: 'naive' },
  { label: 'Q2', value: 0.6, group: 'optimized' },
];

/** A group of marks of one class in a vega SVG: `mark-rect role-mark`, `mark-text role-mark`... */
const markGroup = (svg: string, cls: string) => new RegExp(`<g class="${cls}[^"]*"[^>]*>(.*?)</g>`, 's').exec(svg)?.[1] ?? '';
const translateX = (element: string) => Number(/transform="translate\(([-\d.e]+),/.exec(element)![1]);

/** The budget line's x, and each value label's box along x (0.6 em a character: wider than sans-serif digits). */
function labelsAndLine(svg: string) {
  const line = translateX(/<line[^>]*stroke="firebrick"[^>]*>/.exec(markGroup(svg, 'mark-rule role-mark'))![0]);
  const labels = [...markGroup(svg, 'mark-text role-mark').matchAll(/<text[^>]*font-size="10px"[^>]*>([^<]*)<\/text>/g)].map((m) => {
    const left = translateX(m[0]);
    return { text: m[1]!, left, right: left + m[1]!.length * 6 };
  });
  return { line, labels };
}

/** Each bar's value (from its aria-label), group, fill and extent along x. */
function bars(svg: string) {
  return [...markGroup(svg, 'mark-rect role-mark').matchAll(/<path aria-label="[^:"]*: ([\d.,]+); label: ([^;"]+)(?:; group: ([^"]+))?"[^>]*d="M([-\d.e]+),[-\d.e]+h([-\d.e]+)[^"]*"[^>]*fill="([^"]+)"/g)].map((m) => ({
    value: Number(m[1]!.replace(/,/g, '')),
    label: m[2]!,
    group: m[3]?.replace(/&#39;|&apos;/g, "'"),
    left: Number(m[4]),
    right: Number(m[4]) + Number(m[5]),
    fill: m[6]!,
  }));
}

/** The x axis's visible tick labels and their x. */
function xTicks(svg: string) {
  const axis = /aria-label="X-axis[^"]*"(.*?)aria-label="Y-axis/s.exec(svg)![1]!;
  return [...markGroup(axis, 'mark-text role-axis-label').matchAll(/<text[^>]*opacity="1"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ text: m[1]!, x: translateX(m[0]) }));
}

// Lesson 07's medians: panels either side of the 250 ms line, some just under it.
const perPanel = [
  [612.3, 4.1], [1638.0, 74.8], [905.1, 182.0], [152.5, 188.0], [145.7, 176.3], [157.1, 2.2], [2550, 75],
].flatMap(([naive, kit], i) => [
  { label: `Q${i + 1}`, value: naive!, group: 'naive' },
  { label: `Q${i + 1}`, value: kit!, group: "kit's layout" },
]);

describe('charts', () => {
  it('draws bars on a linear scale', async () => {
    const svg = await barChart([{ label: 'SmileFund', value: 1200 }, { label: 'PureJoy', value: 300 }], { title: 'per organization', valueTitle: 'EUR' });
    expect(blankMarks(svg)).toEqual([]);
  });

  it('draws bars on a log scale, from a positive baseline (vega-lite would start them at 0 and draw nothing)', async () => {
    const svg = await barChart(latencies, { title: 'latency', logScale: true, budget: 250 });
    expect(blankMarks(svg)).toEqual([]);
    // Four bars, each wider than a pixel; the 820 ms bar ends log10(820 / 0.6) decades after the 0.6 ms one.
    const marks = /<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/s.exec(svg)![1]!;
    const widths = [...marks.matchAll(/d="M[\d.]+,[\d.]+h([\d.]+)/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(1);
    const ticks = xTicks(svg);
    const decade = ticks[1]!.x - ticks[0]!.x;
    expect((Math.max(...widths) - Math.min(...widths)) / decade).toBeCloseTo(Math.log10(910 / 0.6), 2);
  });

  it('prints each value at the end of its bar when asked', async () => {
    const svg = await barChart(latencies, { title: 'latency', labels: true, logScale: true, budget: 250 });
    expect(blankMarks(svg)).toEqual([]);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    // One precision for every label: 820.0 beside 4.2, not 820 beside 4.2.
    for (const value of ['820.0', '4.2', '910.0', '0.6']) expect(texts).toContain(value);
  });

  it('draws lines with more than one point', async () => {
    const svg = await lineChart(
      [1, 2, 3].flatMap((x) => [
        { x: x * 100_000, y: x * 300, series: 'naive' },
        { x: x * 100_000, y: 5, series: 'optimized' },
      ]),
      { title: 'latency as rows grow', xTitle: 'rows', yTitle: 'ms', budget: 250, logY: true },
    );
    expect(blankMarks(svg)).toEqual([]);
  });

  it('draws the map with a dot per campaign city and names every city', async () => {
    const svg = await cityMap([
      { city: 'Brest', latitude: 48.3904, longitude: -4.4861, total_donation_amount: 1_000 },
      { city: 'Pau', latitude: 43.2951, longitude: -0.3708, total_donation_amount: 3_000 },
    ]);
    expect(blankMarks(svg)).toEqual([]);
    for (const city of ['Brest', 'Pau', 'Amiens', 'Avignon', 'Mulhouse']) expect(svg).toContain(city);
    expect(svg).toContain('3,000 EUR');
  });

  it('tells a blank chart: no marks, or bars of zero width', () => {
    expect(blankMarks('<svg></svg>')).toEqual(['no marks at all']);
    const zeroBar = '<svg><g class="mark-rect role-mark layer_0_marks" role="x"><path d="M0,10h0v20h0Z"></path></g></svg>';
    expect(blankMarks(zeroBar)).toEqual(['a bar with no extent (M0,10h0v20h0Z)']);
    // As an HTML page holds it (nbconvert sorts a tag's attributes): the same verdicts.
    const sorted = (svg: string) => svg.replace('<g class="mark-rect role-mark layer_0_marks" role="x">', '<g aria-roledescription="rect mark container" class="mark-rect role-mark layer_0_marks" role="x">');
    expect(blankMarks(sorted(zeroBar))).toEqual(['a bar with no extent (M0,10h0v20h0Z)']);
    expect(blankMarks(sorted(zeroBar.replace('h0v20h0Z', 'h30v20h-30Z')))).toEqual([]);
  });

  it('never lets the dashed budget line cross a value label, on a linear or a log scale', async () => {
    const layouts = [
      { label: 'naive', value: 1638.2 }, { label: "original's sort key", value: 160.6 }, { label: "original's shard key", value: 1702.4 },
      { label: 'campaign-led key', value: 182.0 }, { label: "kit's layout", value: 74.8 },
    ];
    const charts = [
      await barChart(layouts, { title: 'per layout', valueTitle: 'ms', labels: true, format: ',.1f', budget: 250 }),
      await barChart(perPanel, { title: 'per panel', valueTitle: 'ms', logScale: true, labels: true, budget: 250 }),
    ];
    for (const svg of charts) {
      const { line, labels } = labelsAndLine(svg);
      expect(labels.length).toBeGreaterThanOrEqual(5);
      const crossed = labels.filter((l) => l.left < line + 1 && l.right > line - 1).map((l) => l.text);
      expect(crossed).toEqual([]);
      // And each label still sits after its own bar, not over it.
      for (const bar of bars(svg)) {
        const label = labels.find((l) => Number(l.text.replace(/,/g, '')) === bar.value)!;
        expect(label.left).toBeGreaterThanOrEqual(bar.right);
      }
    }
  });

  it('starts log-scale bars a decade below the smallest value, marks decades only, and prints each label\'s ratio', async () => {
    const svg = await barChart(perPanel, { title: 'per panel', valueTitle: 'ms', logScale: true, labels: true, budget: 250 });
    const ticks = xTicks(svg);
    // Ticks at powers of ten only, evenly spaced: a decade is as wide everywhere.
    for (const t of ticks) expect(Math.log10(Number(t.text.replace(/,/g, ''))) % 1).toBeCloseTo(0, 9);
    const decade = ticks[1]!.x - ticks[0]!.x;
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.x - ticks[i - 1]!.x).toBeCloseTo(decade, 6);
    // The shortest bar (2.2 ms) is at least a decade long: it starts at 0.1 ms, not at 1 ms.
    const drawn = bars(svg);
    const shortest = drawn.find((b) => b.value === 2.2)!;
    expect(shortest.right - shortest.left).toBeGreaterThanOrEqual(decade);
    // The gap between two bar ends is their ratio: Q7's 2,550 ms against 75 ms, 34x, is log10(34) decades.
    const [slow, fast] = [drawn.find((b) => b.value === 2550)!, drawn.find((b) => b.value === 75)!];
    expect((slow.right - fast.right) / decade).toBeCloseTo(Math.log10(34), 2);
    expect(svg).toContain('ms, log scale');
    expect(svg).toContain('>×34<');
  });

  it('gives a name the same colour in every chart, whatever else the chart holds and in whatever order', async () => {
    const fills = (svg: string) => new Map(bars(svg).map((b) => [b.group, b.fill]));
    const in07 = fills(await barChart(perPanel, { title: '07', logScale: true }));
    const in09 = fills(await barChart(['naive', 'optimized', 'totals'].flatMap((group, i) => [{ label: 'Q1', value: 10 ** (3 - i), group }]), { title: '09', logScale: true }));
    expect(in07.get('naive')).toBe(in09.get('naive'));
    expect(in07.get("kit's layout")).toBe(in09.get('optimized'));
    expect(new Set([in09.get('naive'), in09.get('optimized'), in09.get('totals')]).size).toBe(3);
    // Names the kit does not know: by a hash of the name, not by order of appearance.
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const forward = colorsByName(names);
    const backward = colorsByName([...names].reverse());
    for (const name of names) expect(backward.get(name)).toBe(forward.get(name));
    expect(colorsByName(['naive layout: full refresh p95']).get('naive layout: full refresh p95')).toBe(in09.get('naive'));
  });
});
