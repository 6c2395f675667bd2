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

/**
 * The kit's names and their colours, the same in every chart: naive is orange wherever it is
 * drawn, the kit's layout blue, the totals green, the original's layouts purple and brown.
 * A layout goes by several names (its key, its label, a series named after it): each is listed.
 */
const NAMED_COLORS: readonly (readonly [string, string])[] = [
  ['naive', '#f58518'],
  ["kit's layout", '#4c78a8'],
  ['optimized', '#4c78a8'],
  ['totals', '#54a24b'],
  ["original's keys", '#b279a2'],
  ["original's sort key", '#b279a2'],
  ['original-sort-key', '#b279a2'],
  ["original's shard key", '#9d755d'],
  ['original-shard-key', '#9d755d'],
  ['campaign-led key', '#72b7b2'],
  ['campaign-sort-key', '#72b7b2'],
  // Lesson 05's curve is the naive table's: its median in naive's colour, its slowest paler.
  ['full refresh, median', '#f58518'],
  ['full refresh, slowest', '#fdbf6f'],
];

/** Colours for any other name, picked by a hash of the name: none of them is a named colour, none too pale for a line. */
const FALLBACK_COLORS = ['#e45756', '#499894', '#b6992d', '#d37295', '#79706e', '#6b4c9a'];

const normalized = (name: string) => name.trim().toLowerCase().replace(/^the /, '');

/** A name's fixed colour: the named one it is or begins with ("naive layout: p95" is naive's), else none. */
function namedColor(name: string): string | undefined {
  const n = normalized(name);
  const matches = NAMED_COLORS.filter(([known]) => n === known || (n.startsWith(known) && /^\W/.test(n.slice(known.length))));
  return matches.sort((a, b) => b[0].length - a[0].length)[0]?.[1];
}

/** FNV-1a: a name's hash, the same in every process. */
function hashOf(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of normalized(name)) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}

/**
 * The colour of each name, by name alone, never by order of appearance: the kit's layouts and
 * groups have fixed colours (NAMED_COLORS); any other name gets a colour from its hash. Two
 * other names of one chart with the same hash: the later one alphabetically takes the next free colour.
 */
export function colorsByName(names: readonly string[]): Map<string, string> {
  const unique = [...new Set(names)];
  const colors = new Map(unique.flatMap((name) => { const c = namedColor(name); return c ? [[name, c] as const] : []; }));
  for (const name of unique.filter((n) => !colors.has(n)).sort()) {
    const taken = new Set(colors.values());
    const start = hashOf(name) % FALLBACK_COLORS.length;
    const free = FALLBACK_COLORS.map((_, i) => FALLBACK_COLORS[(start + i) % FALLBACK_COLORS.length]!).find((c) => !taken.has(c));
    colors.set(name, free ?? FALLBACK_COLORS[start]!);
  }
  return colors;
}

/** A vega-lite colour scale that gives each name its colour, listed in the order given. */
function colorScale(names: readonly string[]): { domain: string[]; range: string[] } {
  const colors = colorsByName(names);
  const domain = [...colors.keys()];
  return { domain, range: domain.map((name) => colors.get(name)!) };
}

/**
 * Where log-scale bars start: the power of ten at least one decade below the smallest value,
 * so that the shortest bar is a bar (one to two decades long), not a sliver read as nothing.
 */
export function logBaseline(values: readonly number[]): number {
  const smallest = Math.min(...values.filter((v) => v > 0));
  return Number.isFinite(smallest) ? 10 ** (Math.floor(Math.log10(smallest)) - 1) : 0.1;
}

/** Where log-scale bars may end: a power of ten at least three times the largest value, room for its label. */
function logTop(values: readonly number[]): number {
  const largest = Math.max(...values.filter((v) => v > 0));
  return Number.isFinite(largest) ? 10 ** Math.ceil(Math.log10(largest * 3)) : 10;
}

/** A value label's width at 10 px, over-estimated (0.6 em a character, as wide as a digit or more). */
const LABEL_FONT_PX = 10;
const LABEL_CHAR_PX = 0.6 * LABEL_FONT_PX;

/**
 * Horizontal bars, one per label; bars of one label side by side when a group is given.
 *
 * Colours go by name (colorsByName): a group, or a label without groups when every label is
 * one of the kit's layouts, has the same colour in every chart.
 *
 * `labels` prints each value at the end of its bar. A dashed `budget` line never crosses a
 * label: a label that would straddle the line is moved just beyond it.
 *
 * On a log scale (`logScale`), a bar's length says nothing by itself: it depends on where the
 * bars start. What a log scale keeps honest is the distance between two bar ends, which is
 * the ratio of their values, the same everywhere on the chart (×10 is one decade wide). So:
 * bars start one to two decades below the smallest value (logBaseline) at a power of ten, the
 * axis is marked at powers of ten only and titled "log scale", and when bars are grouped the
 * ratio of each label's slowest to its fastest bar is printed at the right ("×34"), so that a
 * 34x gap reads as 34x and not as the 1.5x its bars' lengths suggest. `ratios: false` leaves it out.
 *
 * `fit`: width and height are the whole chart's (axes and labels included, as a panel's
 * body), not its plot area's.
 */
