// Seed: test/src/backoff/binary_exponential_backoff_test.dart. Durations are milliseconds here.
import { describe, expect, it } from 'vitest';
import { BinaryExponentialBackoff } from '../../src/core';

const next = (backoff: { next(): number }, count: number): number[] =>
  Array.from({ length: count }, () => backoff.next());

describe('BinaryExponentialBackoff', () => {
  it('next() returns a binary exponentially increasing duration', () => {
    const backoff = new BinaryExponentialBackoff({ initial: 1000, maximumStep: 3 });
    expect(next(backoff, 3)).toEqual([1000, 2000, 4000]);
  });

  it('next() does not exceed maximum duration', () => {
    const backoff = new BinaryExponentialBackoff({ initial: 1000, maximumStep: 5 });
    expect(next(backoff, 10)).toEqual([
      1000, 2000, 4000, 8000, 16000, 16000, 16000, 16000, 16000, 16000,
    ]);
  });

  it('reset() resets the backoff', () => {
    const backoff = new BinaryExponentialBackoff({ initial: 1000, maximumStep: 5 });
    expect(backoff.next()).toBe(1000);
    expect(backoff.next()).toBe(2000);
    expect(() => backoff.reset()).not.toThrow();
    expect(backoff.next()).toBe(1000);
  });
});
