/**
 * What each fault scenario injected and what came out of it, one JSON line per scenario in
 * out/faults/figures.jsonl; the suite's teardown prints them as a table.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '../../out/faults');
const FILE = join(DIR, 'figures.jsonl');

export interface ScenarioFigures {
  scenario: string;
  /** The faults injected, in words: "4 x kill -9 of the pipeline inside a batch". */
  faults: string;
  produced: number;
  acknowledged: number;
  /** Acknowledged by the broker, absent from the table. */
  lost: number;
  /** In the table more than once. */
  duplicated: number;
  /** Recorded in the pipeline's errors table. */
  rejected: number;
  /** Skipped as duplicate keys (messages the topic holds twice). */
  skippedDuplicates: number;
  notes?: string;
}

export function resetFigures(): void {
  rmSync(FILE, { force: true });
}

export function recordFigures(figures: ScenarioFigures): void {
  mkdirSync(DIR, { recursive: true });
  appendFileSync(FILE, `${JSON.stringify(figures)}\n`);
}

export function readFigures(): ScenarioFigures[] {
  if (!existsSync(FILE)) return [];
  return readFileSync(FILE, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScenarioFigures);
}

export function formatFigures(rows: ScenarioFigures[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = ['fault suite figures:'];
  for (const r of rows) {
    lines.push(
      `  ${r.scenario}: ${r.faults}; produced ${n(r.produced)}, acknowledged ${n(r.acknowledged)}, lost ${n(r.lost)}, duplicated ${n(r.duplicated)}, ` +
        `rejected ${n(r.rejected)}, duplicate messages skipped ${n(r.skippedDuplicates)}${r.notes ? ` (${r.notes})` : ''}`,
    );
  }
  return lines.join('\n');
}
