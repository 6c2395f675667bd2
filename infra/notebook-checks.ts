/**
 * What an executed notebook must not show an attendee, beyond error cells: a chart with
 * nothing drawn, a path of the machine it ran on, a reconciliation that does not match,
 * tables that differ. The main job and the notebook test both apply these checks.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { blankMarks } from '@donations/lib';
import { ROOT } from './services.js';

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

const join = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join('') : (value ?? ''));

/** Every text an output shows: streams, plain text, HTML and Markdown, SVG. */
export function outputTexts(file: string): { cell: number; text: string }[] {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: { cell_type: string; outputs?: Output[] }[] };
  const texts: { cell: number; text: string }[] = [];
  notebook.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      if (output.text !== undefined) texts.push({ cell: index, text: join(output.text) });
      for (const value of Object.values(output.data ?? {})) texts.push({ cell: index, text: join(value) });
    }
  });
  return texts;
}

/** Words that, printed by a lesson, mean its evidence is wrong. */
const ALARMS = [/\bMISMATCH\b/, /The tables differ/, /TypeError|ReferenceError|UnhandledPromiseRejection/, /^\d+:\d+ - .+/m];

/** The folders of this machine a page or an output must not name: the kit's, the home folder, the temporary one. */
export function machinePaths(): string[] {
  return [...new Set([ROOT, homedir(), tmpdir()].filter((p) => p.length > 4))];
}

/** The machine paths `text` names, each as `path/...`. */
export function machinePathsIn(text: string, paths = machinePaths()): string[] {
  return paths.filter((path) => text.includes(`${path}/`)).map((path) => `${path}/...`);
}

export function findContentProblems(file: string): string[] {
  const problems: string[] = [];
  const paths = machinePaths();
  for (const { cell, text } of outputTexts(file)) {
    for (const svg of text.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
      for (const problem of blankMarks(svg)) problems.push(`cell ${cell}: a blank chart (${problem})`);
    }
    for (const path of machinePathsIn(text, paths)) problems.push(`cell ${cell}: an absolute path of this machine (${path})`);
    for (const alarm of ALARMS) if (alarm.test(text)) problems.push(`cell ${cell}: says ${alarm.exec(text)![0]}`);
  }
  return [...new Set(problems)];
}
