import type { Scheduler } from '../../../src/core';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly owner: TabClock;
  readonly callback: () => void;
}

/**
 * One clock for every simulated tab: time moves only when the test advances it, and timers run
 * in time order (ties in the order they were set). It starts far from zero, as `Date.now()`
 * would: the epochs of leaders read it.
 */
export class SharedClock {
  #time = 1_000_000;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#time;
  }

  /** A tab's view of the clock; `kill` silences every timer it set. */
  forTab(): TabClock {
    return new TabClock(this);
  }

  set(owner: TabClock, callback: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#time + Math.max(0, ms), seq: id, owner, callback });
    return id;
  }

  clear(id: unknown): void {
    this.#timers.delete(id as number);
  }

  /** Timers of live tabs, set and neither run nor cleared. */
  live(owner?: TabClock): number {
    let n = 0;
    for (const t of this.#timers.values()) if (!t.owner.dead && (!owner || t.owner === owner)) n++;
    return n;
  }

  /** When the next timer is due, if any. */
  get next(): number | undefined {
    let at: number | undefined;
    for (const t of this.#timers.values()) if (at === undefined || t.at < at) at = t.at;
    return at;
  }

  /** Runs the next timer due within `ms` (moving time to it); false when none is. */
  step(ms = Number.POSITIVE_INFINITY): boolean {
    let next: Timer | undefined;
    for (const t of this.#timers.values()) {
      if (
        t.at - this.#time <= ms &&
        (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))
      )
        next = t;
    }
    if (!next) return false;
    this.#timers.delete(next.seq);
    this.#time = Math.max(this.#time, next.at);
    if (!next.owner.dead) next.callback();
    return true;
  }

  /** Moves time by `ms`, running every timer due meanwhile. */
  advance(ms: number): void {
    const until = this.#time + ms;
    while (this.step(until - this.#time)) {}
    this.#time = until;
  }
}

export class TabClock implements Scheduler {
  dead = false;
  constructor(readonly clock: SharedClock) {}
  now(): number {
    return this.clock.now();
  }
  setTimeout(callback: () => void, ms: number): unknown {
    return this.clock.set(this, callback, ms);
  }
  clearTimeout(handle: unknown): void {
    this.clock.clear(handle);
  }
  get live(): number {
    return this.clock.live(this);
  }
}
