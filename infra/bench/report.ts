/** The bench's results as JSON (out/bench/results.json), as the Markdown BENCHMARKS.md quotes, and as the chart of the queries at scale (out/bench/scale.svg). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart, type RefreshReport } from '@donations/lib';
import type { ProfileSummary } from './profile.js';
import { OUT } from './context.js';
import { round2 } from './measure.js';

export interface Spread {
  best: number;
  min: number;
  max: number;
  runs: number[];
}

/** The 1-minute load average before and after a part. */
type Load = [number, number];

export interface KillCheck {
  killedAtRows: number;
  lost: number;
  duplicated: number;
  held: number;
  exact: boolean;
}

export interface Results {
  /** kafka, connect: the locked releases the run used; results saved before they were recorded ran 3.9.1. */
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; date: string; loadAtStart: number; kafka?: string; connect?: string };
  parts: string[];
  producer?: { events: number; load: Load; kcat?: Spread; kcatSkipped?: string; kit: Spread; kitProcess?: Spread; wholeProcessRatio?: number; kitCpuSecondsPerMillion: number; ratio?: number; profile?: ProfileSummary };
  ingest?: {
    rows: number;
    load: Load;
    rawLoadData: Spread & { databaseCpuSeconds: number };
    pipeline: Spread & { batches: number; cpu: { node: number; database: number; broker: number } };
    jsReferenceRowsPerSecond: number;
    insertWriterRowsPerSecond: number;
    totals: { without: Spread; with: Spread; ratio: number; exact: boolean };
    ratio: number;
    profile?: ProfileSummary;
  };
  peers?: {
    rows: number;
    load: Load;
    envelope: { jsonBytesPerEvent: number; envelopeBytesPerEvent: number; producerEventsPerSecond: number };
    connect: Spread & { fromStartRowsPerSecond: number; startupSeconds: number; batchSize: number; cpu: { database: number; broker: number }; kill: KillCheck };
    kit: { rowsPerSecond?: Spread; kill: KillCheck };
    ratio?: number;
  };
  endToEnd?: { rows: number; load: Load; rowsPerSecond: Spread; cpu: { seconds: number; node: number; database: number; broker: number } };
  freshness?: { rate: number; probes: number; p50Ms: number; p95Ms: number; p99Ms?: number; maxMs: number; load: Load };
  /** The kit's layout while rows arrive: into the campaign the panels read, or into another. */
  liveWrites?: {
    rows: number;
    campaignRows: number;
    rate: number;
    load: Load;
    cases: { case: string; round: number; p50Ms: number; p95Ms: number; refreshes: number; late: number }[];
  };
  queries?: {
    campaignRows: number;
    load: Load;
    scales: {
      rows: number;
      campaigns: number;
      load: number;
      naive: RefreshReport;
      optimized: RefreshReport;
      totals: RefreshReport;
      /** Each panel on the kit's layout alone, one after another: their sum over the cores bounds a refresh. */
      optimizedAlone?: { perPanel: { number: number; p50Ms: number }[]; sumMs: number };
    }[];
    totalsChecked: number;
    totalsMismatched: number;
  };
}

