import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core';
import { ms } from '../../src/core/validate';

describe('ms', () => {
  it.each([0, 1, 1.5, 60_000, Number.MAX_SAFE_INTEGER])('accepts %s', (value) => {
    expect(ms(value, 'x')).toBe(value);
  });

  it.each([
    -1,
    -0.001,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '5',
    null,
    undefined,
    {},
  ])('rejects %s, naming the option', (value) => {
    const call = () => ms(value, 'the thing');
    expect(call).toThrow(InvalidOptionError);
    expect(call).toThrow(/^the thing must be a finite number of milliseconds >= 0/);
  });
});
