/**
 * Calls `flush` with a timestamp on the first frame at least `delay` ms from now. Waiting out a
 * delay with a timer rather than frame after frame keeps a throttled stream from requesting a
 * frame it does not use; where there are no frames (workers, Node) the timer alone does it.
 */
export const frameAfter = (flush: (now: number) => void, delay: number): (() => void) => {
  const frames = typeof requestAnimationFrame === 'function';
  let frame: number | undefined;
  const onFrame = () => {
    frame = requestAnimationFrame(flush);
  };
  const timer =
    delay > 0 || !frames
      ? setTimeout(() => (frames ? onFrame() : flush(performance.now())), delay)
      : undefined;
  if (timer === undefined) onFrame();
  return () => {
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
  };
};

/** The messages `useMessages` renders: oldest first, with the position of the first one. */
export type MessageList<T> = readonly T[] & {
  /**
   * How many messages this component saw before `[0]` (evicted by `limit`, or filtered out
   * never count): `key={messages.firstIndex + i}` stays with its message when older ones go.
   */
  readonly firstIndex: number;
};

// Not enumerable: the list still compares, spreads and serialises as the plain array it is.
const list = <T>(items: T[], firstIndex: number): MessageList<T> =>
  Object.freeze(
    Object.defineProperty(items, 'firstIndex', { value: firstIndex }),
  ) as MessageList<T>;

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
 * The store behind `useMessages`: collects every message, and publishes a new immutable list on
 * the next frame, but not sooner than `throttle` after the previous publication. So renders are
 * bounded by frames, not messages: a burst costs at most one render per frame that passes while
 * it arrives, plus one (a browser delivers a large burst over many tasks and frames; only a
 * burst delivered within one task costs a single render), a stream costs a bounded rate of
 * renders, and nothing is lost but what `limit` evicts. Between publications the snapshot keeps
 * its identity.
 */
export class MessageBuffer<T> {
  #options: MessageBufferOptions<T> = {};
  #items: MessageList<T> = list([], 0);
  #pending: T[] = [];
  /** Messages accepted so far (by the filter): the index the next one gets. */
  #count = 0;
  #published = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | undefined;
  #listener: (() => void) | undefined;

  /** Applied on commit: a render that React throws away leaves the options as they were. */
  configure(options: MessageBufferOptions<T>): void {
    this.#options = options;
  }

  snapshot = (): MessageList<T> => this.#items;

  push = (message: T): void => {
    const { limit = 100, filter } = this.#options;
    if (filter && !filter(message)) return;
    this.#count++;
    this.#pending.push(message);
    // A hidden tab gets no frames: keep only what the next publication could show.
    if (this.#pending.length > 2 * limit) this.#pending.splice(0, this.#pending.length - limit);
    this.#wake();
  };

  /** Connects the store to a source; returns the disconnect `useSyncExternalStore` expects. */
  listen(source: (push: (message: T) => void) => () => void, listener: () => void): () => void {
    this.#listener = listener;
    const stop = source(this.push);
    // Messages held back by a disconnect (a new socket, StrictMode's re-subscribe) still show.
    if (this.#pending.length) this.#wake();
    return () => {
      stop();
      this.#cancel?.();
      this.#cancel = undefined;
      this.#listener = undefined;
    };
  }

  #wait(now: number): number {
    return this.#published + (this.#options.throttle ?? 30) - now;
  }

  #wake(): void {
    this.#cancel ??= frameAfter(this.#flush, Math.max(0, this.#wait(performance.now())));
  }

  readonly #flush = (now: number): void => {
    this.#cancel = undefined;
    const wait = this.#wait(now);
    if (wait > 0) {
      this.#cancel = frameAfter(this.#flush, wait);
      return;
    }
    this.#published = now;
    const { limit = 100 } = this.#options;
    const next = [...this.#items, ...this.#pending];
    this.#pending = [];
    const kept = next.length > limit ? next.slice(next.length - limit) : next;
    this.#items = list(kept, this.#count - kept.length);
    this.#listener?.();
  };
}
