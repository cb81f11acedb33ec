/**
 * Run to completion, as an actor's mailbox: an event that arrives while a step runs (from a
 * listener, a callback, a transport) waits until that step has finished; what the steps leave to
 * do afterwards (telling listeners, reports) runs once the events are handled, one task at a time,
 * each task's own commands applied before the next.
 */
export class Mailbox<E> {
  readonly #events: E[] = [];
  readonly #tasks: (() => void)[] = [];
  #running = false;
  readonly #step: (event: E) => void;
  readonly #settled: () => void;

  /** `step` applies one event; `settled` runs whenever the events have all been applied. */
  constructor(step: (event: E) => void, settled: () => void = () => {}) {
    this.#step = step;
    this.#settled = settled;
  }

  /** Whether a step or a task is running: what arrives now waits. */
  get running(): boolean {
    return this.#running;
  }

  /** Whether an event waiting to be applied passes `test` (a close a listener just issued). */
  has(test: (event: E) => boolean): boolean {
    return this.#events.some(test);
  }

  dispatch(event: E): void {
    this.#events.push(event);
    if (!this.#running) this.#drain();
  }

  /** Runs `task` after the events, never in the middle of a step. */
  defer(task: () => void): void {
    this.#tasks.push(task);
    if (!this.#running) this.#drain();
  }

  /** Applies the events a task (a listener) just issued, before the next one runs. */
  settle(): void {
    for (let event = this.#events.shift(); event; event = this.#events.shift()) this.#step(event);
    this.#settled();
  }

  /**
   * Runs `operation` as one step would: user code it triggers and the commands that code issues
   * run after it, not in the middle of it.
   */
  atomically<T>(operation: () => T): T {
    if (this.#running) return operation();
    this.#running = true;
    let result: T;
    try {
      result = operation();
    } finally {
      this.#running = false;
    }
    if (this.#events.length || this.#tasks.length) this.#drain();
    return result;
  }

  #drain(): void {
    this.#running = true;
    try {
      for (;;) {
        const event = this.#events.shift();
        if (event !== undefined) this.#step(event);
        else {
          this.#settled();
          const task = this.#tasks.shift();
          if (!task) break;
          task();
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
