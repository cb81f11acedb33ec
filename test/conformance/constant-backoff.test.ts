// Seed: test/src/backoff/constant_backoff_test.dart. Durations are milliseconds here.
import { describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';

describe('ConstantBackoff', () => {
  it('next() returns a constant duration', () => {
    const backoff = new ConstantBackoff(1000);
    const actual = Array.from({ length: 10 }, () => backoff.next());
    expect(actual).toEqual(Array.from({ length: 10 }, () => 1000));
  });

  it('reset does nothing', () => {
    const backoff = new ConstantBackoff(42_000);
    expect(backoff.next()).toBe(42_000);
    expect(() => backoff.reset()).not.toThrow();
    expect(backoff.next()).toBe(42_000);
  });
});
