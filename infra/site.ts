/**
 * `npm run site`: the executed workshop as a static site in out/site, for learners who cannot
 * install and rooms without a set-up. An index (what the workshop is, the agenda, how to run
 * it yourself) and one page per lesson with every output of the last `npm run workshop`
 * (out/notebooks; with none, it runs the workshop first), the facts of that run, and the
 * executed .ipynb to download. The pages load nothing from elsewhere: they work from file://
 * and from any static host.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { KitError, loadConfig, readEnvironment, type KitConfig } from '@donations/lib';
import { AGENDA, AGENDA_LESSONS, agendaTotal } from './agenda.js';
import { countFlag, flags, isMainModule } from './cli.js';
import { machinePathsIn } from './notebook-checks.js';
import { notebookToHtml, remoteReferences } from './notebook-html.js';
import { ROOT, ensureDir, runScript } from './services.js';
import { findSecrets, readRunFacts, workshop, type RunFacts } from './workshop.js';

const USAGE = `usage: npm run site -- [--rows N] [--from DIR] [--out DIR]
  --rows N    the scale of the workshop run when DIR holds none (default WORKSHOP_ROWS)
  --from DIR  the executed notebooks (default out/notebooks, the last npm run workshop)
  --out DIR   where the site goes (default out/site)`;

export const NOTEBOOKS_OUT = join(ROOT, 'out', 'notebooks');
export const SITE_OUT = join(ROOT, 'out', 'site');

// ------------------------------------------------------------------ text to HTML

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markdown's inline forms the kit's prose uses: `code`, **bold**, [links](url). */
export function inlineMarkdown(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => `<a href="${href}">${label}</a>`);
    })
    .join('');
}

/** Paragraphs and fenced code blocks, enough for the README's and WORKSHOP.md's prose. */
export function blockMarkdown(text: string): string {
  const html: string[] = [];
  for (const block of text.trim().split(/\n{2,}(?=[^\n])/)) {
    const fence = /^```\w*\n([\s\S]*?)\n```$/.exec(block.trim());
    if (fence) html.push(`<pre><code>${escapeHtml(fence[1]!)}</code></pre>`);
    else html.push(`<p>${inlineMarkdown(block.trim().replace(/\n/g, ' '))}</p>`);
  }
  return html.join('\n');
}

