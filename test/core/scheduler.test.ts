import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Scheduler } from '../../src/core';
import { defaultScheduler } from '../../src/core/scheduler';
import { FakeTransport, make } from './fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('defaultScheduler', () => {
  it('uses the global timers and clock', () => {
    const fn = vi.fn();
    const handle = defaultScheduler.setTimeout(fn, 100);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    defaultScheduler.clearTimeout(defaultScheduler.setTimeout(cancelled, 10));
    vi.advanceTimersByTime(10);
    expect(cancelled).not.toHaveBeenCalled();
    expect(handle).toBeDefined();
    vi.setSystemTime(123_456);
    expect(defaultScheduler.now()).toBe(123_456);
    expect(() => defaultScheduler.clearTimeout(undefined)).not.toThrow();
  });
});

describe('an injected scheduler', () => {
  /** A manual clock: timers run only when the test says so. */
  const manual = () => {
    let now = 1_000_000;
    let id = 0;
    const timers = new Map<number, { at: number; fn: () => void }>();
    const scheduler: Scheduler = {
      setTimeout: (fn, ms) => {
        timers.set(++id, { at: now + ms, fn });
        return id;
      },
      clearTimeout: (h) => void timers.delete(h as number),
      now: () => now,
    };
    const advance = (ms: number) => {
      const until = now + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > until) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = until;
    };
    return { scheduler, advance, timers };
  };

  it('drives every timer of the socket: none goes to the global timers', () => {
    const { scheduler, advance, timers } = manual();
    const socket = make({
      scheduler,
      timeout: 1000,
      heartbeat: { interval: 500, ping: 'ping' },
      minUptime: 0,
    });
    expect(timers.size).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    advance(1000); // the connect timeout
    expect(socket.connection.state.type).toBe('reconnecting');
    FakeTransport.last.open();
    advance(500);
    expect(FakeTransport.last.sent).toEqual(['ping']);
    expect(vi.getTimerCount()).toBe(0);
    socket.close();
    advance(5000);
    expect(socket.connection.state.type).toBe('disconnected');
    expect(timers.size).toBe(0);
  });

  it('its clock dates queued messages', () => {
    const { scheduler, advance } = manual();
    const onDrop = vi.fn();
    const socket = make({ scheduler, queue: { maxAge: 100 }, onDrop });
    socket.send('a');
    vi.advanceTimersByTime(10_000); // the global clock does not matter
    expect(socket.send('b')).toBe(true);
    expect(onDrop).not.toHaveBeenCalled();
    advance(101);
    socket.send('c');
    expect(onDrop.mock.calls).toEqual([
      ['a', 'expired'],
      ['b', 'expired'],
    ]);
  });
});
