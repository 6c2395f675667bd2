/**
 * Charts for notebooks, rendered to SVG strings in Node (no browser): vega-lite for
 * statistical charts, Observable Plot for the map. Both load through real dynamic
 * imports: vega and vega-lite use top-level await, which tslab's CommonJS cells cannot require.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { CITIES } from '../campaigns/generator.js';

export async function vegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const { spec: compiled } = vl.compile(spec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface BarDatum {
  label: string;
  value: number;
  group?: string;
}

/** Horizontal bars, one per label; bars of one label side by side when a group is given. */
export function barChart(data: BarDatum[], options: { title: string; valueTitle?: string; logScale?: boolean; budget?: number; width?: number }): Promise<string> {
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'label', type: 'nominal', title: null, sort: null },
        x: { field: 'value', type: 'quantitative', title: options.valueTitle ?? '', scale: options.logScale ? { type: 'log' } : {} },
        ...(data.some((d) => d.group) ? { color: { field: 'group', type: 'nominal', title: null }, yOffset: { field: 'group' } } : {}),
      },
    },
  ];
  if (options.budget !== undefined) {
    layers.push({ mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] }, encoding: { x: { datum: options.budget } } });
  }
  return vegaLiteSvg({ title: options.title, width: options.width ?? 480, data: { values: data }, layer: layers } as TopLevelSpec);
}

export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** Lines of y against x, one per series, with an optional horizontal budget line. */
export function lineChart(data: SeriesPoint[], options: { title: string; xTitle: string; yTitle: string; budget?: number; logY?: boolean; width?: number }): Promise<string> {
  const layer: unknown[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle },
        y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: options.logY ? { type: 'log' } : {} },
        color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 320, orient: 'bottom', columns: 2 } },
      },
    },
  ];
  if (options.budget !== undefined) layer.push({ mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 3] }, encoding: { y: { datum: options.budget } } });
  return vegaLiteSvg({ title: options.title, width: options.width ?? 480, height: 260, data: { values: data }, layer } as TopLevelSpec);
}

export interface CityAmount {
  city: string;
  latitude: number;
  longitude: number;
  total_donation_amount: number;
}

let franceOutline: unknown;

/** France's borders from the world-atlas package (Natural Earth, 1:50m), read once. */
async function loadFrance(): Promise<unknown> {
  if (franceOutline) return franceOutline;
  const { feature } = await import('topojson-client');
  const require = createRequire(import.meta.url);
  const atlas = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
  const countries = feature(atlas, atlas.objects.countries) as unknown as { features: { properties: { name: string } }[] };
  franceOutline = countries.features.find((f) => f.properties.name === 'France');
  return franceOutline;
}

/** Query 4 on a map of France: each city at its coordinates, the dot's area proportional to its total. */
export async function cityMap(rows: CityAmount[], options: { title?: string } = {}): Promise<string> {
  const [Plot, { parseHTML }, france] = await Promise.all([import('@observablehq/plot'), import('linkedom'), loadFrance()]);
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  // Mainland France only: the outline also holds overseas territories.
  const frame = { type: 'MultiPoint' as const, coordinates: [[-6.2, 42], [9.2, 42], [-6.2, 51.4], [9.2, 51.4]] };
  const label = (d: CityAmount) => `${d.city}\n${Math.round(d.total_donation_amount).toLocaleString('en-US')} EUR`;
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: 520,
    height: 520,
    projection: { type: 'mercator', domain: frame },
    r: { range: [4, 26] },
    marks: [
      Plot.geo(france as never, { fill: '#f3f1ea', stroke: '#999' }),
      Plot.dot(CITIES, { x: 'longitude', y: 'latitude', r: 1.5, fill: '#aaa' }),
      Plot.dot(rows, { x: 'longitude', y: 'latitude', r: 'total_donation_amount', fill: 'steelblue', fillOpacity: 0.6, stroke: 'white' }),
      Plot.text(rows, { x: 'longitude', y: 'latitude', text: label, dy: -24, fontSize: 11, fontWeight: 'bold' }),
      ...(options.title ? [Plot.text([options.title], { frameAnchor: 'top-left', fontSize: 13, fontWeight: 'bold', dx: 6, dy: 6 })] : []),
    ],
  });
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}
