// One agenda: WORKSHOP.md's table is infra/agenda.ts rendered, and the site shows the same source.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENDA, AGENDA_LESSONS, agendaMarkdown, agendaTotal } from '../../infra/agenda.js';
import { ROOT } from '../../infra/services.js';

const workshop = readFileSync(join(ROOT, 'WORKSHOP.md'), 'utf8');

describe('the agenda', () => {
  it("is WORKSHOP.md's Agenda table, row for row", () => {
    const section = workshop.slice(workshop.indexOf('\n## Agenda\n') + 1).split(/\n## /)[0]!;
    const table = section.split('\n').filter((line) => line.startsWith('|')).join('\n');
    expect(table).toBe(agendaMarkdown());
  });

  it('names every lesson notebook once, in order', () => {
    const notebooks = readdirSync(join(ROOT, 'notebooks')).filter((name) => name.endsWith('.ipynb')).map((name) => name.replace(/\.ipynb$/, '')).sort();
    expect(AGENDA_LESSONS.map((part) => part.notebook)).toEqual(notebooks);
  });

  it('totals the parts that are not optional', () => {
    expect(agendaTotal()).toBe('~2 h 30');
    expect(agendaTotal([{ part: '0', minutes: 65, sees: '' }, { part: '1', minutes: 20, sees: '', optional: true }])).toBe('~1 h 05');
    expect(AGENDA.filter((part) => part.optional).map((part) => part.notebook)).toEqual(['09-aggregates-at-ingest']);
  });
});
