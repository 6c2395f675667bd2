// The static site's pieces that need no notebook run: its Markdown, the run's facts, the
// navigation, what a page must not hold. The browser test (test/site) builds and browses a real one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockMarkdown, decorateLessonPage, indexPage, inlineMarkdown, lessonNav, markdownSection, pageProblems, runFactsLine, type Lesson } from '../../infra/site.js';
import { ROOT } from '../../infra/services.js';
import type { RunFacts } from '../../infra/workshop.js';

const facts: RunFacts = {
  date: '2026-05-01T14:03:27.120Z',
  rows: 2_000_000,
  cores: 2,
  node: 'v24.1.0',
  database: { target: 'mariadb', flavour: 'mariadb', version: '10.11.19-MariaDB' },
  notebooks: [],
};
const lessons: Lesson[] = [
  { notebook: '00-setup', title: '00 · Setup', minutes: 10 },
  { notebook: '01-kafka-smoke-tests', title: '01 · Kafka <smoke>', minutes: 10 },
  { notebook: '02-pipeline-quick-start', title: '02 · Pipeline', minutes: 15 },
];

describe('the static site', () => {
  it('renders the inline Markdown of the agenda and escapes the rest', () => {
    expect(inlineMarkdown("reconciliation `EXACT`, **7** <panels> [docs](docs/pipeline.md) `a<b`")).toBe(
      'reconciliation <code>EXACT</code>, <strong>7</strong> &lt;panels&gt; <a href="docs/pipeline.md">docs</a> <code>a&lt;b</code>',
    );
    expect(blockMarkdown('one\nline\n\n```sh\nnpm run lab   # JupyterLab\n```\n')).toBe('<p>one line</p>\n<pre><code>npm run lab   # JupyterLab</code></pre>');
  });

  it("quotes the README's way to run it: both commands, up to the next heading", () => {
    const section = markdownSection(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## On a fresh machine');
    expect(section).toContain('npm run workshop');
    expect(section).toContain('npm run lab');
    expect(section).not.toContain('### What the machine needs');
    expect(() => markdownSection('# a\n', '## b')).toThrow(/no "## b"/);
    // A file's first heading too: WORKSHOP.md opens with its title.
    expect(markdownSection("# Presenter's guide\n\nA 2 to 3 hour workshop.\n\n## Before the day\n", "# Presenter's guide")).toBe('A 2 to 3 hour workshop.');
  });

  it('states the run: date, rows, cores, Node, server and target', () => {
    expect(runFactsLine(facts)).toBe("run of 2026-05-01 14:03 UTC · WORKSHOP_ROWS 2,000,000 · 2 cores · Node v24.1.0 · MariaDB 10.11.19-MariaDB (the local target, the kit's pipeline)");
  });

  it('links each lesson to the index, its neighbours and its executed notebook', () => {
    const middle = lessonNav(lessons, 1, facts, 'top');
    expect(middle).toContain('href="index.html"');
    expect(middle).toContain('href="00-setup.html" rel="prev"');
    expect(middle).toContain('href="02-pipeline-quick-start.html" rel="next"');
    expect(middle).toContain('href="notebooks/01-kafka-smoke-tests.ipynb" download');
    expect(middle).toContain('WORKSHOP_ROWS 2,000,000');
    expect(lessonNav(lessons, 0, facts, 'bottom')).not.toContain('rel="prev"');
    expect(lessonNav(lessons, 2, facts, 'bottom')).not.toContain('rel="next"');
    const page = decorateLessonPage('<html><head><title>x</title></head><body class="jp-Notebook">cells</body></html>', lessons, 1, facts);
    expect(page).toMatch(/<title>01 · Kafka &lt;smoke&gt; · Donations workshop<\/title>/);
    expect(page.indexOf('<nav')).toBeGreaterThan(page.indexOf('<body'));
    expect(page.lastIndexOf('<nav')).toBeLessThan(page.indexOf('</body>'));
  });

  it('puts the agenda and the Codespaces link (when the repository is known) on the index', () => {
    const html = indexPage(lessons, facts, { about: 'A **workshop**.', runIt: '```sh\nnpm run workshop\n```', repository: 'someone/kit' });
    expect(html).toContain('<a href="00-setup.html">00 · Setup</a>');
    expect(html).toContain('<td>break</td>');
    expect(html).toContain('~2 h 30');
    expect(html).toContain('https://codespaces.new/someone/kit?quickstart=1');
    expect(indexPage(lessons, facts, { about: '', runIt: '' })).not.toContain('codespaces.new');
    expect(indexPage(lessons, facts, { about: '', runIt: '' })).not.toContain('<p>No install');
  });

  it("refuses a page that loads a script from elsewhere, names this machine's folders or its host name", () => {
    expect(pageProblems('a.html', '<script src="https://cdn.example/x.js"></script>', 'nohost').map((p) => p.problem)).toEqual(['loads https://cdn.example/x.js']);
    expect(pageProblems('a.html', `see ${ROOT}/out/notebooks`, 'nohost')[0]!.problem).toMatch(/a path of this machine/);
    expect(pageProblems('a.html', 'ran on build-box-7.', 'build-box-7')[0]!.problem).toMatch(/host name/);
    expect(pageProblems('a.html', 'a vm in a room', 'vm')).toEqual([]);
    expect(pageProblems('a.html', '<a href="https://docs.singlestore.com/">docs</a>', 'nohost')).toEqual([]);
  });
});
