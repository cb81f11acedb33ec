import { SlowConsumerError } from './errors';

export type Listener<T> = (value: T) => void;

/** Something you can listen to: `subscribe` returns its own unsubscribe; also async-iterable. */
export interface Subscribable<T> extends AsyncIterable<T> {
  subscribe(listener: Listener<T>): () => void;
}

/** A current value and its changes: what `useSyncExternalStore` needs, and nothing more. */
export interface Store<T> extends Subscribable<T> {
  /** The current value; the same object until it really changes. */
  readonly state: T;
}

/** How far an async iterator may fall behind before it stops with `SlowConsumerError`. */
const ITERATOR_LIMIT = 10_000;

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

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

/**
 * A listener list with copy-on-write, so dispatch never allocates and a listener added during a
 * dispatch does not receive the value being dispatched. With `current`, every new subscriber first
 * gets the current value, in the same call that registers it, never sees the same value twice in a
 * row, and never hears a value after a newer one was emitted. `settle` runs after each listener:
 * the socket applies the commands that listener issued, before the next one runs, and answers
 * whether the value is still worth telling the rest.
 */
export class Emitter<T> implements Subscribable<T> {
  #listeners: readonly Listener<T>[] = [];
  readonly #enders = new Set<() => void>();
  #ended = false;
  #emits = 0;
  readonly #current: (() => T) | undefined;
  readonly #settle: ((value: T) => boolean) | undefined;
  constructor(current?: () => T, settle?: (value: T) => boolean) {
    this.#current = current;
    this.#settle = settle;
  }

  subscribe(listener: Listener<T>): () => void {
    return this.#listen(listener);
  }

  /** Listener count (an async iterator counts its end hook too), for leak tests. */
  get size(): number {
    return this.#listeners.length + this.#enders.size;
  }

  emit(value: T): void {
    const n = ++this.#emits;
    for (const listener of this.#listeners) {
      // A listener moved the value on, and every listener hears the newer one: don't follow it
      // with this stale one (a state listener that closes the socket inside its callback).
      if (this.#current && n !== this.#emits) return;
      call(listener, value);
      if (this.#settle && !this.#settle(value)) return;
    }
  }

  /** Completes the stream: listeners are dropped and async iterators finish. */
  end(): void {
    this.#ended = true;
    this.#listeners = [];
    for (const onEnd of this.#enders) onEnd();
    this.#enders.clear();
  }

  /**
   * Values in order, buffered while the consumer is busy. Several `next()` calls may be in flight
   * at once; `return()` settles them. A consumer more than 10,000 values behind gets the values
   * buffered so far, then `SlowConsumerError`: the iterator stops rather than grow without bound
   * or skip values silently.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const buffer: T[] = [];
    const waiting: ((result: IteratorResult<T>) => void)[] = [];
    let overflow: SlowConsumerError | undefined;
    let done = false;
    let stop = () => {};
    // Idempotent without a guard: stop() is, and nothing waits once done.
    const finish = () => {
      done = true;
      stop();
      for (const resolve of waiting.splice(0)) resolve(DONE);
    };
    stop = this.#listen(
      (value) => {
        const resolve = waiting.shift();
        if (resolve) resolve({ done: false, value });
        else if (buffer.length < ITERATOR_LIMIT) buffer.push(value);
        else {
          overflow = new SlowConsumerError(
            __DEV__
              ? `An async iterator fell ${ITERATOR_LIMIT} values behind and was stopped. Handle values faster, or subscribe() and buffer them yourself.`
              : `${ITERATOR_LIMIT}`,
          );
          finish();
        }
      },
      () => finish(),
    );
    return {
      next: () => {
        if (buffer.length) return Promise.resolve({ done: false, value: buffer.shift() as T });
        if (overflow) {
          const error = overflow;
          overflow = undefined;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve(DONE);
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        buffer.length = 0;
        overflow = undefined;
        finish();
        return Promise.resolve(DONE);
      },
    };
  }

  #listen(listener: Listener<T>, onEnd?: () => void): () => void {
    // A wrapper of its own: unsubscribing one of two subscriptions of one function keeps the other.
    let wrapped: Listener<T> = (value) => listener(value);
    if (this.#current) {
      // The values of a store (states, retry snapshots) are never undefined: the first always passes.
      let last: T | undefined;
      wrapped = (value) => {
        if (value !== last) {
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

/** A `Store` over an emitter with a current value. */
export class ValueStore<T> implements Store<T> {
  // Not #private: leak tests read its listener count.
  protected readonly emitter: Emitter<T>;
  readonly #read: () => T;
  constructor(emitter: Emitter<T>, read: () => T) {
    this.emitter = emitter;
    this.#read = read;
  }

  get state(): T {
    return this.#read();
  }

  /** Calls `listener` with the current value at once, then with every change. */
  subscribe(listener: Listener<T>): () => void {
    return this.emitter.subscribe(listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.emitter[Symbol.asyncIterator]();
  }
}
