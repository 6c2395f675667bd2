import { describe, expect, it } from 'vitest';
import { htmlTable, shellBlock, sqlBlock } from './html.js';

const cells = (html: string) => [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);

describe('htmlTable', () => {
  it('prints a column of numbers at one precision, the finest it holds (up to 2 decimals)', () => {
    const html = htmlTable([{ 'p95 ms': 274, refreshes: 20 }, { 'p95 ms': 1283.5, refreshes: 1000 }, { 'p95 ms': 3.14159, refreshes: 7 }]);
    expect(cells(html)).toEqual(['274.00', '20', '1,283.50', '1,000', '3.14', '7']);
  });

  it('prints identifiers without separators, amounts in EUR, and dates in UTC', () => {
    const html = htmlTable([{ campaign_id: 12345, total_amount: 885166, at: new Date(Date.UTC(2026, 10, 26, 13, 54, 34, 97)) }]);
    expect(cells(html)).toEqual(['12345', '885,166.00 EUR', '2026-11-26 13:54:34.097 UTC']);
  });
});

describe('sqlBlock and shellBlock', () => {
  const sql = "SELECT city, SUM(total_amount) AS total\nFROM donation_transactions\n\nWHERE DATABASE_NAME = 'a<b' AND x > 1";

  it('print code as a monospace box that wraps long lines at spaces, its text escaped', () => {
    const html = sqlBlock(`  ${sql}\n`);
    const pre = /^<pre style="([^"]*)"><code class="language-sql">([\s\S]*)<\/code><\/pre>$/.exec(html);
    expect(pre).not.toBeNull();
    const style = pre![1]!;
    for (const rule of ['white-space:pre-wrap', 'overflow-wrap:anywhere', 'word-break:normal', 'overflow-x:auto']) expect(style).toContain(rule);
    expect(style).toMatch(/font-family:[^;]*monospace/);
    expect(pre![2]).toBe("SELECT city, SUM(total_amount) AS total\nFROM donation_transactions\n\nWHERE DATABASE_NAME = 'a&lt;b' AND x &gt; 1");
  });

  it('put the note first, as a paragraph a blank line before the box (Markdown then passes the <pre> block through whole)', () => {
    const html = shellBlock('npm run up', 'Runs `npm` **here** <now>:');
    expect(html).toMatch(/^<p>Runs <code>npm<\/code> <b>here<\/b> &lt;now&gt;:<\/p>\n\n<pre style="[^"]*"><code class="language-sh">npm run up<\/code><\/pre>$/);
  });
});