export function barChart(
  data: BarDatum[],
  options: { title: string; valueTitle?: string; logScale?: boolean; budget?: number; width?: number; height?: number; format?: string; labels?: boolean; ratios?: boolean; fit?: boolean },
): Promise<string> {
  const grouped = data.some((d) => d.group);
  const values = [...data.map((d) => d.value), ...(options.budget !== undefined ? [options.budget] : [])];
  const format = options.format ?? ',.1f';
  const groups = [...new Set(data.map((d) => d.group ?? ''))];
  const labels = [...new Set(data.map((d) => d.label))];
  const colorByLabel = !grouped && labels.every((l) => namedColor(l));
  const color = grouped
    ? { color: { field: 'group', type: 'nominal', title: null, scale: colorScale(groups), legend: { orient: 'bottom' } } }
    : colorByLabel
      ? { color: { field: 'label', type: 'nominal', scale: colorScale(labels), legend: null } }
      : {};
  const yOffset = grouped ? { yOffset: { field: 'group', sort: groups } } : {};
  const y = { field: 'label', type: 'nominal', title: null, sort: null };
  const baseline = options.logScale ? logBaseline(values) : 0;
  const top = options.logScale ? logTop(values) : undefined;
  const decades = top ? Array.from({ length: Math.round(Math.log10(top / baseline)) + 1 }, (_, i) => baseline * 10 ** i) : [];
  const valueTitle = options.valueTitle ?? '';
  const x = options.logScale
    ? {
        field: 'value', type: 'quantitative',
        title: `${valueTitle ? `${valueTitle}, ` : ''}log scale (each gridline ×10)`,
        scale: { type: 'log', domain: [baseline, top], nice: false },
        axis: { values: decades, format: ',~r' },
      }
    : { field: 'value', type: 'quantitative', title: valueTitle, axis: { format: ',~r' } };
  const layers: unknown[] = [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: { y, x, ...(options.logScale ? { x2: { datum: baseline } } : {}), ...color, ...yOffset },
    },
  ];
  if (options.budget !== undefined) {
    layers.push({ data: { values: [{}] }, mark: { type: 'rule', color: 'firebrick', strokeWidth: 1.5, strokeDash: [4, 3] }, encoding: { x: { datum: options.budget } } });
  }
  if (options.labels) {
    // 3 px after the bar's end; when the label would straddle the line, 4 px beyond the line.
    const end = "scale('x', datum.value)";
    const width = `length(format(datum.value, '${format}')) * ${LABEL_CHAR_PX}`;
    const line = options.budget !== undefined ? `scale('x', ${options.budget})` : undefined;
    const dx = line ? { expr: `${end} + 3 <= ${line} + 2 && ${end} + 3 + ${width} >= ${line} - 2 ? ${line} + 4 - ${end} : 3` } : 3;
    layers.push({
      mark: { type: 'text', align: 'left', dx, fontSize: LABEL_FONT_PX },
      encoding: { y, x: { field: 'value', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format }, ...yOffset },
    });
  }
  if (options.logScale && grouped && groups.length > 1 && options.ratios !== false) {
    const ratios = labels.flatMap((label) => {
      const own = data.filter((d) => d.label === label && d.value > 0).map((d) => d.value);
      return own.length > 1 ? [{ label, ratio: Math.max(...own) / Math.min(...own) }] : [];
    });
    const ratioText = (r: number) => `×${r >= 10 ? Math.round(r).toLocaleString('en-US') : r.toFixed(1)}`;
    layers.push({
      data: { values: ratios.map((r) => ({ label: r.label, text: ratioText(r.ratio) })) },
      mark: { type: 'text', align: 'left', fontSize: 11, fontWeight: 'bold', fill: '#444' },
      encoding: { y, x: { value: { expr: 'width + 12' } }, text: { field: 'text' } },
    });
    layers.push({
      data: { values: [{ text: 'slowest ÷ fastest' }] },
      mark: { type: 'text', align: 'left', baseline: 'bottom', fontSize: 10, fill: '#444', dy: -4 },
      encoding: { x: { value: { expr: 'width + 12' } }, y: { value: 0 }, text: { field: 'text' } },
    });
  }
  const size = { width: options.width ?? 480, ...(options.height ? { height: options.height } : {}) };
  const autosize = options.fit ? { autosize: { type: 'fit', contains: 'padding' } } : {};
  return vegaLiteSvg({ title: options.title, ...size, ...autosize, data: { values: data }, layer: layers } as TopLevelSpec);
}