/** The text of a Markdown file between the heading `heading` and the next heading of any level. */
export function markdownSection(markdown: string, heading: string): string {
  const lines = `\n${markdown}`;
  const start = lines.indexOf(`\n${heading}\n`);
  if (start < 0) throw new KitError(`no "${heading}" in the Markdown the site quotes`);
  const body = lines.slice(start + heading.length + 2);
  const next = body.search(/^#{1,6} /m);
  return (next < 0 ? body : body.slice(0, next)).trim();
}

// ------------------------------------------------------------------ the run's facts

const TARGET_TITLES: Record<string, string> = { mariadb: 'MariaDB', singlestore: 'SingleStore', mysql: 'MySQL' };

/** One line: "run of 2026-05-01 14:03 UTC · WORKSHOP_ROWS 2,000,000 · 2 cores · Node v24.1.0 · MariaDB 10.11.19 (the local target)". */
export function runFactsLine(facts: RunFacts): string {
  const date = facts.date.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  const server = `${TARGET_TITLES[facts.database.flavour] ?? facts.database.flavour} ${facts.database.version}`;
  const target = facts.database.target === 'mariadb' ? 'the local target, the kit\'s pipeline' : 'SingleStore\'s own pipelines';
  return `run of ${date} · WORKSHOP_ROWS ${facts.rows.toLocaleString('en-US')} · ${facts.cores} cores · Node ${facts.node} · ${server} (${target})`;
}

// ------------------------------------------------------------------ pages

/** The kit's look around nbconvert's: the navigation bar and the index page. */
const SITE_CSS = `
.kit-site { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 15px; line-height: 1.5; color: #1f2328; }
nav.kit-site { max-width: 1100px; margin: 0 auto; padding: 10px 16px; border-bottom: 1px solid #d0d7de; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
nav.kit-site.kit-bottom { border-bottom: 0; border-top: 1px solid #d0d7de; margin-top: 24px; }
nav.kit-site a { color: #0550ae; text-decoration: none; }
nav.kit-site a:hover { text-decoration: underline; }
nav.kit-site .kit-run { flex-basis: 100%; color: #57606a; font-size: 13px; margin: 0; }
main.kit-site { max-width: 1100px; margin: 0 auto; padding: 8px 16px 40px; }
main.kit-site table { border-collapse: collapse; margin: 12px 0; }
main.kit-site th, main.kit-site td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
main.kit-site code, main.kit-site pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; background: #f6f8fa; }
main.kit-site pre { padding: 10px 14px; overflow-x: auto; }
`;

export interface Lesson {
  notebook: string;
  /** The notebook's first heading: "04 · The naive schema and the seven queries". */
  title: string;
  minutes: number;
}

const pageOf = (notebook: string) => `${notebook}.html`;
const downloadOf = (notebook: string) => `notebooks/${notebook}.ipynb`;

/** The first heading of the notebook's first cell, without its #. */
export function notebookTitle(file: string): string {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: { source: string | string[] }[] };
  const source = notebook.cells[0]?.source ?? '';
  const first = (Array.isArray(source) ? source.join('') : source).split('\n')[0] ?? '';
  return first.replace(/^#+\s*/, '').trim() || file;
}

/** The bar above and below a lesson: the index, the previous and next lessons, the download, the run. */
export function lessonNav(lessons: Lesson[], index: number, facts: RunFacts, where: 'top' | 'bottom'): string {
  const lesson = lessons[index]!;
  const previous = lessons[index - 1];
  const next = lessons[index + 1];
  const links = [
    '<a href="index.html">The workshop</a>',
    previous ? `<a href="${pageOf(previous.notebook)}" rel="prev">← ${escapeHtml(previous.title)}</a>` : '',
    next ? `<a href="${pageOf(next.notebook)}" rel="next">${escapeHtml(next.title)} →</a>` : '',
    `<a href="${downloadOf(lesson.notebook)}" download>${lesson.notebook}.ipynb (executed)</a>`,
  ].filter(Boolean);
  const run = where === 'top' ? `<p class="kit-run">${escapeHtml(runFactsLine(facts))}</p>` : '';
  return `<nav class="kit-site${where === 'bottom' ? ' kit-bottom' : ''}" aria-label="lessons">${links.join('\n')}${run}</nav>`;
}

/** nbconvert's page with the site's title, CSS and navigation. */
export function decorateLessonPage(html: string, lessons: Lesson[], index: number, facts: RunFacts): string {
  const title = `${lessons[index]!.title} · Donations workshop`;
  const withHead = html.replace(/<title>[\s\S]*?<\/title>/, `<title>${escapeHtml(title)}</title>`).replace('</head>', `<style type="text/css">${SITE_CSS}</style>\n</head>`);
  const opened = withHead.replace(/<body[^>]*>/, (body) => `${body}\n${lessonNav(lessons, index, facts, 'top')}`);
  return opened.replace(/<\/body>/, `${lessonNav(lessons, index, facts, 'bottom')}\n</body>`);
}

export interface IndexText {
  /** What the workshop is: WORKSHOP.md's opening paragraph. */
  about: string;
  /** How to run it yourself: README's "On a fresh machine", up to its first table. */
  runIt: string;
  /** GITHUB_REPOSITORY (owner/name) when known, for the Codespaces link. */
  repository?: string;
}

export function indexPage(lessons: Lesson[], facts: RunFacts, text: IndexText): string {
  const byNotebook = new Map(lessons.map((lesson) => [lesson.notebook, lesson]));
  const rows = AGENDA.map((part) => {
    const lesson = part.notebook ? byNotebook.get(part.notebook) : undefined;
    const name = lesson ? `<a href="${pageOf(lesson.notebook)}">${escapeHtml(lesson.title)}</a>` : escapeHtml(part.part);
    return `<tr><td>${escapeHtml(part.part)}</td><td>${name}</td><td>${part.minutes}</td><td>${inlineMarkdown(part.sees)}</td></tr>`;
  });
  // The README's section says how to open a codespace; with the repository known (on GitHub Actions), a link does it.
  const codespaces = text.repository
    ? `<p>No install: <a href="https://codespaces.new/${escapeHtml(text.repository)}?quickstart=1">open the repository in GitHub Codespaces</a>.</p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Donations workshop: the executed lessons</title>
<style type="text/css">${SITE_CSS}</style>
</head>
<body>
<nav class="kit-site" aria-label="workshop"><strong>Donations workshop</strong>
<a href="${pageOf(lessons[0]!.notebook)}">Start with ${escapeHtml(lessons[0]!.title)} →</a>
<p class="kit-run">${escapeHtml(runFactsLine(facts))}</p></nav>
<main class="kit-site">
<h1>Real-time analytics, from Kafka to a 250 ms dashboard</h1>
${blockMarkdown(text.about)}
<p>These pages are the lessons as one run executed them, every output as the notebook holds it: tables, charts, the map, the SQL. Each page offers its executed notebook to download. The figures are those of the run above: quote them as relations, not as absolute numbers.</p>
<h2>Agenda</h2>
<table>
<thead><tr><th>part</th><th>lesson</th><th>minutes</th><th>what you will see</th></tr></thead>
<tbody>
${rows.join('\n')}
<tr><td></td><td></td><td>${escapeHtml(agendaTotal())}</td><td></td></tr>
</tbody>
</table>
<h2>Run it yourself</h2>
${blockMarkdown(text.runIt)}
${codespaces}
</main>
</body>
</html>
`;
}

// ------------------------------------------------------------------ checks

export interface PageProblem {
  file: string;
  problem: string;
}

/** What a page must not hold: a script or stylesheet from elsewhere, a path of this machine, its host name. */
export function pageProblems(file: string, text: string, host = hostname()): PageProblem[] {
  const problems: PageProblem[] = [];
  for (const remote of remoteReferences(text)) problems.push({ file, problem: `loads ${remote}` });
  for (const path of machinePathsIn(text)) problems.push({ file, problem: `names a path of this machine (${path})` });
  // A short or generic name ("vm", "localhost") would match ordinary words.
  if (host.length >= 4 && host !== 'localhost' && new RegExp(`\\b${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text)) {
    problems.push({ file, problem: "names this machine's host name" });
  }
  return problems;
}

// ------------------------------------------------------------------ the build

export interface SiteBuild {
  dir: string;
  pages: { file: string; bytes: number }[];
  notebooks: number;
}

/** The lessons of the agenda whose executed notebook is in `from`; an error naming the missing ones. */
export function executedLessons(from: string): Lesson[] {
  const missing = AGENDA_LESSONS.filter((part) => !existsSync(join(from, `${part.notebook}.ipynb`)));
  if (missing.length) throw new KitError(`${relative(ROOT, from) || from} lacks the executed ${missing.map((p) => p.notebook).join(', ')}: run \`npm run workshop\` (all lessons) first.`);
  return AGENDA_LESSONS.map((part) => ({ notebook: part.notebook, minutes: part.minutes, title: notebookTitle(join(from, `${part.notebook}.ipynb`)) }));
}

export async function buildSite(options: { from: string; out: string; config: KitConfig; repository?: string; log?: (line: string) => void }): Promise<SiteBuild> {
  const log = options.log ?? (() => undefined);
  const facts = readRunFacts(options.from);
  if (!facts) throw new KitError(`${relative(ROOT, options.from) || options.from} has no run.json: run \`npm run workshop\` again (it records the run's facts there).`);
  const failed = facts.notebooks.filter((run) => run.status !== 'passed');
  if (failed.length) throw new KitError(`the run in ${relative(ROOT, options.from)} did not pass: ${failed.map((run) => `${run.notebook} ${run.status}`).join(', ')}; run \`npm run workshop\` again.`);
  const lessons = executedLessons(options.from);
  const text: IndexText = {
    about: markdownSection(readFileSync(join(ROOT, 'WORKSHOP.md'), 'utf8'), "# Presenter's guide"),
    runIt: markdownSection(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## On a fresh machine'),
    repository: options.repository,
  };
  rmSync(options.out, { recursive: true, force: true });
  ensureDir(join(options.out, 'notebooks'));
  const convert = async (index: number) => {
    const lesson = lessons[index]!;
    const source = join(options.from, `${lesson.notebook}.ipynb`);
    log(`converting ${lesson.notebook}...`);
    const { file } = await notebookToHtml(source, { outDir: options.out, name: lesson.notebook });
    writeFileSync(file, decorateLessonPage(readFileSync(file, 'utf8'), lessons, index, facts));
    copyFileSync(source, join(options.out, downloadOf(lesson.notebook)));
  };
  // Two at a time: each conversion is mostly nbconvert's start-up.
  for (let index = 0; index < lessons.length; index += 2) await Promise.all([convert(index), ...(index + 1 < lessons.length ? [convert(index + 1)] : [])]);
  writeFileSync(join(options.out, 'index.html'), indexPage(lessons, facts, text));
  writeFileSync(join(options.out, 'run.json'), `${JSON.stringify(facts, null, 2)}\n`);

  const files = [...readdirSync(options.out).map((name) => join(options.out, name)), ...readdirSync(join(options.out, 'notebooks')).map((name) => join(options.out, 'notebooks', name))].filter((file) => statSync(file).isFile());
  const problems = files.flatMap((file) => pageProblems(relative(options.out, file), readFileSync(file, 'utf8')));
  for (const dir of [options.out, join(options.out, 'notebooks')]) {
    for (const leak of findSecrets(dir, options.config, ['.html', '.ipynb', '.json'])) problems.push({ file: leak, problem: 'shows a password' });
  }
  if (problems.length) {
    rmSync(options.out, { recursive: true, force: true });
    throw new KitError(`the site would publish what it must not, so none was written:\n${problems.map((p) => `  ${p.file}: ${p.problem}`).join('\n')}`);
  }
  const pages = files.filter((file) => file.endsWith('.html')).map((file) => ({ file: relative(options.out, file), bytes: statSync(file).size }));
  return { dir: options.out, pages, notebooks: lessons.length };
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const args = flags({ rows: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' } }, USAGE);
    if (args.help) return console.log(USAGE);
    const from = typeof args.from === 'string' ? args.from : NOTEBOOKS_OUT;
    const out = typeof args.out === 'string' ? args.out : SITE_OUT;
    const last = readRunFacts(from);
    if (last && args.rows) console.log(`${relative(ROOT, from)} holds a run at ${last.rows.toLocaleString('en-US')} rows: --rows applies only when there is none (\`npm run workshop -- --rows N\` first)`);
    if (!last) {
      console.log(`no executed workshop in ${relative(ROOT, from)}: running \`npm run workshop\` first`);
      const runs = await workshop({ rows: countFlag(args.rows, 'rows'), outDir: from });
      const failed = runs.filter((run) => run.status !== 'passed');
      if (failed.length) throw new KitError(`the workshop did not pass (${failed.map((run) => run.notebook).join(', ')}): no site.`);
    }
    const site = await buildSite({ from, out, config: loadConfig(readEnvironment()), repository: process.env.GITHUB_REPOSITORY, log: console.log });
    const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
    for (const page of site.pages) console.log(`  ${page.file.padEnd(34)} ${kb(page.bytes).padStart(9)}`);
    const total = site.pages.reduce((sum, page) => sum + page.bytes, 0);
    console.log(`wrote ${relative(ROOT, site.dir)}: ${site.pages.length} pages (${kb(total)}) and ${site.notebooks} executed notebooks; open ${relative(ROOT, join(site.dir, 'index.html'))}`);
  });
}
