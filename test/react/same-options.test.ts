import { describe, expect, it } from 'vitest';
import { ConstantBackoff, json, LinearBackoff } from '../../src/core/index';
import { sameOptions } from '../../src/react/same-options';

describe('sameOptions', () => {
  it.each<[string, unknown, unknown]>([
    ['the same value', 'ws://a', 'ws://a'],
    ['NaN and NaN', Number.NaN, Number.NaN],
    ['undefined and undefined', undefined, undefined],
    ['equal arrays', ['v1', 'v2'], ['v1', 'v2']],
    ['equal plain objects in any key order', { a: 1, b: [2] }, { b: [2], a: 1 }],
    ['nested objects', { queue: { maxMessages: 5 } }, { queue: { maxMessages: 5 } }],
    ['two functions (called through a ref)', () => 1, () => 2],
    ['objects whose functions differ', { onOpen: () => {} }, { onOpen: () => {} }],
    ['URLs with one href', new URL('wss://example.com/a'), new URL('wss://example.com/a')],
    ['objects of one class (a backoff)', new ConstantBackoff(100), new ConstantBackoff(5000)],
    ['two codecs', json(), json()],
    [
      'null-prototype objects',
      Object.assign(Object.create(null), { a: 1 }),
      Object.assign(Object.create(null), { a: 1 }),
    ],
  ])('equal: %s', (_, a, b) => {
    expect(sameOptions(a, b)).toBe(true);
  });

  it.each<[string, unknown, unknown]>([
    ['different strings', 'ws://a', 'ws://b'],
    ['a value and undefined', { timeout: 1 }, undefined],
    ['undefined and an empty object', undefined, {}],
    ['arrays in another order', ['v1', 'v2'], ['v2', 'v1']],
    ['arrays of other lengths', ['v1'], ['v1', 'v2']],
    ['an array and an object', ['v1'], { 0: 'v1' }],
    ['a changed nested value', { queue: { maxMessages: 5 } }, { queue: { maxMessages: 6 } }],
    ['an added key', { timeout: 1 }, { timeout: 1, minUptime: 0 }],
    ['a function and a value', () => 1, 'ws://a'],
    ['false and undefined', false, undefined],
    ['URLs with other hrefs', new URL('wss://example.com/a'), new URL('wss://example.com/b')],
    ['a URL and an equal plain object', new URL('wss://example.com/a'), {}],
    [
      'objects of other classes',
      new ConstantBackoff(100),
      new LinearBackoff({ initial: 100, increment: 0 }),
    ],
    ['a class instance and a plain object', new ConstantBackoff(100), {}],
  ])('different: %s', (_, a, b) => {
    expect(sameOptions(a, b)).toBe(false);
    expect(sameOptions(b, a)).toBe(false);
  });
});
