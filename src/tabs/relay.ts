import type { Written } from './protocol';

/**
 * The leader's side of the followers' streams: which message of each follower comes next. A
 * follower's messages are written in its order or not at all: the first one the leader cannot
 * write (the connection is down) and every later one is refused until the follower sends that
 * one again. Go-back-N over a channel that never reorders one sender's messages.
 */
export class Relay {
  /** Per follower: the number of the message to write next; unknown until its first is seen. */
  #next = new Map<string, number>();
  /** Followers with writes not yet acknowledged. */
  #unacknowledged = new Set<string>();

  /** Whether `seq` of `from` is the one to write now. */
  admits(from: string, seq: number): boolean {
    const next = this.#next.get(from);
    return next === undefined || next === seq;
  }

  /** `seq` of `from` was written: the next one is due, and an acknowledgement. */
  wrote(from: string, seq: number): void {
    this.#next.set(from, seq + 1);
    this.#unacknowledged.add(from);
  }

  /** `seq` of `from` was refused: until it comes again, nothing later of `from` is written. */
  refused(from: string, seq: number): void {
    if (!this.#next.has(from)) this.#next.set(from, seq);
  }

  /** What is written and not yet acknowledged, per follower; undefined when nothing is. */
  acknowledge(): Written | undefined {
    if (!this.#unacknowledged.size) return undefined;
    const next: Record<string, number> = {};
    for (const from of this.#unacknowledged) next[from] = this.#next.get(from) as number;
    this.#unacknowledged.clear();
    return next;
  }

  /** Every follower's next number: what a leader that leaves tells them it wrote. */
  written(): Written {
    return Object.fromEntries(this.#next);
  }

  forget(from: string): void {
    this.#next.delete(from);
    this.#unacknowledged.delete(from);
  }
}
