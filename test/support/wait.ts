/**
 * Bounded waiting for tests: every wait ends, either with the awaited event or with an error that
 * names what never happened. All waits here are explicit and small; the test timeout is the
 * outer bound.
 */

/** Resolves after `ms`. Only for asserting that nothing happens; await events otherwise. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Settles like `promise`, or rejects after `ms` with an error naming `what`. */
export const within = <T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)),
      ms,
    );
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * Resolves once `condition()` holds, checked now and then every `every` ms; rejects after `ms`.
 * For conditions with no event to await (such as counters kept by someone else).
 */
export const until = (
  condition: () => boolean,
  ms: number,
  what: string,
  every = 5,
): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (condition()) return resolve();
    const started = Date.now();
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started >= ms) {
        clearInterval(poll);
        reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`));
      }
    }, every);
  });

/**
 * A change notifier for things tests count (open sockets, received messages): `when` re-checks
 * its condition on every change instead of polling, and is bounded like `within`.
 */
export class Changes {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  when(condition: () => boolean, ms: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    let listener = (): void => {};
    const met = new Promise<void>((resolve) => {
      listener = () => condition() && resolve();
      this.listeners.add(listener);
    });
    return within(met, ms, what).finally(() => this.listeners.delete(listener));
  }
}
