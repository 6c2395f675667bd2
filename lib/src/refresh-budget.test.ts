import { describe, expect, it } from 'vitest';
import type { DatabaseConfig } from './config.js';
import type { Pool } from './db.js';
import { KitError } from './errors.js';
import { measureRefreshBudget, percentile } from './refresh-budget.js';

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

describe('measureRefreshBudget', () => {
  // Validation happens before any query: no database needed.
  const pool = {} as Pool;
  const config = {} as DatabaseConfig;

  it.each([
    [{ refreshMs: 0, concurrency: 1, refreshes: 1 }, /refreshMs must be a whole number >= 1/],
    [{ refreshMs: 250, concurrency: 0, refreshes: 1 }, /concurrency must be a whole number >= 1/],
    [{ refreshMs: 250, concurrency: 2, refreshes: 1.5 }, /refreshes must be a whole number >= 1/],
  ])('refuses %j', async (settings, message) => {
    await expect(measureRefreshBudget(pool, config, { campaignId: 1, ...settings })).rejects.toThrow(message);
  });

  it('refuses an empty list of queries', async () => {
    await expect(measureRefreshBudget(pool, config, { campaignId: 1, refreshMs: 250, concurrency: 2, refreshes: 1, queries: [] })).rejects.toThrow(/no queries to run/);
  });
});