export interface Target {
  issue: string;
  target: string;
  measured: string;
  reached: boolean | undefined;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const range = (s: Spread) => (s.runs.length > 1 ? `${n(s.min)}-${n(s.max)}` : n(s.best));
const x = (ratio: number) => `${ratio.toFixed(2)}x`;

/** Each target of issues 12, 14 and 16 against what this run measured. */
/** End to end's best against raw LOAD DATA's best of the same run, when both ran. */
function endToEndOfRawLoadData(r: Results): number | undefined {
  return r.endToEnd && r.ingest ? round2(r.endToEnd.rowsPerSecond.best / r.ingest.rawLoadData.best) : undefined;
}

export function targets(r: Results): Target[] {
  const list: Target[] = [];
  if (r.ingest) list.push({ issue: '16', target: 'pipeline >= 0.5x raw LOAD DATA', measured: `${x(r.ingest.ratio)} (${n(r.ingest.pipeline.best)} vs ${n(r.ingest.rawLoadData.best)} rows/s)`, reached: r.ingest.ratio >= 0.5 });
  if (r.peers) {
    list.push({ issue: '16', target: 'pipeline still exactly once (kill -9 mid-load)', measured: `${r.peers.kit.kill.lost} lost, ${r.peers.kit.kill.duplicated} duplicated`, reached: r.peers.kit.kill.exact });
    if (r.peers.ratio !== undefined) list.push({ issue: '16', target: 'pipeline >= 1x the Kafka Connect JDBC sink', measured: `${x(r.peers.ratio)} (${n(r.peers.kit.rowsPerSecond!.best)} vs ${n(r.peers.connect.best)} rows/s)`, reached: r.peers.ratio >= 1 });
  }
  const p = r.producer;
  if (p?.kcat && p.kitProcess && p.wholeProcessRatio !== undefined) list.push({ issue: '28', target: 'producer >= 0.15x kcat, whole process against whole process', measured: `${x(p.wholeProcessRatio)} (${n(p.kitProcess.best)} vs ${n(p.kcat.best)} events/s)`, reached: p.wholeProcessRatio >= 0.15 });
  const endToEndRatio = endToEndOfRawLoadData(r);
  if (r.endToEnd && r.ingest && endToEndRatio !== undefined) {
    list.push({ issue: '28', target: 'end to end (produce and load at once) >= 0.5x raw LOAD DATA', measured: `${x(endToEndRatio)} (${n(r.endToEnd.rowsPerSecond.best)} vs ${n(r.ingest.rawLoadData.best)} rows/s)`, reached: endToEndRatio >= 0.5 });
  }
  if (r.ingest) list.push({ issue: '28', target: 'pipeline >= 0.8x raw LOAD DATA', measured: `${x(r.ingest.ratio)} (${n(r.ingest.pipeline.best)} vs ${n(r.ingest.rawLoadData.best)} rows/s)`, reached: r.ingest.ratio >= 0.8 });
  if (r.freshness?.p99Ms !== undefined) list.push({ issue: '28', target: 'freshness p99 <= 100 ms at 5,000 events/s', measured: `${r.freshness.p99Ms} ms (${r.freshness.probes} probes)`, reached: r.freshness.p99Ms <= 100 });
  const q = r.queries;
  const top = q?.scales[q.scales.length - 1];
  if (q && top) {
    const at = `at ${n(top.rows)} rows`;
    const slower = top.naive.p95Ms / Math.max(top.optimized.p95Ms, 0.01);
    list.push({ issue: '12', target: `optimized full refresh p95 <= 250 ms, ${at}`, measured: `${top.optimized.p95Ms} ms`, reached: top.optimized.p95Ms <= 250 });
    list.push({ issue: '12', target: `naive full refresh >= 10x slower, ${at}`, measured: `${slower.toFixed(1)}x (${n(top.naive.p95Ms)} ms)`, reached: slower >= 10 });
    const worstPanel = Math.max(...top.totals.perPanel.map((p) => p.p95Ms));
    list.push({ issue: '14', target: `totals: every panel p95 <= 10 ms, ${at}`, measured: `worst ${worstPanel} ms`, reached: worstPanel <= 10 });
    list.push({ issue: '14', target: `totals: full refresh p95 <= 25 ms, ${at}`, measured: `${top.totals.p95Ms} ms`, reached: top.totals.p95Ms <= 25 });
    const first = q.scales[0]!;
    const growth = top.totals.p95Ms / Math.max(first.totals.p95Ms, 0.01);
    list.push({ issue: '14', target: `totals stay flat from ${n(first.rows)} to ${n(top.rows)} rows (p95 grows < 2x)`, measured: `${first.totals.p95Ms} -> ${top.totals.p95Ms} ms (${growth.toFixed(1)}x)`, reached: growth < 2 });
    list.push({ issue: '14', target: 'totals equal the rows exactly (checkTotals, every campaign)', measured: `${q.totalsChecked - q.totalsMismatched} of ${q.totalsChecked} exact`, reached: q.totalsMismatched === 0 });
  }
  if (r.ingest) list.push({ issue: '14', target: 'ingest with totals >= 0.7x without', measured: `${x(r.ingest.totals.ratio)} (${n(r.ingest.totals.with.best)} vs ${n(r.ingest.totals.without.best)} rows/s)${r.ingest.totals.exact ? '' : ', totals NOT exact'}`, reached: r.ingest.totals.ratio >= 0.7 && r.ingest.totals.exact });
  return list;
}

function profileLines(title: string, p: ProfileSummary | undefined): string[] {
  if (!p) return [];
  const lines = [`${title} (\`${p.file.split('/out/')[1] ?? p.file}\`, ${n(p.totalMs)} ms sampled):`, '', '| where the time goes | ms | share |', '|---|---:|---:|'];
  for (const c of p.categories) lines.push(`| ${c.category} | ${n(c.ms)} | ${c.share}% |`);
  lines.push('', '| top functions by self time | where | ms | share |', '|---|---|---:|---:|');
  for (const f of p.topFunctions.slice(0, 10)) lines.push(`| ${f.name} | ${f.where} | ${n(f.ms)} | ${f.share}% |`);
  lines.push('');
  return lines;
}

export function markdown(r: Results): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`Measured ${m.date} on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}; Kafka ${m.kafka ?? '3.9.1'} and MariaDB as local processes; load average at the start ${m.loadAtStart}.`, '');
  const load = (l: Load) => `load ${l[0]} -> ${l[1]}`;
  lines.push('### Targets', '', '| issue | target | measured | |', '|---|---|---|---|');
  for (const t of targets(r)) lines.push(`| #${t.issue} | ${t.target} | ${t.measured} | **${t.reached ? 'reached' : 'missed'}** |`);
  lines.push('');
  if (r.ingest) {
    const i = r.ingest;
    lines.push(`### Ingest: ${n(i.rows)} rows into the naive table (${load(i.load)})`, '', '| path | rows/s (best) | runs | ratio to raw LOAD DATA |', '|---|---:|---:|---:|');
    lines.push(`| raw \`LOAD DATA LOCAL INFILE\` of a ready TSV file, mariadb client (the database's limit) | ${n(i.rawLoadData.best)} | ${range(i.rawLoadData)} | 1.00 |`);
    lines.push(`| the kit's pipeline, Kafka to table, exactly once | ${n(i.pipeline.best)} | ${range(i.pipeline)} | ${(i.pipeline.best / i.rawLoadData.best).toFixed(2)} |`);
    lines.push(`| *breakdown:* LOAD DATA streamed from the kit's JavaScript transform, no Kafka | ${n(i.jsReferenceRowsPerSecond)} | 1 | ${(i.jsReferenceRowsPerSecond / i.rawLoadData.best).toFixed(2)} |`);
    lines.push(`| *breakdown:* the pipeline with multi-row INSERT instead of LOAD DATA | ${n(i.insertWriterRowsPerSecond)} | 1 | ${(i.insertWriterRowsPerSecond / i.rawLoadData.best).toFixed(2)} |`);
    lines.push('', `CPU seconds for ${n(i.rows)} rows: raw LOAD DATA, the database ${i.rawLoadData.databaseCpuSeconds} s; the pipeline's best run, its Node process ${i.pipeline.cpu.node} s, the database ${i.pipeline.cpu.database} s, the broker ${i.pipeline.cpu.broker} s (${i.pipeline.batches} batches).`, '');
    lines.push(`Totals kept at ingest (lesson 09), the kit's layout both sides, ${Math.max(2, i.totals.with.runs.length)} runs each, alternated: without ${n(i.totals.without.best)} rows/s (${range(i.totals.without)}), with ${n(i.totals.with.best)} rows/s (${range(i.totals.with)}): **${x(i.totals.ratio)}**; totals against rows: ${i.totals.exact ? 'exact' : 'NOT exact'}.`, '');
  }
  if (r.producer) {
    const p = r.producer;
    lines.push(`### Producer: ${n(p.events)} identical JSON events (${load(p.load)})`, '', '| producer | events/s (best) | runs | ratio to kcat |', '|---|---:|---:|---:|');
    lines.push(p.kcat ? `| kcat (librdkafka, C), acks=all, whole process | ${n(p.kcat.best)} | ${range(p.kcat)} | 1.00 |` : `| kcat: skipped (${p.kcatSkipped}) | | | |`);
    if (p.kitProcess) lines.push(`| the kit (kafkajs), acks=all, batches of 2,000, 4 in flight, whole process (Node and tsx start) | ${n(p.kitProcess.best)} | ${range(p.kitProcess)} | ${p.wholeProcessRatio === undefined ? '-' : x(p.wholeProcessRatio)} |`);
    lines.push(`| the kit, from its connect to its last acknowledgement | ${n(p.kit.best)} | ${range(p.kit)} | ${p.ratio === undefined ? '-' : x(p.ratio)} |`);
    lines.push('', `The kit's producer used ${p.kitCpuSecondsPerMillion} CPU seconds per million events.`, '');
  }
  if (r.peers) {
    const c = r.peers;
    lines.push(`### Peers: Kafka Connect with Debezium's JDBC sink (${load(c.load)})`, '', '| loader | rows/s (best) | runs | delivery | kill -9 mid-load |', '|---|---:|---:|---|---|');
    if (c.kit.rowsPerSecond) lines.push(`| the kit's pipeline | ${n(c.kit.rowsPerSecond.best)} | ${range(c.kit.rowsPerSecond)} | exactly once | killed at ${n(c.kit.kill.killedAtRows)} rows: ${n(c.kit.kill.lost)} lost, ${n(c.kit.kill.duplicated)} duplicated |`);
    lines.push(`| Connect ${r.machine.connect ?? '3.9.1'} standalone + Debezium JDBC sink 3.5.0, upsert, batch ${n(c.connect.batchSize)} | ${n(c.connect.best)} | ${range(c.connect)} | at least once | killed at ${n(c.connect.kill.killedAtRows)} rows: ${n(c.connect.kill.lost)} lost, ${n(c.connect.kill.duplicated)} duplicated |`);
    lines.push('', `Connect's rate counts from its first row (its JVM and plugin start took ${c.connect.startupSeconds} s; from the worker's start: ${n(c.connect.fromStartRowsPerSecond)} rows/s). The envelope Connect's JSON converter needs (schema + payload) is ${c.envelope.envelopeBytesPerEvent} bytes per event against ${c.envelope.jsonBytesPerEvent} for the kit's JSON; the kit's producer sent it at ${n(c.envelope.producerEventsPerSecond)} events/s.`, '');
  }
  if (r.endToEnd) {
    const e = r.endToEnd;
    const ofRawLoadData = endToEndOfRawLoadData(r);
    const ofRaw = ofRawLoadData === undefined ? '' : ` (${x(ofRawLoadData)} raw LOAD DATA of this run)`;
    lines.push(`### End to end: produce and load ${n(e.rows)} rows at once, one process, as notebook 05 (${load(e.load)})`, '', `Best **${n(e.rowsPerSecond.best)} rows/s**${ofRaw} (runs ${range(e.rowsPerSecond)}). In that run, ${e.cpu.seconds} s: the Node process (the producer in a thread of its own, the pipeline on the main thread) used ${e.cpu.node} CPU s, the database ${e.cpu.database} s, the broker ${e.cpu.broker} s.`, '');
  }
  if (r.freshness) {
    const f = r.freshness;
    lines.push(`### Freshness: produce to visible under ${n(f.rate)} events/s (${load(f.load)})`, '', `${f.probes} probes: p50 **${f.p50Ms} ms**, p95 **${f.p95Ms} ms**${f.p99Ms === undefined ? '' : `, p99 **${f.p99Ms} ms**`}, max ${f.maxMs} ms.`, '');
  }
  if (r.liveWrites) {
    const w = r.liveWrites;
    lines.push(
      `### Live writes: the kit's layout at ${n(w.rows)} rows while ${n(w.rate)} rows/s arrive (${load(w.load)})`,
      '',
      `The dashboard on a campaign of ${n(w.campaignRows)} donations, measured as in the lessons (up to 20 refreshes or 10 s), in each case, twice, in turns:`,
      '',
      '| case | round | refreshes | late | p50 ms | p95 ms |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const c of w.cases) lines.push(`| ${c.case} | ${c.round} | ${c.refreshes} | ${c.late} | ${c.p50Ms} | ${c.p95Ms} |`);
    lines.push('');
  }
  if (r.queries) {
    const q = r.queries;
    lines.push(`### Queries at scale: campaigns of ${n(q.campaignRows)} rows, 7 panels at once, 250 ms refresh (${load(q.load)})`, '');
    lines.push('| rows | load | naive p50 | naive p95 | optimized p50 | optimized p95 | totals p50 | totals p95 | naive / optimized (p95) |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of q.scales) {
      lines.push(`| ${n(s.rows)} | ${s.load} | ${s.naive.p50Ms} | ${s.naive.p95Ms} | ${s.optimized.p50Ms} | ${s.optimized.p95Ms} | ${s.totals.p50Ms} | ${s.totals.p95Ms} | ${(s.naive.p95Ms / Math.max(s.optimized.p95Ms, 0.01)).toFixed(1)}x |`);
    }
    const top = q.scales[q.scales.length - 1];
    if (top) {
      lines.push('', `Per panel at ${n(top.rows)} rows (ms; refreshes measured: naive ${top.naive.refreshes}, optimized ${top.optimized.refreshes}, totals ${top.totals.refreshes}):`, '');
      lines.push('| panel | naive p50 | naive p95 | optimized p50 | optimized p95 | totals p50 | totals p95 |', '|---|---:|---:|---:|---:|---:|---:|');
      top.naive.perPanel.forEach((p, i) => {
        const o = top.optimized.perPanel[i]!;
        const t = top.totals.perPanel[i]!;
        lines.push(`| Q${p.number} ${p.title} | ${p.p50Ms} | ${p.p95Ms} | ${o.p50Ms} | ${o.p95Ms} | ${t.p50Ms} | ${t.p95Ms} |`);
      });
      if (top.optimizedAlone) {
        const alone = top.optimizedAlone;
        lines.push(
          '',
          `What bounds the kit's layout at ${n(top.rows)} rows: each panel alone, one after another (median of 5): ${alone.perPanel.map((p) => `Q${p.number} ${p.p50Ms} ms`).join(', ')}; ` +
            `together ${alone.sumMs} ms of work, so seven panels at once on ${r.machine.cpus} cores cannot take less than ${(alone.sumMs / r.machine.cpus).toFixed(0)} ms (measured p50 ${top.optimized.p50Ms} ms, p95 ${top.optimized.p95Ms} ms).`,
        );
      }
      lines.push('', `Totals checked against the rows for ${q.totalsChecked} campaigns: ${q.totalsMismatched === 0 ? 'all exact' : `${q.totalsMismatched} NOT exact`}.`, '');
    }
  }
  lines.push(...profileLines(`Profile of the pipeline (one run, ${n(r.ingest?.rows ?? 0)} rows)`, r.ingest?.profile));
  lines.push(...profileLines("Profile of the kit's producer (one run)", r.producer?.profile));
  return lines.join('\n');
}

export async function scaleChart(results: Results): Promise<void> {
  if (!results.queries) return;
  const points = results.queries.scales.flatMap((s) => [
    { x: s.rows, y: Math.max(s.naive.p95Ms, 0.1), series: 'naive layout: full refresh p95' },
    { x: s.rows, y: Math.max(s.optimized.p95Ms, 0.1), series: "the kit's layout: full refresh p95" },
    { x: s.rows, y: Math.max(s.totals.p95Ms, 0.1), series: 'totals kept at ingest: full refresh p95' },
  ]);
  writeFileSync(join(OUT, 'scale.svg'), await lineChart(points, { title: 'Dashboard refresh as rows grow, 7 panels at once (dashed: 250 ms)', xTitle: 'rows in the table', yTitle: 'ms (log)', budget: 250, logY: true, width: 560 }));
}