export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
}

/** Lines of y against x, one per series (coloured by name, as colorsByName does), with an optional horizontal budget line. */
export function lineChart(data: SeriesPoint[], options: { title: string; xTitle: string; yTitle: string; budget?: number; logY?: boolean; width?: number }): Promise<string> {
  const layer: unknown[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xTitle, axis: { tickCount: 5, format: '~s' } },
        y: { field: 'y', type: 'quantitative', title: options.yTitle, scale: options.logY ? { type: 'log', nice: false } : {} },
        color: { field: 'series', type: 'nominal', title: null, scale: colorScale(data.map((d) => d.series)), legend: { labelLimit: 320, orient: 'bottom', columns: 2 } },
      },
    },
  ];
  if (options.budget !== undefined) layer.push({ data: { values: [{}] }, mark: { type: 'rule', color: 'firebrick', strokeWidth: 1.5, strokeDash: [4, 3] }, encoding: { y: { datum: options.budget } } });
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

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Where the map puts a point, in pixels: Mercator fitted to the frame and centred, as Plot
 * fits its projection's domain. Close enough to lay labels out so that they do not collide.
 */
function mercatorFit(frame: { coordinates: number[][] }, width: number, height: number) {
  const project = (lon: number, lat: number) => [(lon * Math.PI) / 180, -Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))] as const;
  const corners = frame.coordinates.map(([lon, lat]) => project(lon!, lat!));
  const [minX, maxX] = [Math.min(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[0]))];
  const [minY, maxY] = [Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[1]))];
  const scale = Math.min(width / (maxX - minX), height / (maxY - minY));
  const offsetX = (width - scale * (maxX - minX)) / 2;
  const offsetY = (height - scale * (maxY - minY)) / 2;
  return (lon: number, lat: number) => {
    const [x, y] = project(lon, lat);
    return { x: offsetX + scale * (x - minX), y: offsetY + scale * (y - minY) };
  };
}

/** A label's box, `anchor` its text-anchor, at (x + dx, y + dy) with its baseline centred (Plot's default). */
function labelBox(x: number, y: number, text: string, fontSize: number, anchor: 'start' | 'middle' | 'end', dx: number, dy: number): Box {
  const width = text.length * fontSize * 0.62;
  const left = anchor === 'start' ? x + dx : anchor === 'end' ? x + dx - width : x + dx - width / 2;
  return { left, right: left + width, top: y + dy - fontSize * 0.6, bottom: y + dy + fontSize * 0.6 };
}

