// The static site as a learner without an install reads it: `npm run site`'s build from a real
// workshop run, then Debian's Chromium opens the index from file:// and follows every link. It
// fails on a broken link or image, a console error, a request that leaves the site's folder, or
// a chart whose marks have no extent. The run: in `npm test`, the one the notebook test just
// wrote to out/test-notebooks (this project runs after it); otherwise, or when the code changed
// since, a workshop of its own at 20,000 rows in a database and topic of its own. Out/test-site/.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankMarks, createKafka, deleteTopics, dropDatabase, lessonTestTopic, listTopics, loadConfig, readEnvironment } from '@donations/lib';
import { AGENDA_LESSONS } from '../../infra/agenda.js';
import { machinePathsIn } from '../../infra/notebook-checks.js';
import { ROOT } from '../../infra/services.js';
import { buildSite, type SiteBuild } from '../../infra/site.js';
import { RUN_FACTS, readRunFacts, workshop } from '../../infra/workshop.js';
import { chromiumMissing, launchChromium } from '../browser/jupyterlab.js';

const ROWS = 20_000;
/** The notebook test's executed copies. */
const NOTEBOOK_TEST_RUN = join(ROOT, 'out', 'test-notebooks');
const missing = chromiumMissing();
const suffix = randomBytes(3).toString('hex');
const database = `kit_test_site_${suffix}`;
const topic = `kit-test-site-${suffix}`;
const url = new URL(readEnvironment().DATABASE_URL!);
url.pathname = `/${database}`;
const env = { DATABASE_URL: url.toString(), KAFKA_TOPIC: topic };
const base = loadConfig();
const config = loadConfig({ ...readEnvironment(), ...env });
const OUT = join(ROOT, 'out', 'test-site');
let notebooksDir = join(OUT, 'notebooks');
const siteDir = join(OUT, 'site');
const siteRoot = pathToFileURL(`${siteDir}/`).href;

interface PageReport {
  links: string[];
  ids: string[];
  images: { src: string; ok: boolean }[];
  charts: { svg: string; width: number; height: number }[];
  title: string;
  text: string;
}

/** What one page links to, shows and draws, read in the page. */
function readPage(page: Page): Promise<PageReport> {
  return page.evaluate(() => ({
    links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
    ids: [...document.querySelectorAll('[id]')].map((element) => element.id),
    images: [...document.images].map((img) => ({ src: img.currentSrc.slice(0, 120), ok: img.complete && img.naturalWidth > 0 })),
    charts: [...document.querySelectorAll('.jp-OutputArea-output svg')]
      .filter((svg) => !svg.parentElement?.closest('svg'))
      .map((svg) => ({ svg: svg.outerHTML, width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height })),
    title: document.title,
    text: document.body.innerText,
  }));
}

/** The newest change to what a run executes: the notebooks, the library, the scripts. */
function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? newest : Math.max(newest, newestSource(path));
    return /\.(ts|ipynb)$/.test(entry.name) ? Math.max(newest, statSync(path).mtimeMs) : newest;
  }, 0);
}

/** The notebook test's run, when it passed whole and nothing it executes changed since. */
function notebookTestRun(): string | undefined {
  const facts = readRunFacts(NOTEBOOK_TEST_RUN);
  if (!facts || facts.notebooks.length !== AGENDA_LESSONS.length || facts.notebooks.some((run) => run.status !== 'passed')) return undefined;
  const written = statSync(join(NOTEBOOK_TEST_RUN, RUN_FACTS)).mtimeMs;
  return ['notebooks', 'lib/src', 'infra'].every((dir) => newestSource(join(ROOT, dir)) < written) ? NOTEBOOK_TEST_RUN : undefined;
}

let hadTestTopic = true;
beforeAll(async () => {
  if (missing) return;
  hadTestTopic = (await listTopics(createKafka(base.kafka))).includes('test');
});

afterAll(async () => {
  if (missing) return;
  await dropDatabase({ ...base.database, database }, database);
  await deleteTopics(createKafka(base.kafka), [topic, lessonTestTopic(topic), ...(hadTestTopic ? [] : ['test'])]);
});

