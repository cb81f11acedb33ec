import { describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import {
  defaultBackoff,
  mulberry32,
  simulateHerd,
  unjitteredBackoff,
  VirtualClock,
} from '../support/herd';

const show = (name: string, r: ReturnType<typeof simulateHerd>) =>
  console.log(
    `herd ${name}: ${r.clients} clients, down ${r.down / 1000} s → peak ${r.peak}/${r.bucket} ms at ${r.peakAt} ms, ` +
      `reconnect after recovery p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, ` +
      `${r.attempts} attempts, ${r.gaveUp} gave up`,
  );

describe('thundering herd (simulation with the real backoff classes)', () => {
  it('the virtual clock runs timers in time order, ties in the order set, and honours clear', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 15);
    clock.setTimeout(() => {
      log.push(`c@${clock.now()}`);
      clock.setTimeout(() => log.push(`d@${clock.now()}`), 0);
    }, 20);
    clock.clearTimeout(cancelled);
    expect(clock.run()).toBe(4);
    expect(log).toEqual(['a@10', 'b@20', 'c@20', 'd@20']);
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

  it('default jittered backoff: at most 200 connects in any 100 ms after a 10 s outage', () => {
    const r = simulateHerd({ clients: 10_000, down: 10_000, backoff: defaultBackoff, seed: 1 });
    show('default (jittered BinaryExponential 100 ms × 7)', r);
    expect(r.gaveUp).toBe(0);
    expect(r.peak).toBeLessThanOrEqual(200);
    expect(r.peak).toBeGreaterThan(0);
    // Everyone is back; the tail is bounded by the capped, jittered delay (≤ 2 × 6.4 s).
    expect(r.max).toBeLessThanOrEqual(2 * 6400);
    expect(r.p99).toBeLessThanOrEqual(r.max);
    // Same seed, same answer.
    expect(simulateHerd({ clients: 10_000, down: 10_000, seed: 1 })).toEqual(r);
  });

  it('without jitter all 10,000 return in the same 100 ms', () => {
    const r = simulateHerd({ clients: 10_000, down: 10_000, backoff: unjitteredBackoff });
    show('no jitter (BinaryExponential 100 ms × 7)', r);
    expect(r.peak).toBe(10_000);
    // 100 + 200 + … + 6400 = 12,700 ms after the drop: all at once, 2.7 s after recovery.
    expect(r.peakAt).toBe(12_700);
    expect(r.p50).toBe(2700);
    expect(r.p99).toBe(2700);
  });

  it('the jittered peak holds across seeds and a longer outage', () => {
    const peaks = [2, 3, 4].map((seed) => simulateHerd({ seed }).peak);
    expect(Math.max(...peaks)).toBeLessThanOrEqual(200);
    const long = simulateHerd({ down: 50_000, giveUpAfter: Number.POSITIVE_INFINITY, seed: 5 });
    show('default, 50 s outage', long);
    expect(long.peak).toBeLessThanOrEqual(200);
    expect(long.gaveUp).toBe(0);
  });

  it('the give-up budget is modelled as the socket does (summed delays)', () => {
    // ConstantBackoff(1 s), budget 5 s: waits of 1 s each; after the fifth the budget is spent.
    const r = simulateHerd({
      clients: 10,
      down: 60_000,
      backoff: () => new ConstantBackoff(1000),
      giveUpAfter: 5000,
    });
    expect(r.gaveUp).toBe(10);
    // The immediate retry plus four more: the fifth wait ends with the budget spent.
    expect(r.attempts).toBe(10 * 5);
  });
});
