// Every chart kind the lessons draw has marks with extent: a blank chart fails here.
import { describe, expect, it } from 'vitest';
import { barChart, blankMarks, cityMap, lineChart } from './charts.js';

const latencies = [
  { label: 'Q1', value: 820, group: 'naive' },
  { label: 'Q1', value: 4.2, group: 'optimized' },
  { label: 'Q2', value: 910, group: 'naive' },
  { label: 'Q2', value: 0.6, group: 'optimized' },
];

describe('charts', () => {
  it('draws bars on a linear scale', async () => {
    const svg = await barChart([{ label: 'SmileFund', value: 1200 }, { label: 'PureJoy', value: 300 }], { title: 'per organization', valueTitle: 'EUR' });
    expect(blankMarks(svg)).toEqual([]);
  });

  it('draws bars on a log scale, from a positive baseline (vega-lite would start them at 0 and draw nothing)', async () => {
    const svg = await barChart(latencies, { title: 'latency', logScale: true, budget: 250 });
    expect(blankMarks(svg)).toEqual([]);
    // Four bars, each wider than a pixel; the 820 ms bar far wider than the 0.6 ms one.
    const marks = /<g class="mark-rect role-mark[^>]*>(.*?)<\/g>/s.exec(svg)![1]!;
    const widths = [...marks.matchAll(/d="M[\d.]+,[\d.]+h([\d.]+)/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(4);
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...widths)).toBeGreaterThan(Math.min(...widths) * 5);
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
  });
});
