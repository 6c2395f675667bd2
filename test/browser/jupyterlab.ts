// Drives JupyterLab 4 in Chromium as a learner does: the file browser, the menus, the
// keyboard; reads what the page shows (prompts, outputs, the kernel indicator).
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

/** Debian's Chromium; the test never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: install it (sudo apt-get install chromium) to run the browser test`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function launchChromium(userDataDir: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A fresh profile's first start on a 2-core machine busy with the other suites can take
    // longer than puppeteer's 30 s.
    timeout: 120_000,
    // A closed network refuses Chromium's own background connections: turn them off.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic', `--user-data-dir=${userDataDir}`],
  });
}

/** What the open notebook shows. */
export interface NotebookState {
  /** The kernel indicator of the notebook's toolbar: idle, busy, connecting... */
  kernel: string;
  /** Each code cell's prompt: "[ ]:", "[*]:" (queued or running) or "[7]:". */
  prompts: string[];
  /** The text of each code cell's outputs. */
  outputs: string[];
  /** Error outputs and stderr streams (JupyterLab renders both with the stderr type). */
  errors: string[];
}

const CURRENT = '.jp-NotebookPanel:not(.lm-mod-hidden)';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class JupyterLabPage {
  private constructor(
    readonly page: Page,
    private readonly base: string,
    private readonly token: string,
  ) {}

  /** JupyterLab in a workspace of its own, so the learner's open tabs are not touched. */
  static async open(browser: Browser, base: string, token: string, workspace: string): Promise<JupyterLabPage> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    await page.goto(`${base}/lab/workspaces/${workspace}?reset&token=${token}`, { waitUntil: 'networkidle2', timeout: 60_000 });
    await page.waitForSelector('.jp-DirListing-item', { timeout: 60_000 });
    return new JupyterLabPage(page, base, token);
  }

  /** Double-clicks the notebook in the file browser and waits until its kernel has started and is idle. */
  async openNotebook(name: string): Promise<void> {
    // Visible: JupyterLab 4.6 renders the listing's items before it lays them out.
    const item = await this.page.waitForSelector(`.jp-DirListing-item[title^="Name: ${name}"]`, { visible: true, timeout: 30_000 });
    await item!.click({ count: 2 }).catch(async (error: Error) => {
      await this.page.screenshot({ path: 'out/lab/open-failed.png' }).catch(() => undefined);
      throw new Error(`cannot double-click ${name} in the file browser (what the window showed: out/lab/open-failed.png): ${error.message}`);
    });
    // The status bar names the current notebook's kernel and its state, "TypeScript | Idle", once it runs.
    await this.page
      .waitForFunction(
        (notebook) =>
          document.querySelector('.lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel')?.textContent === notebook &&
          [...document.querySelectorAll('.jp-StatusBar-TextItem')].some((item) => / \| Idle$/.test(item.textContent ?? '')),
        { timeout: 90_000 },
        name,
      )
      .catch(async (error: Error) => {
        await this.page.screenshot({ path: 'out/lab/timeout.png' }).catch(() => undefined);
        throw new Error(`${name} did not open with an idle kernel (what the window showed: out/lab/timeout.png): ${error.message}`);
      });
  }

  /** Opens a menu of the menu bar and clicks one of its entries, by the labels a learner reads. */
  async menu(menu: string, entry: string): Promise<void> {
    const bar = await this.page.waitForFunction((label) => [...document.querySelectorAll('.lm-MenuBar-item')].find((item) => item.textContent === label), {}, menu);
    await (bar as ElementHandle<Element>).click();
    const item = await this.page.waitForFunction(
      (label) => [...document.querySelectorAll('.lm-Menu-item:not(.lm-mod-disabled)')].find((item) => item.querySelector('.lm-Menu-itemLabel')?.textContent === label),
      { timeout: 10_000 },
      entry,
    );
    await (item as ElementHandle<Element>).click();
  }

  async state(): Promise<NotebookState> {
    return this.page.evaluate((current) => {
      const panel = document.querySelector(current)!;
      const cells = [...panel.querySelectorAll('.jp-CodeCell')];
      return {
        kernel: panel.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') ?? '',
        prompts: cells.map((cell) => cell.querySelector('.jp-InputPrompt')?.textContent?.trim() ?? ''),
        outputs: cells.map((cell) => [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => (o.textContent ?? '').trim()).join('\n')),
        errors: [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map((o) => (o.textContent ?? '').trim()),
      };
    }, CURRENT);
  }

  /** The current notebook's kernel as the status bar shows it: "Idle", "Busy", "Connecting"... */
  async kernelStatus(): Promise<string> {
    return this.page.evaluate(() => {
      const item = [...document.querySelectorAll('.jp-StatusBar-TextItem')].find((element) => / \| \w+$/.test(element.textContent ?? ''));
      return item?.textContent?.split(' | ').pop() ?? '';
    });
  }

  /**
   * Waits until every code cell has run (a number in its prompt) and the kernel is idle, or
   * until an error shows and the kernel is idle (JupyterLab then drops the cells queued after it).
   */
  async waitUntilRun(timeoutMs: number): Promise<NotebookState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      const allRun = state.prompts.every((prompt) => /^\[\d+\]:$/.test(prompt));
      const stopped = state.errors.length > 0 && !state.prompts.includes('[*]:');
      if (state.kernel === 'idle' && (allRun || stopped)) return state;
      if (Date.now() > deadline) {
        await this.page.screenshot({ path: 'out/lab/timeout.png' }).catch(() => undefined);
        throw new Error(`the notebook did not finish within ${timeoutMs / 1000} s: kernel ${state.kernel}, prompts ${state.prompts.join(' ')} (what the window showed: out/lab/timeout.png)`);
      }
      await sleep(250);
    }
  }

  /** Run > Run All Cells, then waits for the run to end. */
  async runAll(timeoutMs: number): Promise<NotebookState> {
    await this.menu('Run', 'Run All Cells');
    // The first prompts turn to [*] at once; waiting a moment keeps an idle kernel from ending the wait before it starts.
    await this.page.waitForFunction((current) => !!document.querySelector(current)?.textContent?.includes('[*]:'), { timeout: 10_000 }, CURRENT).catch(() => undefined);
    return this.waitUntilRun(timeoutMs);
  }

  /** Selects the last cell (a click on its prompt) in command mode. */
  private async selectLastCell(): Promise<void> {
    const prompt = await this.page.$(`${CURRENT} .jp-Cell:last-child .jp-InputPrompt`);
    await prompt!.click();
    await this.page.keyboard.press('Escape');
  }

  /** Adds a code cell after the last one (B), types `lines` into it and runs it (Ctrl+Enter) without waiting. */
  async addCellAndRun(lines: string[]): Promise<void> {
    await this.selectLastCell();
    await this.page.keyboard.press('b');
    await this.page.keyboard.press('Enter');
    const source = lines.join('\n');
    await this.page.keyboard.type(source);
    const typed = await this.page.evaluate((current) => (document.querySelector(`${current} .jp-Cell.jp-mod-selected .cm-content`) as HTMLElement | null)?.innerText ?? '', CURRENT);
    if (typed.trim() !== source) throw new Error(`the editor holds something else than what was typed:\n${typed}`);
    await this.page.keyboard.down('Control');
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.up('Control');
  }

  /** Deletes the last cell, as D D does in command mode. */
  async deleteLastCell(): Promise<void> {
    const before = await this.page.$$eval(`${CURRENT} .jp-Cell`, (cells) => cells.length);
    await this.selectLastCell();
    await this.page.keyboard.press('d');
    await this.page.keyboard.press('d');
    await this.page.waitForFunction((current, count) => document.querySelectorAll(`${current} .jp-Cell`).length === count - 1, { timeout: 5_000 }, CURRENT, before);
  }

  /** Shows the last cell, then saves what the window shows. */
  async screenshot(path: string): Promise<void> {
    await this.page.evaluate((current) => document.querySelector(`${current} .jp-Cell:last-child`)?.scrollIntoView({ block: 'end' }), CURRENT);
    await sleep(300);
    await this.page.screenshot({ path: path as `${string}.png` });
  }

  /** The id of the kernel that runs `notebook`, from Jupyter's REST API. */
  async kernelId(notebook: string): Promise<string | undefined> {
    const response = await fetch(`${this.base}/api/sessions`, { headers: { Authorization: `token ${this.token}` } });
    const sessions = (await response.json()) as { path: string; kernel: { id: string } }[];
    return sessions.find((session) => session.path === notebook)?.kernel.id;
  }
}
