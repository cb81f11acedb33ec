export type Listener<T> = (value: T) => void;

/** Something you can listen to: `subscribe` returns its own unsubscribe; also async-iterable. */
export interface Subscribable<T> extends AsyncIterable<T> {
  subscribe(listener: Listener<T>): () => void;
}

// A throwing listener must not break delivery to the others or the socket's own event handling
// (the seed's zombie socket, #56), yet the bug must surface: rethrow it outside the dispatch.
const call = <T>(listener: Listener<T>, value: T): void => {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
};

/**
 * A listener list with copy-on-write, so dispatch never allocates and a listener added during a
 * dispatch does not receive the value being dispatched. With `current`, every new subscriber first
 * gets the current value, in the same call that registers it, and never sees the same value twice
 * in a row.
 */
export class Emitter<T> implements Subscribable<T> {
  #listeners: readonly Listener<T>[] = [];
  readonly #enders = new Set<() => void>();
  #ended = false;
  #emits = 0;
  readonly #current: (() => T) | undefined;
  constructor(current?: () => T) {
    this.#current = current;
  }

  subscribe(listener: Listener<T>): () => void {
    return this.#listen(listener);
  }

  /** Listener count, for leak tests. */
  get size(): number {
    return this.#listeners.length + this.#enders.size;
  }

  emit(value: T): void {
    const n = ++this.#emits;
    for (const listener of this.#listeners) {
      // A listener set a newer current value, which every listener has heard: don't follow it
      // with this stale one (a state listener that closes the socket inside its callback).
      if (this.#current && n !== this.#emits) return;
      call(listener, value);
    }
  }

  /** Completes the stream: listeners are dropped and async iterators finish. */
  end(): void {
    this.#ended = true;
    this.#listeners = [];
    for (const onEnd of this.#enders) onEnd();
    this.#enders.clear();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const buffer: T[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const stop = this.#listen(
      (value) => {
        buffer.push(value);
        wake?.();
      },
      () => {
        done = true;
        wake?.();
      },
    );
    const finish = (): IteratorResult<T> => {
      done = true;
      buffer.length = 0;
      stop();
      return { done: true, value: undefined };
    };
    const next = async (): Promise<IteratorResult<T>> => {
      while (!buffer.length && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      return buffer.length ? { done: false, value: buffer.shift() as T } : finish();
    };
    return { next, return: async () => finish() };
  }

  #listen(listener: Listener<T>, onEnd?: () => void): () => void {
    // A wrapper of its own: unsubscribing one of two subscriptions of one function keeps the other.
    let wrapped: Listener<T> = (value) => listener(value);
    if (this.#current) {
      let last: T | undefined;
      let first = true;
      wrapped = (value) => {
        if (first || value !== last) {
          first = false;
          last = value;
          listener(value);
        }
      };
    }
    // Registered before the replay, so a change caused by the replayed listener still reaches it.
    if (this.#ended) onEnd && queueMicrotask(onEnd);
    else {
      this.#listeners = [...this.#listeners, wrapped];
      if (onEnd) this.#enders.add(onEnd);
    }
    if (this.#current) call(wrapped, this.#current());
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== wrapped);
      if (onEnd) this.#enders.delete(onEnd);
    };
  }
}
