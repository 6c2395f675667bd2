import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from './screen.js';

describe('throttled progress', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('shows the first text at once, then the latest at most every 250 ms, and never loses the last', () => {
    const shown: string[] = [];
    const progress = throttled((s) => shown.push(s));
    progress('1 of 10');
    for (let i = 2; i <= 5; i++) {
      vi.advanceTimersByTime(50);
      progress(`${i} of 10`);
    }
    expect(shown).toEqual(['1 of 10']);
    vi.advanceTimersByTime(50);
    expect(shown).toEqual(['1 of 10', '5 of 10']);
    progress('6 of 10');
    vi.advanceTimersByTime(1_000);
    expect(shown).toEqual(['1 of 10', '5 of 10', '6 of 10']);
  });

  it('clears at once: an empty text is the step saying it is done', () => {
    const shown: string[] = [];
    const progress = throttled((s) => shown.push(s));
    progress('1 of 2');
    progress('2 of 2');
    progress('');
    expect(shown).toEqual(['1 of 2', '']);
    vi.advanceTimersByTime(1_000);
    expect(shown).toEqual(['1 of 2', '']);
  });
});
