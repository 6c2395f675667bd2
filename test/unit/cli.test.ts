// The presenter CLIs' flags: counts and durations each have their own parser.
import { describe, expect, it } from 'vitest';
import { countFlag, durationFlag } from '../../infra/cli.js';

describe('countFlag', () => {
  it.each([
    ['50000', 50_000],
    ['50_000', 50_000],
    ['50k', 50_000],
    ['2m', 2_000_000],
    ['1.5m', 1_500_000],
    ['2M', 2_000_000],
  ])('reads %s as %d', (text, count) => {
    expect(countFlag(text, 'count')).toBe(count);
  });

  it('is undefined when the flag is absent', () => {
    expect(countFlag(undefined, 'count')).toBeUndefined();
  });

  it.each(['lots', '2s', '-5', '0', '1.5', '10x'])('refuses %s, naming the flag and giving examples', (text) => {
    expect(() => countFlag(text, 'count')).toThrow(`--count: "${text}" is not a count (examples: 50000, 50k, 2m for two million)`);
  });

  it('takes 0 where the caller allows it (a seed)', () => {
    expect(countFlag('0', 'seed', 0)).toBe(0);
  });
});

describe('durationFlag', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(durationFlag(text, 'duration')).toBe(ms);
  });

  it.each(['60', '2k', 'soon', '-1s'])('refuses %s: a duration needs a unit', (text) => {
    expect(() => durationFlag(text, 'duration')).toThrow(`--duration: "${text}" is not a duration: give a unit (examples: 500ms, 30s, 2m, 1h)`);
  });
});