/** Query 4 on a map of France: every city named where its name fits, the campaign's as dots sized by their total, the amount above each. */
export async function cityMap(rows: CityAmount[], options: { title?: string; width?: number; height?: number } = {}): Promise<string> {
  const [Plot, { parseHTML }, france] = await Promise.all([import('@observablehq/plot'), import('linkedom'), loadFrance()]);
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  // Drawn at the size it is shown, so that its labels keep their size (a scaled map shrinks them).
  const width = options.width ?? 560;
  const height = options.height ?? 540;
  // Mainland France and Corsica: the outline also holds overseas territories.
  const frame = { type: 'MultiPoint' as const, coordinates: [[-5.2, 41.2], [9.8, 41.2], [-5.2, 51.2], [9.8, 51.2]] };
  const at = mercatorFit(frame, width, height);
  const inCampaign = new Set(rows.map((r) => r.city));
  // Radii computed here (area proportional to the amount) so that each label clears its own dot.
  const largest = Math.max(1, ...rows.map((r) => r.total_donation_amount));
  const dots = rows.map((r) => ({ ...r, radius: 5 + 17 * Math.sqrt(Math.max(0, r.total_donation_amount) / largest) }));
  const euros = (amount: number) => `${Math.round(amount).toLocaleString('en-US')} EUR`;
  const taken: Box[] = [];
  const inside = (b: Box) => b.left >= 2 && b.right <= width - 2 && b.top >= 2 && b.bottom <= height - 2;

  // The campaign's dots, then their labels: above the dot (below when a campaign neighbour sits
  // just north), slid sideways to stay inside the frame.
  for (const d of dots) {
    const { x, y } = at(d.longitude, d.latitude);
    taken.push({ left: x - d.radius, right: x + d.radius, top: y - d.radius, bottom: y + d.radius });
  }
  const campaignLabels = dots.map((d) => {
    const { x, y } = at(d.longitude, d.latitude);
    const text = `${d.city}: ${euros(d.total_donation_amount)}`;
    const below = dots.some((o) => o !== d && Math.abs(o.longitude - d.longitude) < 3 && o.latitude > d.latitude && o.latitude - d.latitude < 1.5);
    const dy = below ? d.radius + 10 : -(d.radius + 8);
    const box = labelBox(x, y, text, 11, 'middle', 0, dy);
    const dx = box.left < 4 ? 4 - box.left : box.right > width - 4 ? width - 4 - box.right : 0;
    taken.push({ ...box, left: box.left + dx, right: box.right + dx });
    return Plot.text([d], { x: 'longitude', y: 'latitude', text: () => text, dx, dy, fontSize: 11, fontWeight: 'bold', stroke: 'white', strokeWidth: 3, fill: 'black' });
  });

  // Every other city: a grey dot, and its name on the first free side (right, left, below,
  // above); a name with no free side is left out rather than drawn over another.
  const others = CITIES.filter((c) => !inCampaign.has(c.city));
  for (const c of others) {
    const { x, y } = at(c.longitude, c.latitude);
    taken.push({ left: x - 3, right: x + 3, top: y - 3, bottom: y + 3 });
  }
  const sides = [
    { textAnchor: 'start', dx: 5, dy: 0 },
    { textAnchor: 'end', dx: -5, dy: 0 },
    { textAnchor: 'middle', dx: 0, dy: 10 },
    { textAnchor: 'middle', dx: 0, dy: -10 },
  ] as const;
  const otherLabels = others.flatMap((c) => {
    const { x, y } = at(c.longitude, c.latitude);
    for (const side of sides) {
      const box = labelBox(x, y, c.city, 9, side.textAnchor, side.dx, side.dy);
      if (inside(box) && !taken.some((t) => overlaps(t, box))) {
        taken.push(box);
        return [Plot.text([c], { x: 'longitude', y: 'latitude', text: 'city', ...side, fontSize: 9, fill: '#777' })];
      }
    }
    return [];
  });

  const svg = Plot.plot({
    document: document as unknown as Document,
    width,
    height,
    projection: { type: 'mercator', domain: frame },
    r: { type: 'identity' },
    marks: [
      Plot.geo(france as never, { fill: '#f3f1ea', stroke: '#999' }),
      Plot.dot(others, { x: 'longitude', y: 'latitude', r: 2.5, fill: '#999' }),
      ...otherLabels,
      Plot.dot(dots, { x: 'longitude', y: 'latitude', r: (d: (typeof dots)[number]) => d.radius, fill: 'steelblue', fillOpacity: 0.55, stroke: 'white' }),
      ...campaignLabels,
      ...(options.title ? [Plot.text([options.title], { frameAnchor: 'top-left', fontSize: 13, fontWeight: 'bold', dx: 6, dy: 6 })] : []),
    ],
  });
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return svg.outerHTML;
}

/**
 * What makes a chart blank, as a person would say it: no marks at all, or bars, lines or
 * dots with no extent (zero width, a line of one point, a dot of radius 0). Empty when the
 * chart draws what it holds.
 */
export function blankMarks(svg: string): string[] {
  const problems: string[] = [];
  // The class anywhere in the tag: nbconvert's HTML sanitizer puts a tag's attributes in alphabetical order.
  const vegaMarks = [...svg.matchAll(/<g\s(?:[^>]*\s)?class="mark-(rect|line|symbol|area) role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)];
  const plotCircles = [...svg.matchAll(/<circle[^>]*\sr="([\d.]+)"/g)].map((m) => Number(m[1]));
  const plotGeo = /<path[^>]*\sd="M[^"]{20,}"/.test(svg) && svg.includes('aria-label="geo"');
  if (vegaMarks.length === 0 && plotCircles.length === 0 && !plotGeo) return ['no marks at all'];
  for (const [, kind, body] of vegaMarks) {
    const paths = [...body!.matchAll(/\sd="([^"]*)"/g)].map((m) => m[1]!);
    if (paths.length === 0) problems.push(`a ${kind} layer with no mark`);
    for (const d of paths) {
      if (kind === 'rect') {
        const width = /h(-?[\d.e-]+)/.exec(d);
        const height = /v(-?[\d.e-]+)/.exec(d);
        if (!width || !height || Math.abs(Number(width[1])) < 0.5 || Math.abs(Number(height[1])) < 0.5) problems.push(`a bar with no extent (${d})`);
      } else if (kind === 'line' && !/[LlCc]/.test(d)) problems.push('a line of one point');
    }
  }
  if (plotCircles.some((r) => !(r > 0))) problems.push('a dot of radius 0');
  return problems;
}
