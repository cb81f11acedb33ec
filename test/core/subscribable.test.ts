import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlowConsumerError } from '../../src/core';
import { Emitter } from '../../src/core/subscribable';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** Captures what a throwing listener rethrows in a microtask, instead of letting it escape. */
const captureMicrotasks = () => {
  const tasks: (() => void)[] = [];
  vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
    tasks.push(task);
  });
  return tasks;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Emitter without a current value (messages)', () => {
  it('delivers values in order to every listener, with no replay', () => {
    const e = new Emitter<number>();
    e.emit(0);
    const a: number[] = [];
    const b: number[] = [];
    e.subscribe((v) => a.push(v));
    e.subscribe((v) => b.push(v));
    e.emit(1);
    e.emit(2);
    e.emit(2);
    expect(a).toEqual([1, 2, 2]);
    expect(b).toEqual([1, 2, 2]);
  });

  it('unsubscribe stops delivery and is idempotent', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    const off = e.subscribe((v) => got.push(v));
    e.emit(1);
    off();
    off();
    e.emit(2);
    expect(got).toEqual([1]);
    expect(e.size).toBe(0);
  });

  it('the same function subscribed twice is two subscriptions', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    const fn = (v: number) => got.push(v);
    const off1 = e.subscribe(fn);
    e.subscribe(fn);
    e.emit(1);
    off1();
    e.emit(2);
    expect(got).toEqual([1, 1, 2]);
  });

  it('copy-on-write: a listener added during dispatch does not get the in-flight value', () => {
    const e = new Emitter<number>();
    const late: number[] = [];
    let added = false;
    e.subscribe(() => {
      if (!added) {
        added = true;
        e.subscribe((v) => late.push(v));
      }
    });
    e.emit(1);
    expect(late).toEqual([]);
    e.emit(2);
    expect(late).toEqual([2]);
  });

  it('a listener that unsubscribes another during dispatch does not break the loop', () => {
    const e = new Emitter<number>();
    const got: string[] = [];
    let offB = () => {};
    e.subscribe((v) => {
      got.push(`a${v}`);
      offB();
    });
    offB = e.subscribe((v) => got.push(`b${v}`));
    e.subscribe((v) => got.push(`c${v}`));
    e.emit(1);
    e.emit(2);
    expect(got.filter((x) => x.startsWith('a') || x.startsWith('c'))).toEqual([
      'a1',
      'c1',
      'a2',
      'c2',
    ]);
    expect(got).not.toContain('b2');
  });

  it('a throwing listener does not stop the others; its error is rethrown in a microtask', () => {
    const tasks = captureMicrotasks();
    const e = new Emitter<number>();
    const boom = new Error('listener bug');
    const got: number[] = [];
    e.subscribe(() => {
      throw boom;
    });
    e.subscribe((v) => got.push(v));
    expect(() => e.emit(7)).not.toThrow();
    expect(got).toEqual([7]);
    expect(tasks).toHaveLength(1);
    expect(() => tasks[0]?.()).toThrow(boom);
  });

  it('end() drops listeners; later emits and subscribers get nothing', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    e.subscribe((v) => got.push(v));
    e.end();
    expect(e.size).toBe(0);
    e.emit(1);
    const late: number[] = [];
    const off = e.subscribe((v) => late.push(v));
    e.emit(2);
    expect(got).toEqual([]);
    expect(late).toEqual([]);
    expect(e.size).toBe(0);
    expect(() => off()).not.toThrow();
  });

  it('async iteration yields values in order and completes on end()', async () => {
    const e = new Emitter<number>();
    const it = e[Symbol.asyncIterator]();
    expect(e.size).toBe(2); // listener + end hook
    const first = it.next();
    e.emit(1);
    e.emit(2);
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    e.emit(3);
    e.end();
    await expect(it.next()).resolves.toEqual({ done: false, value: 2 });
    await expect(it.next()).resolves.toEqual({ done: false, value: 3 });
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('for await ends when the emitter ends', async () => {
    const e = new Emitter<string>();
    const got: string[] = [];
    const loop = (async () => {
      for await (const v of e) got.push(v);
      return 'done';
    })();
    await flush();
    e.emit('a');
    e.emit('b');
    e.end();
    await expect(loop).resolves.toBe('done');
    expect(got).toEqual(['a', 'b']);
  });

  it('breaking out of for await unsubscribes', async () => {
    const e = new Emitter<number>();
    const loop = (async () => {
      for await (const v of e) if (v === 2) break;
    })();
    await flush();
    e.emit(1);
    e.emit(2);
    await loop;
    expect(e.size).toBe(0);
  });

  it('an iterator 10,000 values behind gets what it buffered, then SlowConsumerError saying what to do', async () => {
    const e = new Emitter<number>();
    const it = e[Symbol.asyncIterator]();
    for (let i = 0; i <= 10_000; i++) e.emit(i);
    expect(e.size).toBe(0); // stopped: it no longer listens
    const got: number[] = [];
    let error: unknown;
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value);
    } catch (caught) {
      error = caught;
    }
    expect(got).toHaveLength(10_000);
    expect(error).toBeInstanceOf(SlowConsumerError);
    expect((error as Error).message).toBe(
      'An async iterator fell 10000 values behind and was stopped. Handle values faster, or subscribe() and buffer them yourself.',
    );
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('iterating an ended emitter finishes at once', async () => {
    const e = new Emitter<number>();
    e.end();
    const it = e[Symbol.asyncIterator]();
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    expect(e.size).toBe(0);
  });
});

