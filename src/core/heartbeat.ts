import { InvalidOptionError } from './errors';
import type { Data, Link } from './transport';
import { ms } from './validate';

export interface HeartbeatOptions {
  /** Probe the link after this long without any inbound message. */
  interval: number;
  /** Declare the link dead when nothing arrives this long after a probe. Default: `interval`. */
  timeout?: number | undefined;
  /**
   * The probe. Default: a protocol-level ping where the implementation has one (`ws`, Bun);
   * otherwise nothing is sent and the client only watches for the server's own heartbeats.
   */
  ping?: Data | undefined;
  /** Inbound frames that are heartbeat replies: swallowed, never delivered to `messages`. */
  pong?: Data | ((data: unknown) => boolean) | undefined;
}

/** The bytes of a binary frame; undefined for text. */
const bytes = (data: unknown): Uint8Array | undefined =>
  data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : undefined;

/**
 * A matcher for frames equal to `pong`: text by value, binary by its bytes (a binary pong comes
 * back as a new ArrayBuffer or Buffer, never the object that was configured).
 */
const sameFrame = (pong: Data) => {
  const expected = bytes(pong);
  if (!expected) return (data: unknown) => data === pong;
  return (data: unknown) => {
    const got = bytes(data);
    return !!got && got.length === expected.length && got.every((b, i) => b === expected[i]);
  };
};

/** How long a one-off probe (on wake, online, offline) waits for life without a heartbeat. */
const PROBE_TIMEOUT = 5_000;

/**
 * Liveness of the current link: when it was last heard from, whether anything arrived since the
 * last probe, and how to probe it. The reducer decides when to probe and when a link is dead;
 * this unit only keeps the facts and sends the probe.
 */
export class Heartbeat {
  /** Probe after this long idle; undefined when no heartbeat is configured. */
  readonly interval: number | undefined;
  /** How long a probe waits for life. */
  readonly timeout: number;
  readonly #ping: Data | undefined;
  /** The seed's `pingInterval`: protocol pings only; where there are none it does nothing. */
  readonly #protocolOnly: boolean;
  readonly #pong: ((data: unknown) => boolean) | undefined;
  #lastHeard = 0;
  #heard = false;

  constructor(options: HeartbeatOptions | undefined, protocolOnly: boolean) {
    if (options) {
      const interval = ms(options.interval, 'heartbeat interval');
      if (!interval) {
        throw new InvalidOptionError(
          __DEV__ ? 'heartbeat interval must be greater than 0.' : 'heartbeat interval 0',
        );
      }
      this.interval = interval;
      const { pong } = options;
      this.#pong = typeof pong === 'function' || pong === undefined ? pong : sameFrame(pong);
    }
    this.timeout =
      options?.timeout === undefined
        ? (this.interval ?? PROBE_TIMEOUT)
        : ms(options.timeout, 'heartbeat timeout');
    this.#ping = options?.ping;
    this.#protocolOnly = protocolOnly;
  }

  /** Whether the periodic heartbeat runs on this link. */
  runsOn(link: Link): boolean {
    return this.interval !== undefined && !(this.#protocolOnly && !link.canPing);
  }

  /** Whether this link can be asked if it is alive (an app-level ping, or a protocol one). */
  canProbe(link: Link): boolean {
    return this.#ping !== undefined || link.canPing;
  }

  /** Life on the link: a frame, a ping or a pong. */
  heard(now: number): void {
    this.#lastHeard = now;
    this.#heard = true;
  }

  /** Milliseconds since the link was last heard from. */
  idle(now: number): number {
    // The wall clock stepped back: count idleness from now, not from a time still to come
    // (which would keep the link "fresh" for as long as the clock was set back).
    if (this.#lastHeard > now) this.#lastHeard = now;
    return now - this.#lastHeard;
  }

  /** Whether anything arrived since the last probe. */
  get answered(): boolean {
    return this.#heard;
  }

  isPong(data: unknown): boolean {
    return this.#pong?.(data) ?? false;
  }

  probe(link: Link, alive: () => void): void {
    this.#heard = false;
    if (this.#ping === undefined) {
      link.watch(alive);
      link.ping();
    } else {
      try {
        link.transport.send(this.#ping);
      } catch {}
    }
  }
}