describe.skipIf(missing)('the static site (npm run site) in a browser, from file://', () => {
  let site: SiteBuild;
  let browser: Browser;
  const visited = new Map<string, PageReport>();
  const inside: string[] = [];
  const outside: string[] = [];
  const failed: string[] = [];
  const consoleErrors: string[] = [];
  const files: string[] = [];
  const external = new Set<string>();

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    const reused = notebookTestRun();
    if (reused) notebooksDir = reused;
    else {
      const runs = await workshop({ rows: ROWS, outDir: notebooksDir, env, quiet: true });
      expect(runs.filter((run) => run.status !== 'passed').map((run) => `${run.notebook}: ${run.error ?? run.status}`)).toEqual([]);
    }
    console.log(`site: built from ${reused ? "the notebook test's run" : `a workshop of its own at ${ROWS.toLocaleString('en-US')} rows`}`);
    site = await buildSite({ from: notebooksDir, out: siteDir, config });
    browser = await launchChromium(join(OUT, 'chromium-profile'));
  }, 1_500_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('builds an index, a page per lesson and the executed notebooks', () => {
    expect(site.pages.map((page) => page.file).sort()).toEqual(['index.html', ...AGENDA_LESSONS.map((part) => `${part.notebook}.html`)].sort());
    expect(readdirSync(join(siteDir, 'notebooks')).sort()).toEqual(AGENDA_LESSONS.map((part) => `${part.notebook}.ipynb`));
    for (const page of site.pages) expect(page.bytes, page.file).toBeGreaterThan(1_000);
  });

  it('follows every link from the index: none broken, no request outside its folder, no console error', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const target = request.url();
      if (target.startsWith(siteRoot) || target.startsWith('data:') || target === 'about:blank') {
        inside.push(target);
        void request.continue();
      } else {
        outside.push(target);
        void request.abort('blockedbyclient');
      }
    });
    page.on('requestfailed', (request) => {
      if (!outside.includes(request.url())) failed.push(`${request.url().slice(0, 120)}: ${request.failure()?.errorText}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${page.url().slice(siteRoot.length)}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${page.url().slice(siteRoot.length)}: ${(error as Error).message}`));

    const queue = [`${siteRoot}index.html`];
    const broken: string[] = [];
    const anchors: { from: string; page: string; id: string }[] = [];
    while (queue.length) {
      const next = queue.shift()!;
      if (visited.has(next)) continue;
      await page.goto(next, { waitUntil: 'load', timeout: 60_000 });
      const report = await readPage(page);
      visited.set(next, report);
      for (const link of report.links) {
        const [target, hash] = link.split('#') as [string, string | undefined];
        if (/^https?:/.test(link)) {
          external.add(target);
          continue;
        }
        if (!target.startsWith(siteRoot)) {
          broken.push(`${next.slice(siteRoot.length)} links outside the site: ${link}`);
          continue;
        }
        if (!existsSync(fileURLToPath(target))) {
          broken.push(`${next.slice(siteRoot.length)} links to a missing ${target.slice(siteRoot.length)}`);
          continue;
        }
        if (hash) anchors.push({ from: next, page: target, id: hash });
        if (target.endsWith('.html')) queue.push(target);
        else if (!files.includes(target)) files.push(target);
      }
    }
    for (const anchor of anchors) {
      // nbconvert writes heading ids percent-encoded, as their links: the browser takes either form.
      const ids = visited.get(anchor.page)?.ids ?? [];
      if (!ids.includes(anchor.id) && !ids.includes(decodeURIComponent(anchor.id))) broken.push(`${anchor.from.slice(siteRoot.length)} links to a missing #${anchor.id} of ${anchor.page.slice(siteRoot.length)}`);
    }
    await page.close();
    console.log(`site: ${visited.size} pages visited, ${[...visited.values()].reduce((n, r) => n + r.links.length, 0)} links followed (${external.size} to other hosts, not fetched), ${files.length} downloads, ${inside.length} requests inside the folder, ${outside.length} outside, ${consoleErrors.length} console errors`);
    expect(broken).toEqual([]);
    expect(outside).toEqual([]);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect([...visited.keys()].map((page) => page.slice(siteRoot.length)).sort()).toEqual(site.pages.map((p) => p.file).sort());
  }, 300_000);

  it('shows every image, and every chart with marks that have an extent', () => {
    const blank: string[] = [];
    let charts = 0;
    for (const [address, report] of visited) {
      for (const image of report.images) if (!image.ok) blank.push(`${address.slice(siteRoot.length)}: an image that does not load (${image.src})`);
      for (const chart of report.charts) {
        charts += 1;
        for (const problem of blankMarks(chart.svg)) blank.push(`${address.slice(siteRoot.length)}: ${problem}`);
        if (!(chart.width > 0 && chart.height > 0)) blank.push(`${address.slice(siteRoot.length)}: a chart drawn ${chart.width} x ${chart.height}`);
      }
    }
    console.log(`site: ${charts} charts, ${[...visited.values()].reduce((n, r) => n + r.images.length, 0)} images`);
    expect(blank).toEqual([]);
    // 04's three charts and the map, 05's curve, 07's two, 08's two dashboards of four panels, 09's.
    expect(charts).toBeGreaterThanOrEqual(12);
  });

  it("links each lesson to its neighbours and its executed .ipynb, and states the run's facts", () => {
    const lessons = AGENDA_LESSONS.map((part) => part.notebook);
    lessons.forEach((notebook, i) => {
      const report = visited.get(`${siteRoot}${notebook}.html`)!;
      const links = report.links.map((link) => link.slice(siteRoot.length));
      expect(links).toContain('index.html');
      expect(links).toContain(`notebooks/${notebook}.ipynb`);
      if (i > 0) expect(links).toContain(`${lessons[i - 1]}.html`);
      if (i < lessons.length - 1) expect(links).toContain(`${lessons[i + 1]}.html`);
      expect(report.text).toMatch(new RegExp(`WORKSHOP_ROWS ${readRunFacts(notebooksDir)!.rows.toLocaleString('en-US')} · \\d+ cores · Node v\\d+\\.\\d+\\.\\d+ · MariaDB \\d+\\.\\d+`));
      expect(report.title).toMatch(/^\d\d · .+ · Donations workshop$/);
    });
    for (const notebook of lessons) {
      expect(readFileSync(join(siteDir, 'notebooks', `${notebook}.ipynb`), 'utf8')).toBe(readFileSync(join(notebooksDir, `${notebook}.ipynb`), 'utf8'));
    }
    const index = visited.get(`${siteRoot}index.html`)!;
    expect(index.text).toContain('npm run workshop');
    expect(index.text).toContain('Codespaces');
    for (const part of AGENDA_LESSONS) expect(index.links).toContain(`${siteRoot}${part.notebook}.html`);
  });

  it("names no path, password or host of this machine, in any file of the site", () => {
    const names = [...readdirSync(siteDir).map((name) => join(siteDir, name)), ...readdirSync(join(siteDir, 'notebooks')).map((name) => join(siteDir, 'notebooks', name))].filter((file) => /\.(html|ipynb|json)$/.test(file));
    for (const file of names) {
      const text = readFileSync(file, 'utf8');
      expect(machinePathsIn(text), file).toEqual([]);
      expect(text.includes(config.database.password), file).toBe(false);
    }
  });
});
