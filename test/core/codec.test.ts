import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Codec, json } from '../../src/core';

describe('json codec', () => {
  it('encodes values as JSON text', () => {
    const c = json<unknown, { a: number[]; b: string | null }>();
    expect(c.encode({ a: [1, 2], b: null })).toBe('{"a":[1,2],"b":null}');
    expect(json().encode('x')).toBe('"x"');
  });

  it('decodes JSON text', () => {
    const c = json<{ n: number }>();
    expect(c.decode('{"n":1}')).toEqual({ n: 1 });
    expect(json().decode('[true,null]')).toEqual([true, null]);
  });

  it('round-trips', () => {
    const c = json<{ deep: { list: string[] } }, { deep: { list: string[] } }>();
    const value = { deep: { list: ['é', '😀'] } };
    expect(c.decode(c.encode(value))).toEqual(value);
  });

  it('throws SyntaxError on text that is not JSON (the socket turns it into DecodeError)', () => {
    expect(() => json().decode('{oops')).toThrow(SyntaxError);
    expect(() => json().decode('')).toThrow(SyntaxError);
  });

  it('is typed by its generics', () => {
    const c = json<{ in: 1 }, { out: 2 }>();
    expectTypeOf(c).toEqualTypeOf<Codec<{ in: 1 }, { out: 2 }>>();
    expectTypeOf(c.decode).returns.toEqualTypeOf<{ in: 1 }>();
    expectTypeOf(c.encode).parameter(0).toEqualTypeOf<{ out: 2 }>();
  });
});

describe('json codec on binary frames', () => {
  it('decodes UTF-8 bytes, as ws delivers binary frames', () => {
    const bytes = new TextEncoder().encode('{"name":"é"}');
    expect(json().decode(bytes)).toEqual({ name: 'é' });
    expect(json().decode(bytes.buffer)).toEqual({ name: 'é' });
  });

  it('rejects a Blob, which cannot be read synchronously', () => {
    expect(() => json().decode(new Blob(['{}']))).toThrow();
  });
});
