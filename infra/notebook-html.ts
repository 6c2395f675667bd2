/**
 * An executed notebook as one HTML page, for a static site of the lessons: nbconvert's `lab`
 * template (the look of JupyterLab's light theme, its CSS inlined), with
 *
 * - the kit's CSS after the template's: a code cell's long line wraps instead of running off
 *   the page (the template hides what overflows), and output text keeps the code font and
 *   wraps at spaces (the template sets output `pre`s in the text font and breaks words anywhere);
 * - nothing loaded from a CDN: the template's require.js and MathJax scripts are left out
 *   (tslab's outputs need neither, and MathJax would read the `$campaign` of Grafana's SQL as
 *   math), as are Mermaid and the widget manager; images are embedded.
 *
 * `tsx infra/notebook-html.ts out/notebooks/07-optimized-schema.ipynb [out-dir]` converts one.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KitError } from '@donations/lib';
import { isMainModule } from './cli.js';
import { ensureJupyter, JUPYTER_DIR } from './jupyter.js';
import { ensureDir } from './services.js';

/** The kit's CSS, after the template's own (same selectors, so these win). */
export const NOTEBOOK_HTML_CSS = `
/* Code cells: a line longer than the page wraps (the lab template hides the overflow). */
.jp-InputArea-editor .highlight pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  word-break: normal;
}
/* Output text (console.log, errors, Markdown code blocks): the code font, wrapped at spaces, a long word anywhere. */
.jp-OutputArea-output pre,
.jp-RenderedMarkdown pre {
  font-family: var(--jp-code-font-family);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  word-break: normal;
}
/* A wide output (a table, the dashboard) scrolls inside its cell instead of spilling over the page. */
.jp-OutputArea-output {
  overflow-x: auto;
}
`;

/** The lab template, less its CDN scripts, plus the kit's CSS. */
const TEMPLATE = `{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">${NOTEBOOK_HTML_CSS}</style>
{%- endblock html_head_css -%}
`;

/** Scripts, stylesheets and module imports a page would fetch from another host. */
export function remoteReferences(html: string): string[] {
  const patterns = [/<script[^>]*\ssrc="(https?:[^"]+)"/g, /<link[^>]*\shref="(https?:[^"]+)"[^>]*rel="stylesheet"/g, /<link[^>]*rel="stylesheet"[^>]*\shref="(https?:[^"]+)"/g, /import\(\s*["'](https?:[^"']+)["']/g, /@import\s+(?:url\()?["']?(https?:[^"')\s]+)/g];
  return [...new Set(patterns.flatMap((p) => [...html.matchAll(p)].map((m) => m[1]!)))];
}

export interface NotebookHtml {
  /** The HTML file written. */
  file: string;
  /** What the page still fetches from elsewhere (none, unless a notebook's own output links a script). */
  remote: string[];
}

/** Converts an executed .ipynb into `<outDir>/<name>.html` (outDir: the notebook's folder). */
export async function notebookToHtml(notebook: string, options: { outDir?: string; name?: string } = {}): Promise<NotebookHtml> {
  const source = resolve(notebook);
  const outDir = ensureDir(resolve(options.outDir ?? dirname(source)));
  const name = options.name ?? basename(source).replace(/\.ipynb$/, '');
  const { jupyter, env } = await ensureJupyter();
  const template = join(ensureDir(join(JUPYTER_DIR, 'nbconvert')), 'kit-lab.html.j2');
  writeFileSync(template, TEMPLATE);
  const args = ['nbconvert', '--to', 'html', '--template', 'lab', '--template-file', template, '--HTMLExporter.theme=light', '--HTMLExporter.embed_images=True', '--output-dir', outDir, '--output', name, source];
  try {
    await promisify(execFile)(jupyter, args, { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    throw new KitError(`nbconvert could not convert ${basename(source)} to HTML: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  const file = join(outDir, `${name}.html`);
  return { file, remote: remoteReferences(readFileSync(file, 'utf8')) };
}

if (isMainModule(import.meta.url)) {
  const [notebook, outDir] = process.argv.slice(2);
  if (!notebook) throw new KitError('usage: tsx infra/notebook-html.ts <executed.ipynb> [out-dir]');
  const { file, remote } = await notebookToHtml(notebook, { outDir });
  console.log(`wrote ${file}${remote.length ? `; it still fetches ${remote.join(', ')}` : ''}`);
}
