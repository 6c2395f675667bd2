// The static-site export: what a page would still fetch from elsewhere, and the kit's wrapping CSS.
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_HTML_CSS, remoteReferences } from '../../infra/notebook-html.js';

describe('notebook HTML export', () => {
  it("names the scripts, stylesheets and imports a page fetches from another host, not its links", () => {
    const html = `<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>
<script src="local.js"></script>
<link rel="stylesheet" href="https://cdn.example/a.css">
<a href="https://docs.singlestore.com/">docs</a>
<script type="module">const m = (await import("https://cdnjs.cloudflare.com/mermaid.mjs")).default;</script>`;
    expect(remoteReferences(html)).toEqual(['https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js', 'https://cdn.example/a.css', 'https://cdnjs.cloudflare.com/mermaid.mjs']);
  });

  it('wraps code cells and output text instead of letting them run off the page', () => {
    const rules = (selector: string) => new RegExp(`${selector.replace(/\./g, '\\.')}[^{]*\\{([^}]*)\\}`).exec(NOTEBOOK_HTML_CSS)?.[1] ?? '';
    for (const selector of ['.jp-InputArea-editor .highlight pre', '.jp-RenderedMarkdown pre']) {
      expect(rules(selector)).toContain('white-space: pre-wrap');
      expect(rules(selector)).toContain('overflow-wrap: anywhere');
      expect(rules(selector)).toContain('word-break: normal');
    }
  });
});
