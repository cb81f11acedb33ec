const EMPTY: readonly never[] = Object.freeze([]);

/** Calls `flush` with a timestamp on the next frame (or after `delay` where there are no frames). */
type Schedule = (flush: (now: number) => void, delay: number) => () => void;

// A frame where the platform has them; where it has none (workers, Node, tests) a timer does the
// waiting, since polling tasks until the throttle has passed would spin.
const schedule: Schedule = (flush, delay) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(() => flush(performance.now()), delay);
  return () => clearTimeout(id);
};

export interface MessageBufferOptions<T> {
  /** Most messages kept, newest last; older ones are evicted. Default 100. */
  limit?: number | undefined;
  /** Keep only the messages this accepts. */
  filter?: ((message: T) => boolean) | undefined;
  /**
   * Least milliseconds between two renders while messages keep coming. A message after a quiet
   * spell still shows on the next frame. Default 30 (a 5,000 msg/s stream renders about 30 times
   * a second); 0 renders on every frame that has news.
   */
  throttle?: number | undefined;
}

/**
 * The store behind `useMessages`: collects every message, and publishes a new immutable array on
 * the next frame, but not sooner than `throttle` after the previous publication. So renders are
 * bounded by frames, not messages: a burst costs at most one render per frame that passes while
 * it arrives, plus one (a browser delivers a large burst over many tasks and frames; only a
 * burst delivered within one task costs a single render), a stream costs a bounded rate of
 * renders, and nothing is lost but what `limit` evicts. Between publications the snapshot keeps
 * its identity.
 */
export class MessageBuffer<T> {
  options: MessageBufferOptions<T> = {};
  private items: readonly T[] = EMPTY;
  private pending: T[] = [];
  private published = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private listener: (() => void) | undefined;

  snapshot = (): readonly T[] => this.items;

  push = (message: T): void => {
    const { limit = 100, filter } = this.options;
    if (filter && !filter(message)) return;
    this.pending.push(message);
    // A hidden tab gets no frames: keep only what the next publication could show.
    if (this.pending.length > 2 * limit) this.pending.splice(0, this.pending.length - limit);
    this.wake();
  };

  /** Connects the store to a source; returns the disconnect `useSyncExternalStore` expects. */
  listen(source: (push: (message: T) => void) => () => void, listener: () => void): () => void {
    this.listener = listener;
    const stop = source(this.push);
    // Messages held back by a disconnect (a new socket, StrictMode's re-subscribe) still show.
    if (this.pending.length) this.wake();
    return () => {
      stop();
      this.cancel?.();
      this.cancel = undefined;
      this.listener = undefined;
    };
  }

  private wait(now: number): number {
    return this.published + (this.options.throttle ?? 30) - now;
  }

  private wake(): void {
    this.cancel ??= schedule(this.flush, Math.max(0, this.wait(performance.now())));
  }

  private readonly flush = (now: number): void => {
    this.cancel = undefined;
    const wait = this.wait(now);
    if (wait > 0) {
      this.cancel = schedule(this.flush, wait);
      return;
    }
    this.published = now;
    const { limit = 100 } = this.options;
    const next = [...this.items, ...this.pending];
    this.pending = [];
    this.items = Object.freeze(next.length > limit ? next.slice(next.length - limit) : next);
    this.listener?.();
  };
}
