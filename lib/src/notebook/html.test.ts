import { describe, expect, it } from 'vitest';
import { htmlTable } from './html.js';

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
