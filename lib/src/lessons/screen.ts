/**
 * Where a lesson step shows what it did. In a notebook the lesson passes tslab, whose
 * display renders HTML and Markdown; anywhere else (a script, a test) the same results
 * print as text, so that every step runs outside Jupyter too.
 */
import { escapeHtml } from '../notebook/html.js';

/** One piece of output: a table or chart (HTML), prose or a code block (Markdown), or a plain line. */
export type Block = { html: string } | { markdown: string } | { text: string };

/** What a step returns: its figures, plus the blocks that show them. */
export interface Shown {
  /** A string is a plain line. */
  blocks: readonly (Block | string)[];
}

/** The part of tslab's module a lesson uses (structural: the library does not load tslab). */
export interface NotebookDisplay {
  display: DisplayLike;
  newDisplay(): DisplayLike;
}

interface DisplayLike {
  html(s: string): void;
  markdown(s: string): void;
  text(s: string): void;
}

export interface Screen {
  show(...items: readonly (Shown | Block | string)[]): void;
  /** One output updated in place: a progress line, or a live view. */
  live(): { text(s: string): void; html(s: string): void };
}

const toBlocks = (item: Shown | Block | string): Block[] =>
  typeof item === 'string' ? [{ text: item }] : 'blocks' in item ? item.blocks.flatMap(toBlocks) : [item];

export function notebookScreen(tslab: NotebookDisplay): Screen {
  return {
    show: (...items) => {
      for (const block of items.flatMap(toBlocks)) {
        if ('html' in block) tslab.display.html(block.html);
        else if ('markdown' in block) tslab.display.markdown(block.markdown);
        else console.log(block.text);
      }
    },
    live: () => {
      const display = tslab.newDisplay();
      const text = throttled((s: string) => display.text(s));
      return { text, html: (s) => display.html(s) };
    },
  };
}

/**
 * Progress text at most every 250 ms, the latest one kept, an empty text (done) at once:
 * progress comes ten times a second from each step that polls, and each update is a
 * message the notebook's front end processes.
 */
export function throttled(show: (s: string) => void, everyMs = 250): (s: string) => void {
  let shownAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let latest = '';
  const flush = () => {
    timer = undefined;
    shownAt = performance.now();
    show(latest);
  };
  return (s) => {
    latest = s;
    if (s === '' || performance.now() - shownAt >= everyMs) {
      clearTimeout(timer);
      flush();
    } else {
      timer ??= setTimeout(flush, everyMs - (performance.now() - shownAt));
    }
  };
}

/** Outside a notebook: text lines only; HTML is summarised, progress goes to stderr when it is a terminal. */
export function textScreen(write: (line: string) => void = (line) => console.log(line)): Screen {
  return {
    show: (...items) => {
      for (const block of items.flatMap(toBlocks)) {
        if ('text' in block) write(block.text);
        else if ('markdown' in block) write(block.markdown);
        else write(htmlToText(block.html));
      }
    },
    live: () => ({ text: () => undefined, html: () => undefined }),
  };
}

/** A rough text view of an HTML table or chart, for logs: tags dropped, cells separated. */
export function htmlToText(html: string): string {
  if (html.includes('<svg')) return '[chart]';
  return html
    .replace(/<\/t[dh]>/g, ' | ')
    .replace(/<\/tr>|<br\s*\/?>|<\/caption>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}


/** Text folded under one line (a statement run, a raw plan): shown, out of the way of the result. */
export function folded(summary: string, text: string): Block {
  return {
    html: `<details><summary>${escapeHtml(summary)}</summary><pre style="white-space:pre-wrap;overflow-wrap:anywhere;font-family:monospace;font-size:12px;background:#f5f5f5;padding:6px"><code>${escapeHtml(text)}</code></pre></details>`,
  };
}

/** Statements a step ran, folded. */
export function statementsRun(summary: string, statements: readonly string[]): Block {
  return folded(summary, statements.map((s) => `${s.trim()};`).join('\n\n'));
}
