import { describe, expect, it } from 'vitest';
import {
  Connected,
  Connecting,
  type ConnectionState,
  Disconnected,
  Disconnecting,
  isOpen,
  Reconnected,
  Reconnecting,
} from '../../src/core';

const all = [
  [Connecting, 'connecting'],
  [Connected, 'connected'],
  [Reconnecting, 'reconnecting'],
  [Reconnected, 'reconnected'],
  [Disconnecting, 'disconnecting'],
  [Disconnected, 'disconnected'],
] as const;

describe('connection states', () => {
  for (const [Class, type] of all) {
    describe(Class.name, () => {
      it(`has the discriminant '${type}'`, () => {
        expect(new Class().type).toBe(type);
      });

      it('is frozen', () => {
        const state = new Class() as { type: string };
        expect(Object.isFrozen(state)).toBe(true);
        expect(() => {
          (state as { type: string }).type = 'other';
        }).toThrow(TypeError);
        expect(state.type).toBe(type);
      });

      it('supports value equality (two instances are equal) and instanceof', () => {
        const a = new Class();
        const b = new Class();
        expect(a).not.toBe(b);
        expect(a).toEqual(b);
        expect(a).toBeInstanceOf(Class);
        for (const [Other] of all) if (Other !== Class) expect(a).not.toBeInstanceOf(Other);
      });
    });
  }

  it('switch on type narrows to the class (runtime check of every branch)', () => {
    const describeState = (s: ConnectionState): string => {
      switch (s.type) {
        case 'disconnected':
          return `d:${s.code ?? '-'}`;
        case 'connecting':
        case 'connected':
        case 'reconnecting':
        case 'reconnected':
        case 'disconnecting':
          return s.type;
      }
    };
    expect(all.map(([C]) => describeState(new C()))).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'reconnected',
      'disconnecting',
      'd:-',
    ]);
  });
});

describe('Disconnected', () => {
  it('defaults every field to undefined', () => {
    const d = new Disconnected();
    expect(d.code).toBeUndefined();
    expect(d.reason).toBeUndefined();
    expect(d.error).toBeUndefined();
  });

  it('carries code, reason and error', () => {
    const error = new Error('oops');
    const d = new Disconnected({ code: 42, reason: 'reason', error });
    expect(d).toMatchObject({ type: 'disconnected', code: 42, reason: 'reason', error });
  });

  it('an empty one equals an empty one', () => {
    expect(new Disconnected()).toEqual(new Disconnected({}));
  });

  it('a populated one equals an identical one', () => {
    expect(new Disconnected({ code: 42, reason: 'reason', error: 'oops' })).toEqual(
      new Disconnected({ code: 42, reason: 'reason', error: 'oops' }),
    );
  });

  it('an empty one does not equal one with code and reason; codes tell them apart', () => {
    expect(new Disconnected()).not.toEqual(new Disconnected({ code: 42, reason: 'reason' }));
    expect(new Disconnected({ code: 1000 })).not.toEqual(new Disconnected({ code: 1001 }));
    expect(new Disconnected({ reason: 'a' })).not.toEqual(new Disconnected({ reason: 'b' }));
  });

  it('does not keep a reference to its init object', () => {
    const init = { code: 4000, reason: 'x' };
    const d = new Disconnected(init);
    init.code = 1;
    expect(d.code).toBe(4000);
    expect(Object.isFrozen(d)).toBe(true);
  });
});

describe('isOpen', () => {
  it('is true for Connected and Reconnected only', () => {
    expect(all.filter(([C]) => isOpen(new C())).map(([, t]) => t)).toEqual([
      'connected',
      'reconnected',
    ]);
  });
});
