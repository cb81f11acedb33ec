import type { Scheduler } from '../../src/core';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every queued microtask (and the ones they queue) run: one macrotask turn. */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A virtual clock implementing the socket's `Scheduler`: time moves only when `run` takes the
 * next timer (earliest first, ties in the order they were set). Between two instants it lets the
 * microtask queue drain, so code that defers work to a microtask or a promise sees time stand
 * still, as it would on a real clock that no timer is due on yet.
 */
export class VirtualClock implements Scheduler {
  private heap: Timer[] = [];
  private seq = 0;
  private time = 0;
  private readonly pending = new Set<number>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.push(timer);
    this.pending.add(timer.seq);
    return timer.seq;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** Timers set and neither run nor cleared yet. */
  get live(): number {
    return this.pending.size;
  }

  /**
   * Runs timers in time order until none is left, the next is past `until`, or `done()` holds
   * after an instant; returns how many ran. Time ends at the last timer run (or at `until`).
   */
  async run(until = Number.POSITIVE_INFINITY, done: () => boolean = () => false): Promise<number> {
    let ran = 0;
    await drain(); // what was queued before the run happens now, before time moves
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > until) break;
      this.time = next.at;
      // Every timer due now that was set before this turn, then the microtasks they queued; a
      // timer they set for now runs in the next turn, after those microtasks (as on a real clock).
      const turn = this.seq;
      for (
        let due = this.heap[0];
        due && due.at === this.time && due.seq < turn;
        due = this.heap[0]
      ) {
        const timer = this.pop();
        if (!this.pending.delete(timer.seq)) continue;
        timer.callback();
        ran++;
      }
      await drain();
      if (done()) return ran;
    }
    if (until !== Number.POSITIVE_INFINITY) this.time = Math.max(this.time, until);
    return ran;
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

  private pop(): Timer {
    const h = this.heap;
    const top = h[0] as Timer;
    const last = h.pop() as Timer;
    if (!h.length) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && this.less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) return top;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}
