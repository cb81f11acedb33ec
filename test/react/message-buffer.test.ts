import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageBuffer } from '../../src/react/message-buffer';

/** A source the test pushes into by hand. */
const source = () => {
  let push: ((m: number) => void) | undefined;
  const stop = vi.fn(() => {
    push = undefined;
  });
  return {
    connect: (p: (m: number) => void) => {
      push = p;
      return stop;
    },
    emit: (...values: number[]) => {
      for (const v of values) push?.(v);
    },
    stop,
  };
};

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('MessageBuffer', () => {
  it('publishes at most once per frame: one frame and one notification for a burst', async () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const listener = vi.fn();
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame');
    const stop = buffer.listen(src.connect, listener);
    const empty = buffer.snapshot();
    src.emit(...range(0, 50));
    expect(raf).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toBe(empty);
    expect(listener).not.toHaveBeenCalled();
    await frame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toEqual(range(0, 50));
    stop();
  });

  it('keeps the snapshot identity between publications, and freezes it', async () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    const empty = buffer.snapshot();
    expect(empty).toEqual([]);
    expect(buffer.snapshot()).toBe(empty);
    src.emit(1);
    await frame();
    const one = buffer.snapshot();
    expect(one).toEqual([1]);
    expect(Object.isFrozen(one)).toBe(true);
    await frame();
    expect(buffer.snapshot()).toBe(one);
    stop();
  });

  it('keeps the last 100 by default, or `limit`, across publications', async () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 70));
    await frame();
    src.emit(...range(70, 140));
    await frame();
    expect(buffer.snapshot()).toEqual(range(40, 140));
    buffer.options = { limit: 5 };
    src.emit(140);
    await frame();
    expect(buffer.snapshot()).toEqual(range(136, 141));
    stop();
  });

  it('a burst far over the limit keeps exactly the last `limit`, in order', async () => {
    const buffer = new MessageBuffer<number>();
    buffer.options = { limit: 10 };
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 100_000));
    await frame();
    expect(buffer.snapshot()).toEqual(range(99_990, 100_000));
    stop();
  });

  it('applies the filter before the limit', async () => {
    const buffer = new MessageBuffer<number>();
    buffer.options = { limit: 3, filter: (n) => n % 10 === 0 };
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 100));
    await frame();
    expect(buffer.snapshot()).toEqual([70, 80, 90]);
    stop();
  });

  it('disconnecting stops the source and cancels the pending frame', async () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const listener = vi.fn();
    const cancel = vi.spyOn(globalThis, 'cancelAnimationFrame');
    const stop = buffer.listen(src.connect, listener);
    src.emit(1);
    stop();
    expect(src.stop).toHaveBeenCalledTimes(1);
    expect(cancel).toHaveBeenCalledTimes(1);
    await frame();
    expect(listener).not.toHaveBeenCalled();
  });

  it('messages held back by a disconnect are published after the next connect', async () => {
    const buffer = new MessageBuffer<number>();
    const first = source();
    const stop = buffer.listen(first.connect, () => {});
    first.emit(1, 2);
    stop();
    const listener = vi.fn();
    const second = source();
    const stopAgain = buffer.listen(second.connect, listener);
    await frame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toEqual([1, 2]);
    stopAgain();
  });

  it('without requestAnimationFrame (a worker, Node), publishes once per task', async () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const buffer = new MessageBuffer<number>();
    const src = source();
    const listener = vi.fn();
    const stop = buffer.listen(src.connect, listener);
    src.emit(1, 2, 3);
    expect(timeout).toHaveBeenCalledTimes(1);
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toEqual([1, 2, 3]);
    stop();
  });
});
