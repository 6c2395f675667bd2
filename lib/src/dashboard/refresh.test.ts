import { describe, expect, it } from 'vitest';
import type { Database } from '../database/database.js';
import { KitError } from '../errors.js';
import { measureDashboard, percentile } from './refresh.js';

describe('percentile', () => {
  it('interpolates between the nearest ranks, like numpy', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 25)).toBe(20);
    expect(percentile(values, 95)).toBeCloseTo(48);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it('does not depend on the order of the values, nor change them', () => {
    const values = [50, 15, 40, 20, 35];
    expect(percentile(values, 50)).toBe(35);
    expect(values).toEqual([50, 15, 40, 20, 35]);
  });

  it('gives the value itself for one value, and NaN for none', () => {
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('refuses a percentile outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(KitError);
    expect(() => percentile([1], -1)).toThrow(/-1 is not between 0 and 100/);
    expect(() => percentile([1], Number.NaN)).toThrow(KitError);
  });
});

describe('measureDashboard', () => {
  // Validation happens before any query: no database needed.
  const db = {} as Database;

  it.each([
    [{ budgetMs: 0, refreshes: 1 }, /budgetMs must be a whole number >= 1/],
    [{ budgetMs: 2.5, refreshes: 1 }, /budgetMs must be a whole number >= 1/],
    [{ budgetMs: 250 }, /give refreshes or durationMs/],
  ])('refuses %j', async (settings, message) => {
    await expect(measureDashboard(db, { campaignId: 1, ...settings })).rejects.toThrow(message);
  });

  it('refuses an empty list of queries', async () => {
    await expect(measureDashboard(db, { campaignId: 1, budgetMs: 250, refreshes: 1, queries: [] })).rejects.toThrow(/no queries to run/);
  });
});
