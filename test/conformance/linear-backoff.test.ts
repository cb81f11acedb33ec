// Seed: test/src/backoff/linear_backoff_test.dart. Durations are milliseconds here.
import { describe, expect, it } from 'vitest';
import { LinearBackoff } from '../../src/core';

const next = (backoff: { next(): number }, count: number): number[] =>
  Array.from({ length: count }, () => backoff.next());

describe('LinearBackoff', () => {
  it('next() returns a linearly incrementing duration', () => {
    const backoff = new LinearBackoff({ initial: 1000, increment: 2000 });
    expect(next(backoff, 10)).toEqual([
      1000, 3000, 5000, 7000, 9000, 11000, 13000, 15000, 17000, 19000,
    ]);
  });

  it('next() does not exceed maximum duration', () => {
    const backoff = new LinearBackoff({ initial: 1000, increment: 2000, maximum: 5000 });
    expect(next(backoff, 10)).toEqual([1000, 3000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000]);
  });

  it('reset() resets the backoff', () => {
    const initial = 1000;
    const increment = 2000;
    const backoff = new LinearBackoff({ initial, increment, maximum: 5000 });
    expect(backoff.next()).toBe(initial);
    expect(backoff.next()).toBe(initial + increment);
    expect(() => backoff.reset()).not.toThrow();
    expect(backoff.next()).toBe(initial);
  });
});
