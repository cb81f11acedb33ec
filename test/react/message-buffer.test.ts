import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

// Fake timers fake requestAnimationFrame too: a frame every 16 ms of fake time, so the
// throttle's arithmetic is exact.
const frame = () => vi.advanceTimersToNextFrame();
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
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
    frame();
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
    frame();
    const one = buffer.snapshot();
    expect(one).toEqual([1]);
    expect(Object.isFrozen(one)).toBe(true);
    frame();
    expect(buffer.snapshot()).toBe(one);
    stop();
  });

  it('keeps the last 100 by default, or `limit`, across publications', async () => {
    const buffer = new MessageBuffer<number>();
    buffer.configure({ throttle: 0 });
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 70));
    frame();
    src.emit(...range(70, 140));
    frame();
    expect(buffer.snapshot()).toEqual(range(40, 140));
    buffer.configure({ limit: 5, throttle: 0 });
    src.emit(140);
    frame();
    expect(buffer.snapshot()).toEqual(range(136, 141));
    stop();
  });

  it('a burst far over the limit keeps exactly the last `limit`, in order', async () => {
    const buffer = new MessageBuffer<number>();
    buffer.configure({ limit: 10 });
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 100_000));
    frame();
    expect(buffer.snapshot()).toEqual(range(99_990, 100_000));
    stop();
  });

  it('applies the filter before the limit', async () => {
    const buffer = new MessageBuffer<number>();
    buffer.configure({ limit: 3, filter: (n) => n % 10 === 0 });
    const src = source();
    const stop = buffer.listen(src.connect, () => {});
    src.emit(...range(0, 100));
    frame();
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
    frame();
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
    frame();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toEqual([1, 2]);
    stopAgain();
  });

  it('under a stream, publishes on the next frame at least `throttle` (default 30) ms after the last', () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const published: number[] = [];
    const stop = buffer.listen(src.connect, () => published.push(performance.now()));
    const start = performance.now();
    // One message every frame for 20 frames (320 ms).
    for (let i = 0; i < 20; i++) {
      src.emit(i);
      frame();
    }
    const gaps = published.slice(1).map((t, i) => t - (published[i] as number));
    expect(published[0]).toBe(start + 16); // the first message is not held back
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBe(32); // every other frame: the first at >= 30 ms
    expect(published).toHaveLength(10);
    expect(buffer.snapshot()).toEqual(range(0, 19)); // the 20th waits for its frame
    frame();
    frame();
    expect(buffer.snapshot()).toEqual(range(0, 20));
    stop();
  });

  it('a message after a quiet spell shows on the next frame, throttle or not', () => {
    const buffer = new MessageBuffer<number>();
    buffer.configure({ throttle: 1000 });
    const src = source();
    const listener = vi.fn();
    const stop = buffer.listen(src.connect, listener);
    src.emit(1);
    frame();
    expect(listener).toHaveBeenCalledTimes(1);
    src.emit(2);
    vi.advanceTimersByTime(990);
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(buffer.snapshot()).toEqual([1, 2]);
    vi.advanceTimersByTime(5000);
    src.emit(3);
    frame();
    expect(listener).toHaveBeenCalledTimes(3);
    stop();
  });

  it('throttle 0 publishes on every frame that has news, and on no other', () => {
    const buffer = new MessageBuffer<number>();
    buffer.configure({ throttle: 0 });
    const src = source();
    const listener = vi.fn();
    const stop = buffer.listen(src.connect, listener);
    for (let i = 0; i < 5; i++) {
      src.emit(i);
      frame();
      expect(listener).toHaveBeenCalledTimes(i + 1);
    }
    frame();
    frame();
    expect(listener).toHaveBeenCalledTimes(5);
    stop();
  });

  it('disconnecting while throttled cancels the waiting frame; nothing is left scheduled', () => {
    const buffer = new MessageBuffer<number>();
    const src = source();
    const listener = vi.fn();
    const stop = buffer.listen(src.connect, listener);
    src.emit(1);
    frame();
    src.emit(2);
    frame(); // 16 ms after the publication: too early, waits for another frame
    expect(listener).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(1);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('without requestAnimationFrame (a worker, Node), a timer waits out the throttle', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const buffer = new MessageBuffer<number>();
    const src = source();
    const listener = vi.fn();
    const stop = buffer.listen(src.connect, listener);
    src.emit(1, 2, 3);
    expect(timeout).toHaveBeenCalledTimes(1);
    expect(timeout).toHaveBeenLastCalledWith(expect.any(Function), 0);
    vi.advanceTimersByTime(0);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(buffer.snapshot()).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(10);
    src.emit(4, 5);
    // One timer for the rest of the throttle, not a task per poll.
    expect(timeout).toHaveBeenCalledTimes(2);
    expect(timeout).toHaveBeenLastCalledWith(expect.any(Function), 20);
    vi.advanceTimersByTime(19);
    expect(listener).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(buffer.snapshot()).toEqual([1, 2, 3, 4, 5]);
    stop();
  });
});
