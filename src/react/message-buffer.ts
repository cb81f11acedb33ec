const EMPTY: readonly never[] = Object.freeze([]);

type Frame = (flush: () => void) => () => void;

// One render per animation frame; per task where there is no frame (workers, Node, tests).
const nextFrame: Frame = (flush) => {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(flush, 0);
  return () => clearTimeout(id);
};

export interface MessageBufferOptions<T> {
  /** Most messages kept, newest last; older ones are evicted. Default 100. */
  limit?: number | undefined;
  /** Keep only the messages this accepts. */
  filter?: ((message: T) => boolean) | undefined;
}

/**
 * The store behind `useMessages`: collects every message, and publishes a new immutable array at
 * most once per frame, so a burst of any size costs one render and loses nothing but what `limit`
 * evicts. Between publications the snapshot keeps its identity.
 */
export class MessageBuffer<T> {
  options: MessageBufferOptions<T> = {};
  private items: readonly T[] = EMPTY;
  private pending: T[] = [];
  private cancel: (() => void) | undefined;
  private listener: (() => void) | undefined;

  snapshot = (): readonly T[] => this.items;

  push = (message: T): void => {
    const { limit = 100, filter } = this.options;
    if (filter && !filter(message)) return;
    this.pending.push(message);
    // A hidden tab gets no frames: keep only what the next publication could show.
    if (this.pending.length > 2 * limit) this.pending.splice(0, this.pending.length - limit);
    this.cancel ??= nextFrame(this.flush);
  };

  /** Connects the store to a source; returns the disconnect `useSyncExternalStore` expects. */
  listen(source: (push: (message: T) => void) => () => void, listener: () => void): () => void {
    this.listener = listener;
    const stop = source(this.push);
    // Messages held back by a disconnect (a new socket, StrictMode's re-subscribe) still show.
    if (this.pending.length) this.cancel ??= nextFrame(this.flush);
    return () => {
      stop();
      this.cancel?.();
      this.cancel = undefined;
      this.listener = undefined;
    };
  }

  private readonly flush = (): void => {
    this.cancel = undefined;
    const { limit = 100 } = this.options;
    const next = [...this.items, ...this.pending];
    this.pending = [];
    this.items = Object.freeze(next.length > limit ? next.slice(next.length - limit) : next);
    this.listener?.();
  };
}