describe('Emitter with a current value (connection state)', () => {
  const store = <T>(initial: T) => {
    let value = initial;
    const e = new Emitter<T>(() => value);
    const set = (v: T) => {
      value = v;
      e.emit(v);
    };
    return { e, set, get: () => value };
  };

  it('replays the current value synchronously to each new subscriber', () => {
    const { e, set } = store('a');
    const got: string[] = [];
    e.subscribe((v) => got.push(v));
    expect(got).toEqual(['a']);
    set('b');
    const later: string[] = [];
    e.subscribe((v) => later.push(v));
    expect(later).toEqual(['b']);
    expect(got).toEqual(['a', 'b']);
  });

  it('never delivers the same value twice in a row', () => {
    const { e, set } = store('a');
    const got: string[] = [];
    e.subscribe((v) => got.push(v));
    e.emit('a');
    set('b');
    e.emit('b');
    set('a');
    expect(got).toEqual(['a', 'b', 'a']);
  });

  it('replay is atomic: a change made inside the replay callback still reaches that listener', () => {
    const { e, set } = store('a');
    const got: string[] = [];
    e.subscribe((v) => {
      got.push(v);
      if (v === 'a') set('b');
    });
    expect(got).toEqual(['a', 'b']);
  });

  it('a listener that changes the value during dispatch: later listeners never hear the stale one last', () => {
    const { e, set, get } = store('a');
    const first: string[] = [];
    const second: string[] = [];
    e.subscribe((v) => {
      first.push(v);
      if (v === 'b') set('c');
    });
    e.subscribe((v) => second.push(v));
    set('b');
    expect(get()).toBe('c');
    expect(first).toEqual(['a', 'b', 'c']);
    // Whatever it heard in between, the last value a listener hears is the current one.
    expect(second.at(-1)).toBe('c');
    expect(second).not.toEqual(['a', 'c', 'b']);
  });

  it('a throwing replay callback is reported but the subscription stays', () => {
    const tasks = captureMicrotasks();
    const { e, set } = store('a');
    const got: string[] = [];
    e.subscribe((v) => {
      got.push(v);
      if (v === 'a') throw new Error('replay bug');
    });
    set('b');
    expect(got).toEqual(['a', 'b']);
    expect(tasks).toHaveLength(1);
  });

  it('after end() a new subscriber still gets the final value, once', () => {
    const { e, set } = store('a');
    set('z');
    e.end();
    const got: string[] = [];
    e.subscribe((v) => got.push(v));
    e.emit('y');
    expect(got).toEqual(['z']);
    expect(e.size).toBe(0);
  });

  it('async iteration starts with the replayed value', async () => {
    const { e, set } = store('a');
    const it = e[Symbol.asyncIterator]();
    set('b');
    e.end();
    const got: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) got.push(r.value);
    expect(got).toEqual(['a', 'b']);
  });
});
