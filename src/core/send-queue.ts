import { byteLength, type Data, type Link } from './transport';
import { ms } from './validate';

export interface QueueOptions {
  /** Most messages held while not open. Default 1000. */
  maxMessages?: number | undefined;
  /** Most bytes held while not open. Default 1 MiB. */
  maxBytes?: number | undefined;
  /** A message older than this is discarded instead of sent. Default 30 s. */
  maxAge?: number | undefined;
}

export type DropReason = 'expired' | 'closed';

interface Queued<Out> {
  readonly data: Out;
  readonly wire: Data;
  readonly size: number;
  readonly at: number;
}

/**
 * Messages `send` accepted while the socket was not open: bounded by count, bytes and age,
 * flushed in order only into a transport that is really OPEN, and every one that is discarded
 * instead is reported (`drop`). `send` never loses one silently.
 */
export class SendQueue<Out> {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  readonly #maxAge: number;
  readonly #drop: (data: Out, reason: DropReason) => void;
  #items: Queued<Out>[] = [];
  #bytes = 0;

  constructor(options: QueueOptions, drop: (data: Out, reason: DropReason) => void) {
    this.#maxMessages = ms(options.maxMessages ?? 1000, 'queue maxMessages');
    this.#maxBytes = ms(options.maxBytes ?? 1 << 20, 'queue maxBytes');
    this.#maxAge = ms(options.maxAge ?? 30_000, 'queue maxAge');
    this.#drop = drop;
  }

  get values(): Out[] {
    return this.#items.map((m) => m.data);
  }

  /** How many are held (without building `values`: `send` asks on every message). */
  get size(): number {
    return this.#items.length;
  }

  /** Holds a message; false (and nothing held) when it does not fit. */
  offer(data: Out, wire: Data, now: number): boolean {
    this.expire(now);
    const size = byteLength(wire);
    if (this.#items.length >= this.#maxMessages || this.#bytes + size > this.#maxBytes) {
      return false;
    }
    this.#items.push({ data, wire, size, at: now });
    this.#bytes += size;
    return true;
  }

  /** Discards, with a report, every message older than `maxAge`. */
  expire(now: number): void {
    while (this.#items[0] && now - this.#items[0].at > this.#maxAge) {
      const m = this.#items.shift() as Queued<Out>;
      this.#bytes -= m.size;
      this.#drop(m.data, 'expired');
    }
  }

  /**
   * Writes the messages in order while the link is OPEN. A link that is closing keeps them all:
   * they go out on the next open or are reported when the socket ends.
   */
  flush(link: Link, now: number): void {
    this.expire(now);
    while (this.#items[0] && link.ready()) {
      const m = this.#items[0];
      try {
        link.transport.send(m.wire);
      } catch {
        return; // still queued: the transport refused it, it did not take it
      }
      this.#items.shift();
      this.#bytes -= m.size;
    }
  }

  /** Empties the queue; the caller takes the messages over (a replacement socket). */
  take(): Out[] {
    const values = this.values;
    this.#items = [];
    this.#bytes = 0;
    return values;
  }

  /** Empties the queue, reporting every message as dropped for `reason`. */
  discard(reason: DropReason): void {
    for (const data of this.take()) this.#drop(data, reason);
  }
}
