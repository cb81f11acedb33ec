import type { Data, DropReason, QueueOptions } from '../core/index';
import { byteLength } from '../core/transport';
import { ms } from '../core/validate';

interface Item<Out> {
  readonly data: Out;
  readonly wire: Data;
  readonly size: number;
  /** When `send` accepted it (the scheduler's clock): `maxAge` counts from here. */
  readonly at: number;
  /** Its number in this tab's stream to the leader, given each time it is handed over. */
  seq: number;
}

/**
 * One tab's messages on their way to the connection: queued while no open leader is known
 * (bounded by count, bytes and age, as the core's queue), then handed over in order. A message
 * handed to another tab stays "in flight" until that leader says it wrote it (`written`), and goes
 * back to the front of the queue if it refused it (`refused`) or left before writing it
 * (`requeue`). Once the tab's part is over (`close`), nothing goes out again: what comes back is
 * reported dropped instead, and the queued messages are reported after those still in flight
 * are settled, so reports come in the order `send` accepted the messages. Every message leaves
 * by one door only: written, reported to `drop`, or taken.
 */
export class Outbox<Out> {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  readonly #maxAge: number;
  readonly #enabled: boolean;
  readonly #drop: (data: Out, reason: DropReason) => void;
  #queued: Item<Out>[] = [];
  #bytes = 0;
  #inFlight: Item<Out>[] = [];
  /**
   * The number the next message handed over takes: after a refusal, the refused one's again,
   * since the leader writes nothing else of this tab until that number comes back (whatever
   * message carries it: the refused one may have expired or been taken from the queue since).
   */
  #seq = 0;
  /** Grows each time messages go back to the queue: a refusal of an older copy is ignored. */
  #round = 0;
  #closed = false;
  /** Closed: the queued messages, reported once nothing is in flight. */
  #held: Item<Out>[] = [];

  constructor(options: QueueOptions | false, drop: (data: Out, reason: DropReason) => void) {
    const o = options || {};
    this.#enabled = options !== false;
    this.#maxMessages = ms(o.maxMessages ?? 1000, 'queue maxMessages');
    this.#maxBytes = ms(o.maxBytes ?? 1 << 20, 'queue maxBytes');
    this.#maxAge = ms(o.maxAge ?? 30_000, 'queue maxAge');
    this.#drop = drop;
  }

  get values(): Out[] {
    return this.#queued.map((m) => m.data);
  }

  /** How many are queued. */
  get size(): number {
    return this.#queued.length;
  }

  get inFlight(): number {
    return this.#inFlight.length;
  }

  /** Holds a message; false (and nothing held) when the queue is off or full. */
  offer(data: Out, wire: Data, now: number): boolean {
    this.expire(now);
    const size = byteLength(wire);
    if (
      !this.#enabled ||
      this.#queued.length >= this.#maxMessages ||
      this.#bytes + size > this.#maxBytes
    ) {
      return false;
    }
    this.#queued.push({ data, wire, size, at: now, seq: -1 });
    this.#bytes += size;
    return true;
  }

  /** Discards, with a report, every queued message older than `maxAge`. */
  expire(now: number): void {
    while (this.#queued[0] && now - this.#queued[0].at > this.#maxAge) {
      const m = this.#queued.shift() as Item<Out>;
      this.#bytes -= m.size;
      this.#drop(m.data, 'expired');
    }
  }

  /** The leader's own messages: written in order while `write` takes them. */
  flush(write: (wire: Data) => boolean, now: number): void {
    this.expire(now);
    while (this.#queued[0] && write(this.#queued[0].wire)) this.#take();
  }

  /**
   * A follower's messages: each is numbered and handed to `post` in order, and stays in flight.
   * `post` returns false when it could not hand it over (the channel refused it): it stays queued.
   */
  handOver(post: (seq: number, round: number, wire: Data) => boolean, now: number): void {
    this.expire(now);
    for (let m = this.#queued[0]; m; m = this.#queued[0]) {
      if (!post(this.#seq, this.#round, m.wire)) return;
      m.seq = this.#seq++;
      this.#inFlight.push(this.#take());
    }
  }

  /** A message sent while an open leader is known and nothing waits: straight into flight. */
  post(
    data: Out,
    wire: Data,
    now: number,
    post: (seq: number, round: number, wire: Data) => boolean,
  ): boolean {
    const seq = this.#seq;
    if (!post(seq, this.#round, wire)) return false;
    this.#seq++;
    // Its size is counted only if it comes back to the queue: the hot path stays lean.
    this.#inFlight.push({ data, wire, size: -1, at: now, seq });
    return true;
  }

  /** The leader wrote every message numbered below `next`. */
  written(next: number): void {
    const i = this.#inFlight.findIndex((m) => m.seq >= next);
    this.#inFlight = i < 0 ? [] : this.#inFlight.slice(i);
    this.#release();
  }

  /**
   * The leader refused `seq` of `round` (and so wrote those before it); it and those after it go
   * back to the queue, or are reported once closed. A refusal of an older round says nothing.
   */
  refused(seq: number, round: number): boolean {
    if (round !== this.#round) return false;
    this.requeue(seq);
    return true;
  }

  /**
   * The leader wrote the messages in flight below `next` and will write none of the others (all
   * of them without `next`): those go back to the front of the queue, in order, beyond the bounds
   * (`send` accepted them already); once closed, they are reported dropped instead.
   */
  requeue(next = Number.NEGATIVE_INFINITY): void {
    const back = this.#inFlight.filter((m) => m.seq >= next);
    this.#inFlight = [];
    if (this.#closed) {
      for (const m of back) this.#drop(m.data, 'closed');
      return this.#release();
    }
    if (!back.length) return;
    this.#round++;
    this.#seq = (back[0] as Item<Out>).seq;
    const items = back.map((m) => (m.size < 0 ? { ...m, size: byteLength(m.wire) } : m));
    for (const m of items) this.#bytes += m.size;
    this.#queued = [...items, ...this.#queued];
  }

  /**
   * The leader vanished (its tab crashed) with messages in flight: whether it wrote them is not
   * known. Like messages handed to a transport that then died, they are not sent again (no
   * duplicates) and may be lost.
   */
  abandon(): void {
    this.#inFlight = [];
    this.#release();
  }

  /** Empties the queue without reports: the caller takes the messages over. */
  take(): Out[] {
    const values = this.values;
    this.#queued = [];
    this.#bytes = 0;
    return values;
  }

  /**
   * The tab's part is over: nothing is handed over again, and each queued message is reported
   * dropped ('closed'), after those in flight are settled.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = this.#queued;
    this.#queued = [];
    this.#bytes = 0;
    this.#release();
  }

  /** Closed, with nothing in flight: the held messages' reports go out. */
  #release(): void {
    if (!this.#closed || this.#inFlight.length) return;
    const held = this.#held;
    this.#held = [];
    for (const m of held) this.#drop(m.data, 'closed');
  }

  #take(): Item<Out> {
    const m = this.#queued.shift() as Item<Out>;
    this.#bytes -= m.size;
    return m;
  }
}
