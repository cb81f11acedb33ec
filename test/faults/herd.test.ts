import { describe, expect, it } from 'vitest';
import { BinaryExponentialBackoff, ConstantBackoff, WebSocket } from '../../src/core';
import {
  type HerdOptions,
  type HerdResult,
  LATENCY,
  mulberry32,
  simulateHerd,
} from '../support/herd';
import { VirtualClock } from '../support/virtual-clock';

const herd = (options: Omit<HerdOptions, 'WebSocket'> = {}) =>
  simulateHerd({ WebSocket, ...options });

const show = (name: string, r: HerdResult) =>
  console.log(
    `herd ${name}: ${r.clients} clients, down ${r.down / 1000} s → peak ${r.peak}/${r.bucket} ms at ${r.peakAt} ms, ` +
      `reconnect after recovery p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, ` +
      `${r.attempts} attempts, ${r.gaveUp} gave up`,
  );

describe('virtual clock and PRNG', () => {
  it('runs timers in time order, ties in the order set, honours clear and counts live timers', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 15);
    clock.setTimeout(() => {
      log.push(`c@${clock.now()}`);
      clock.setTimeout(() => log.push(`d@${clock.now()}`), 0);
      queueMicrotask(() => log.push(`microtask@${clock.now()}`));
    }, 20);
    clock.clearTimeout(cancelled);
    expect(clock.live).toBe(3);
    expect(await clock.run()).toBe(4);
    // A timer set for "now" runs after the microtasks of the turn that set it, as on a real clock.
    expect(log).toEqual(['a@10', 'b@20', 'c@20', 'microtask@20', 'd@20']);
    expect(clock.live).toBe(0);
  });

  it('mulberry32 is deterministic and uniform enough', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

/** Virtual time costs real CPU: ~1–2 s for 10,000 clients here, more on a loaded machine. */
const SLOW = 30_000;

/** The shipped default's cap: 100 ms × 2^6, jittered into [0, 2 × 6.4 s]. */
const CAP = 6400;

describe('thundering herd: real sockets, the shipped default backoff, a virtual clock', () => {
  it(
    '10,000 clients, no backoff option, 10 s outage: at most 200 connects in any 100 ms; everyone back',
    async () => {
      const random = Math.random;
      const r = await herd({ clients: 10_000, down: 10_000, seed: 1 });
      show('default', r);
      expect(Math.random).toBe(random);
      expect(r.gaveUp).toBe(0);
      expect(r.back).toBe(10_000);
      expect(r.peak).toBeGreaterThan(0);
      expect(r.peak).toBeLessThanOrEqual(200);
      // The tail is the capped step's: no wait after the return is longer than one jittered 6.4 s
      // delay (≤ 12.8 s), and some come close to it (a smaller cap could not reach 11.5 s).
      expect(r.max).toBeLessThanOrEqual(2 * CAP + 2 * LATENCY);
      expect(r.max).toBeGreaterThan(0.9 * 2 * CAP);
      expect(r.p99).toBeLessThanOrEqual(r.max);
      expect(r.p50).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'the jitter is drawn from Math.random: the same seed gives the same herd, another seed another',
    async () => {
      const a = await herd({ clients: 2000, seed: 7 });
      expect(await herd({ clients: 2000, seed: 7 })).toEqual(a);
      expect(await herd({ clients: 2000, seed: 8 })).not.toEqual(a);
    },
    SLOW,
  );

  it(
    'without jitter (an explicit BinaryExponentialBackoff) all return in the same 100 ms',
    async () => {
      const r = await herd({
        clients: 2000,
        down: 10_000,
        backoff: () => new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }),
      });
      show('no jitter', r);
      expect(r.peak).toBe(2000);
      // Waits of 100 + 200 + … + 6400 = 12,700 ms, and eight handshakes' latency: all at once.
      const back = 12_700 + 8 * LATENCY;
      expect(r.peakAt).toBe(Math.floor(back / 100) * 100);
      expect(r.p50).toBe(back - 10_000);
      expect(r.max).toBe(back - 10_000);
      expect(r.attempts).toBe(2000 * 8);
    },
    SLOW,
  );

  it(
    'the jittered peak holds across seeds and a 50 s outage (2,000 clients: at most 3% per 100 ms)',
    async () => {
      const runs: HerdResult[] = [];
      for (const seed of [2, 3, 4]) runs.push(await herd({ clients: 2000, seed }));
      const long = await herd({
        clients: 2000,
        down: 50_000,
        giveUpAfter: Number.POSITIVE_INFINITY,
        seed: 5,
      });
      show('default, 50 s outage', long);
      for (const r of [...runs, long]) {
        expect(r.gaveUp).toBe(0);
        expect(r.back).toBe(2000);
        expect(r.peak).toBeLessThanOrEqual(0.03 * 2000);
        expect(r.max).toBeLessThanOrEqual(2 * CAP + 2 * LATENCY);
        expect(r.max).toBeGreaterThan(0.9 * 2 * CAP);
      }
    },
    SLOW,
  );

  it('the give-up budget: summed delays reaching giveUpAfter end the socket', async () => {
    // ConstantBackoff(1 s), budget 5 s: the immediate retry, then four more after 1 s waits; the
    // fifth wait spends the budget and the socket gives up.
    const r = await herd({
      clients: 10,
      down: 60_000,
      backoff: () => new ConstantBackoff(1000),
      giveUpAfter: 5000,
    });
    expect(r.gaveUp).toBe(10);
    expect(r.back).toBe(0);
    expect(r.attempts).toBe(10 * 5);
  });
});
