import { describe, expect, it } from 'vitest';
import {
  type Backoff,
  BinaryExponentialBackoff,
  ConstantBackoff,
  InvalidOptionError,
  LinearBackoff,
  withJitter,
} from '../../src/core';

const take = (b: Backoff, n: number): number[] => Array.from({ length: n }, () => b.next());
const s = 1000;

describe('ConstantBackoff (seed)', () => {
  it('next() returns a constant duration', () => {
    expect(take(new ConstantBackoff(s), 10)).toEqual(Array(10).fill(s));
  });

  it('reset does nothing', () => {
    const b = new ConstantBackoff(42 * s);
    expect(b.next()).toBe(42 * s);
    expect(() => b.reset()).not.toThrow();
    expect(b.next()).toBe(42 * s);
  });

  it('accepts zero (a tight retry loop, as the seed tests use)', () => {
    expect(take(new ConstantBackoff(0), 3)).toEqual([0, 0, 0]);
  });
});

describe('LinearBackoff (seed)', () => {
  it('next() returns a linearly incrementing duration', () => {
    const b = new LinearBackoff({ initial: s, increment: 2 * s });
    expect(take(b, 10)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map((x) => x * s));
  });

  it('next() does not exceed the maximum', () => {
    const b = new LinearBackoff({ initial: s, increment: 2 * s, maximum: 5 * s });
    expect(take(b, 10)).toEqual([1, 3, 5, 5, 5, 5, 5, 5, 5, 5].map((x) => x * s));
  });

  it('a step that would pass the maximum is not taken: max 6 never reaches 6', () => {
    const b = new LinearBackoff({ initial: s, increment: 2 * s, maximum: 6 * s });
    const values = take(b, 10);
    expect(values).toEqual([1, 3, 5, 5, 5, 5, 5, 5, 5, 5].map((x) => x * s));
    expect(values).not.toContain(6 * s);
  });

  it('reset() resets the backoff', () => {
    const b = new LinearBackoff({ initial: s, increment: 2 * s, maximum: 5 * s });
    expect(b.next()).toBe(s);
    expect(b.next()).toBe(3 * s);
    expect(() => b.reset()).not.toThrow();
    expect(b.next()).toBe(s);
  });
});

describe('BinaryExponentialBackoff (seed)', () => {
  it('next() returns a binary exponentially increasing duration (step 3: 1, 2, 4, 4)', () => {
    const b = new BinaryExponentialBackoff({ initial: s, maximumStep: 3 });
    expect(take(b, 4)).toEqual([1, 2, 4, 4].map((x) => x * s));
  });

  it('next() does not exceed the maximum (step 5)', () => {
    const b = new BinaryExponentialBackoff({ initial: s, maximumStep: 5 });
    expect(take(b, 10)).toEqual([1, 2, 4, 8, 16, 16, 16, 16, 16, 16].map((x) => x * s));
  });

  it('maximumStep counts distinct values; step 1 is constant', () => {
    const b = new BinaryExponentialBackoff({ initial: s, maximumStep: 1 });
    expect(take(b, 3)).toEqual([s, s, s]);
    const seven = new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 });
    expect(new Set(take(seven, 20)).size).toBe(7);
  });

  it('reset() resets the backoff', () => {
    const b = new BinaryExponentialBackoff({ initial: s, maximumStep: 5 });
    expect(b.next()).toBe(s);
    expect(b.next()).toBe(2 * s);
    expect(() => b.reset()).not.toThrow();
    expect(b.next()).toBe(s);
  });

  it("the default policy (100 ms, step 7) sums to the seed's cumulative delays", () => {
    const b = new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 });
    let sum = 0;
    const sums = take(b, 15).map((d) => {
      sum += d;
      return sum / 1000;
    });
    expect(sums.map((x) => Math.round(x * 10) / 10)).toEqual([
      0.1, 0.3, 0.7, 1.5, 3.1, 6.3, 12.7, 19.1, 25.5, 31.9, 38.3, 44.7, 51.1, 57.5, 63.9,
    ]);
  });
});

describe('withJitter', () => {
  // The delay becomes uniform in [d(1 − ratio), d(1 + ratio)]: d × (1 − ratio + 2·ratio·r).
  it('ratio 1 (the default) spreads over [0, 2d], centred on d', () => {
    const rs = [0, 0.25, 0.5, 0.75];
    const b = withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }), {
      random: () => rs.shift() ?? 0,
    });
    expect(take(b, 4)).toEqual([0, 100, 400, 1200]);
  });

  it('ratio 0.5 keeps each delay within [d/2, 3d/2]', () => {
    const at = (r: number) =>
      withJitter(new ConstantBackoff(1000), { ratio: 0.5, random: () => r }).next();
    expect(at(0)).toBe(500);
    expect(at(0.25)).toBe(750);
    expect(at(0.5)).toBe(1000);
    expect(at(0.999999)).toBeLessThan(1500);
    expect(at(0.999999)).toBeGreaterThan(1499);
  });

  it('ratio 0 leaves the sequence exactly as it is', () => {
    const b = withJitter(new LinearBackoff({ initial: 1, increment: 2 }), {
      ratio: 0,
      random: () => 0.9,
    });
    expect(take(b, 3)).toEqual([1, 3, 5]);
  });

  it('reset() passes through to the wrapped backoff', () => {
    const inner = new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 });
    const b = withJitter(inner, { random: () => 0.5 });
    expect(take(b, 3)).toEqual([100, 200, 400]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('calls the random source once per delay', () => {
    let calls = 0;
    const b = withJitter(new ConstantBackoff(10), {
      random: () => {
        calls++;
        return 0.5;
      },
    });
    take(b, 5);
    expect(calls).toBe(5);
  });

  it('uses Math.random by default and stays within [0, 2d]', () => {
    const b = withJitter(new ConstantBackoff(1000));
    const values = take(b, 200);
    for (const d of values) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(2000);
    }
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects ratio %s with InvalidOptionError', (ratio) => {
    const make = () => withJitter(new ConstantBackoff(1), { ratio });
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(make).toThrow(`withJitter ratio must be between 0 and 1, got ${String(ratio)}.`);
  });
});

describe('bad numbers', () => {
  // The message names the class and the field, so the caller finds the bad number.
  it.each([
    ['ConstantBackoff duration', () => new ConstantBackoff(-1)],
    ['LinearBackoff initial', () => new LinearBackoff({ initial: -1, increment: 1 })],
    ['LinearBackoff increment', () => new LinearBackoff({ initial: 1, increment: -1 })],
    ['LinearBackoff maximum', () => new LinearBackoff({ initial: 1, increment: 1, maximum: -1 })],
    [
      'BinaryExponentialBackoff initial',
      () => new BinaryExponentialBackoff({ initial: -1, maximumStep: 3 }),
    ],
  ])('names %s', (name, build) => {
    expect(build).toThrow(InvalidOptionError);
    expect(build).toThrow(
      new RegExp(`^${name} must be a finite number of milliseconds >= 0, got -1`),
    );
  });
});
