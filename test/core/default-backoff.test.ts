import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Scheduler } from '../../src/core';
import { FakeTransport, flush, make } from './fake-transport';

/**
 * The backoff a socket gets when it is given none: the one that ships, so these tests build the
 * socket with no `backoff` option and read the delays off the public `scheduler` seam.
 * The contract: `withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }))`,
 * centred full jitter, so the n-th delay is d × 2r with d = 100 × 2^min(n − 1, 6) and r from
 * `Math.random`. Other tests pin r = 0.5, where the jittered delay equals the plain one: these
 * also look at r = 0 and r → 1, where only a jittered default gives 0 and almost 2d.
 */

/** The seed's plain steps: 100 ms doubling six times (seven distinct values), then held. */
const STEPS = [100, 200, 400, 800, 1600, 3200, 6400, 6400, 6400];

/** A scheduler that fires nothing by itself: the test fires its timers and reads their delays. */
class ManualScheduler implements Scheduler {
  private time = 0;
  private pending: { callback: () => void; ms: number; at: number }[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { callback, ms, at: this.time + ms };
    this.pending.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer !== handle);
  }

  now(): number {
    return this.time;
  }

  /** Fires the timer due first, moving the clock to it, and returns the delay it was set with. */
  fireNext(): number | undefined {
    const [next] = [...this.pending].sort((a, b) => a.at - b.at);
    if (!next) return undefined;
    this.pending = this.pending.filter((timer) => timer !== next);
    this.time = Math.max(this.time, next.at);
    next.callback();
    return next.ms;
  }
}

/**
 * Fails the current attempt, then fires timers until the socket makes its next attempt. Returns
 * the delay of the timer whose firing made it ('at once' when the retry needed none).
 */
const failAndRetry = async (scheduler: ManualScheduler): Promise<number | 'at once'> => {
  const attempts = FakeTransport.instances.length;
  FakeTransport.last.fail();
  await flush();
  if (FakeTransport.instances.length > attempts) return 'at once';
  for (;;) {
    const ms = scheduler.fireNext();
    if (ms === undefined) throw new Error('no retry was scheduled after a failed attempt');
    await flush();
    if (FakeTransport.instances.length > attempts) return ms;
  }
};

/** The delays before each retry of one outage on a socket with the default backoff. */
const outage = async (retries: number) => {
  const scheduler = new ManualScheduler();
  const socket = make({ scheduler });
  // The contract: the first retry follows a loss at once; the backoff paces the failures after.
  expect(await failAndRetry(scheduler)).toBe('at once');
  const delays: number[] = [];
  for (let i = 0; i < retries; i++) {
    const delay = await failAndRetry(scheduler);
    if (delay === 'at once') throw new Error(`retry ${i + 2} did not wait for the backoff`);
    delays.push(delay);
  }
  socket.close();
  return delays;
};

beforeEach(() => {
  FakeTransport.reset();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the default backoff (no `backoff` option)', () => {
  it('is jittered: Math.random is called once for every delay', async () => {
    // Spied before the socket exists, so whatever the default captures is the spy; a fixed r
    // keeps the outage within the give-up budget on every run.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.3);
    const delays = await outage(STEPS.length);
    expect(delays).toHaveLength(STEPS.length);
    expect(random).toHaveBeenCalledTimes(STEPS.length);
  });

  it('at r = 0.5 gives the plain steps: 100, 200, 400, …, 6400, then holds 6400', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    expect(await outage(STEPS.length)).toEqual(STEPS);
  });

  it('at r = 0 waits nothing: the lower bound of full jitter', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(await outage(STEPS.length)).toEqual(STEPS.map(() => 0));
  });

  it('at r → 1 waits just under twice each step: the upper bound, never reached', async () => {
    const almostOne = 1 - Number.EPSILON / 2; // the largest double below 1
    vi.spyOn(Math, 'random').mockReturnValue(almostOne);
    const delays = await outage(STEPS.length);
    delays.forEach((delay, i) => {
      const step = STEPS[i] as number;
      expect(delay).toBeLessThan(2 * step);
      expect(delay).toBeGreaterThan(2 * step * (1 - 1e-9));
    });
  });

  it('draws each delay afresh: d × 2r with the r of that delay', async () => {
    const rs = [0.25, 0.75, 0.1, 0.9, 0.5, 0, 0.6, 0.3, 0.8];
    const random = vi.spyOn(Math, 'random');
    for (const r of rs) random.mockReturnValueOnce(r);
    const delays = await outage(STEPS.length);
    delays.forEach((delay, i) => {
      expect(delay).toBeCloseTo((STEPS[i] as number) * 2 * (rs[i] as number), 9);
    });
  });
});
