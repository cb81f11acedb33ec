/**
 * Thundering-herd simulation: N clients lose the server at t = 0 and it comes back at t = down.
 * Each client follows the socket's own retry rule with the REAL backoff classes on a virtual
 * clock: the first retry is immediate, then `backoff.next()` between failures, and the give-up
 * check against the summed delays that the socket makes when each wait ends. The first attempt
 * at or after `down` succeeds (server capacity is not modelled). Deterministic for a given seed.
 *
 * Used by test/faults/herd.test.ts; the benchmark script can import `simulateHerd` too.
 */
import { type Backoff, BinaryExponentialBackoff, type Scheduler, withJitter } from '../../src/core';

import { mulberry32 } from './random';

export { mulberry32 };

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A virtual clock implementing the socket's `Scheduler`: time moves only when `run` takes the
 * next timer (earliest first, ties in the order they were set).
 */
export class VirtualClock implements Scheduler {
  private heap: Timer[] = [];
  private seq = 0;
  private time = 0;
  private readonly cancelled = new Set<number>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.push(timer);
    return timer.seq;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.cancelled.add(handle);
  }

  /** Runs timers in order until none is left or the next is past `until`; returns how many ran. */
  run(until = Number.POSITIVE_INFINITY): number {
    let ran = 0;
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > until) return ran;
      this.pop();
      if (this.cancelled.delete(next.seq)) continue;
      this.time = next.at;
      next.callback();
      ran++;
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Timer, h[parent] as Timer)) break;
      [h[i], h[parent]] = [h[parent] as Timer, h[i] as Timer];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (!h.length) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && this.less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}

/** The socket's default backoff: a jittered BinaryExponentialBackoff(100 ms, 7), seeded. */
export const defaultBackoff = (random: () => number): Backoff =>
  withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }), { random });

/** The same schedule without jitter (what passing the backoff explicitly gives). */
export const unjitteredBackoff = (): Backoff =>
  new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 });

export interface HerdOptions {
  /** Default 10,000. */
  clients?: number;
  /** When the server is back, in ms after the drop. Default 10,000. */
  down?: number;
  /** Bucket width for the peak. Default 100 ms. */
  bucket?: number;
  /** A fresh backoff per client (as the socket makes one per socket). Default: the socket's. */
  backoff?: (random: () => number) => Backoff;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** The give-up budget (`giveUpAfter`; the socket's default is `timeout`, 60 s). */
  giveUpAfter?: number;
}

export interface HerdResult {
  clients: number;
  down: number;
  bucket: number;
  /** Most successful connects in one bucket. */
  peak: number;
  /** Start of the busiest bucket, in ms after the drop. */
  peakAt: number;
  /** Time from the server's return to each client's reconnect, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** Connect attempts in total, successful or not. */
  attempts: number;
  gaveUp: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number)
    : 0;

export const simulateHerd = (options: HerdOptions = {}): HerdResult => {
  const clients = options.clients ?? 10_000;
  const down = options.down ?? 10_000;
  const bucket = options.bucket ?? 100;
  const budget = options.giveUpAfter ?? 60_000;
  const random = mulberry32(options.seed ?? 1);
  const make = options.backoff ?? defaultBackoff;
  const clock = new VirtualClock();
  const buckets = new Map<number, number>();
  const waits: number[] = [];
  let attempts = 0;
  let gaveUp = 0;

  for (let i = 0; i < clients; i++) {
    const backoff = make(random);
    let spent = 0;
    const attempt = (): void => {
      attempts++;
      const t = clock.now();
      if (t >= down) {
        const b = Math.floor(t / bucket);
        buckets.set(b, (buckets.get(b) ?? 0) + 1);
        waits.push(t - down);
        return;
      }
      // Failed: wait the next delay; when it ends, give up if the budget is spent (as the socket).
      const delay = backoff.next();
      spent += delay;
      clock.setTimeout(() => (spent >= budget ? gaveUp++ : attempt()), delay);
    };
    // The drop: the connection was stable, so the backoff is reset and the first retry is immediate.
    backoff.reset();
    clock.setTimeout(attempt, 0);
  }
  clock.run();

  let peak = 0;
  let peakAt = 0;
  for (const [b, count] of buckets) {
    if (count > peak || (count === peak && b * bucket < peakAt)) {
      peak = count;
      peakAt = b * bucket;
    }
  }
  waits.sort((a, b) => a - b);
  return {
    clients,
    down,
    bucket,
    peak,
    peakAt,
    p50: percentile(waits, 0.5),
    p99: percentile(waits, 0.99),
    max: waits[waits.length - 1] ?? 0,
    attempts,
    gaveUp,
  };
};
