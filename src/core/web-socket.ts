import { type Backoff, BinaryExponentialBackoff, withJitter } from './backoff';
import type { Codec } from './codec';
import { browserEnvironment, type Environment, type EnvironmentSignal } from './environment';
import {
  ConnectTimeoutError,
  DecodeError,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  NoWebSocketError,
  SocketEndedError,
} from './errors';
import { type MachineEvent, transition } from './machine';
import { defaultScheduler, type Scheduler } from './scheduler';
import { Connecting, type ConnectionState, isOpen } from './states';
import { Emitter, type Subscribable } from './subscribable';
import type { Data, Transport, TransportEvent, WebSocketImplementation } from './transport';
import { ms } from './validate';

export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

export interface HeartbeatOptions {
  /** Probe the link after this long without any inbound message. */
  interval: number;
  /** Declare the link dead when nothing arrives this long after a probe. Default: `interval`. */
  timeout?: number | undefined;
  /**
   * The probe. Default: a protocol-level ping where the implementation has one (`ws`); otherwise
   * nothing is sent and the client only watches for the server's own heartbeats.
   */
  ping?: Data | undefined;
  /** Inbound frames that are heartbeat replies: swallowed, never delivered to `messages`. */
  pong?: Data | ((data: unknown) => boolean) | undefined;
}

export interface QueueOptions {
  /** Most messages held while not open. Default 1000. */
  maxMessages?: number | undefined;
  /** Most bytes held while not open. Default 1 MiB. */
  maxBytes?: number | undefined;
  /** A message older than this is discarded instead of sent. Default 30 s. */
  maxAge?: number | undefined;
}

export type DropReason = 'expired' | 'closed';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface WebSocketOptions<In = Data, Out = Data> {
  /** Sub-protocols offered in the handshake; `socket.protocol` is the one the server chose. */
  protocols?: string | string[] | undefined;
  /** Per connect attempt (handshake and `onOpen`), and the default give-up budget. Default 60 s. */
  timeout?: number | undefined;
  /** Give up when the summed backoff delays of one outage reach this. Default `timeout`; `Infinity` never gives up. */
  giveUpAfter?: number | undefined;
  /** Delays between failed attempts. Default: a jittered `BinaryExponentialBackoff(100 ms, 7)` per socket. */
  backoff?: Backoff | undefined;
  binaryType?: 'blob' | 'arraybuffer' | undefined;
  /** Extra upgrade headers, where the implementation accepts them (`ws` in Node). Browsers cannot. */
  headers?: Record<string, string> | undefined;
  /** The seed's option: shorthand for `heartbeat: { interval: pingInterval }`. */
  pingInterval?: number | undefined;
  heartbeat?: HeartbeatOptions | undefined;
  /** The WebSocket implementation. Default `globalThis.WebSocket`; in Node < 22 pass `ws`. */
  WebSocket?: WebSocketImplementation | undefined;
  scheduler?: Scheduler | undefined;
  /** Messages sent while not open wait here and are flushed in order on open. `false`: drop them. */
  queue?: QueueOptions | false | undefined;
  /** Runs on every open before the queue is flushed (authenticate, resubscribe); a rejection fails the attempt. */
  onOpen?: ((context: { send(data: Out): void }) => void | PromiseLike<void>) | undefined;
  /** A queued message that `send` accepted was discarded after all. */
  onDrop?: ((data: Out, reason: DropReason) => void) | undefined;
  /** Whether to reconnect after the server closed an open connection. Default: always, as the seed. */
  shouldReconnect?: ((close: CloseInfo) => boolean) | undefined;
  /** A connection that lived less than this is not a recovery: the backoff goes on. Default 5 s. */
  minUptime?: number | undefined;
  /** Network and page-life signals. Default: the browser's, where there is one; `null` for none. */
  environment?: Environment | null | undefined;
  codec?: Codec<In, Out> | undefined;
  /** Non-fatal problems, such as a frame the codec cannot decode. Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

interface Queued<Out> {
  data: Out;
  wire: Data;
  size: number;
  at: number;
}

type Phase = 'attempt' | 'wait' | 'beat' | 'probe' | 'closing';

const CONNECTING = new Connecting();
const TOKEN = /^[!#$%&'*+\-.^_`|~\w]+$/;
const noop = () => {};
/** Closing or ended: the socket will never be open again. */
const ending = (state: ConnectionState): boolean =>
  state.type === 'disconnected' || state.type === 'disconnecting';

const toUrl = (value: string | URL): string => {
  let url: URL;
  try {
    url = new URL(value, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new InvalidUrlError(
      `"${String(value)}" is not a valid URL. Pass an absolute URL such as "wss://example.com/socket".`,
    );
  }
  url.protocol = url.protocol.replace(/^http/, 'ws');
  if (!/^wss?:$/.test(url.protocol)) {
    throw new InvalidUrlError(
      `"${String(value)}" has the scheme "${url.protocol}"; a WebSocket URL must start with ws:// or wss://.`,
    );
  }
  return url.href;
};

/**
 * A WebSocket that reconnects by itself. It starts connecting at once, and stays usable across
 * drops: `messages` and `connection` span every reconnect and complete when the socket ends.
 */
export class WebSocket<In = Data, Out = Data> {
  /** Incoming messages, decoded by the codec if there is one. */
  readonly messages: Subscribable<In>;
  /** The connection state: `.state` now, `.subscribe` with replay, `.firstWhere`, async iteration. */
  readonly connection: Connection;

  readonly #o: WebSocketOptions<In, Out>;
  readonly #url: () => string | URL | PromiseLike<string | URL>;
  readonly #impl: WebSocketImplementation;
  readonly #clock: Scheduler;
  readonly #backoff: Backoff;
  readonly #timeout: number;
  readonly #budget: number;
  readonly #minUptime: number;
  readonly #beat:
    | { interval: number; timeout: number; ping?: Data | undefined; protocol: boolean }
    | undefined;
  readonly #isPong: (data: unknown) => boolean = () => false;
  readonly #limits: Required<QueueOptions> | undefined;
  readonly #env: Environment | undefined;
  readonly #stopEnv: () => void = noop;
  readonly #msgs = new Emitter<In>();
  readonly #states: Emitter<ConnectionState>;

  #s: ConnectionState = CONNECTING;
  #t: Transport | null = null;
  /** Generation: bumped on every attempt and detach, so late callbacks of older ones do nothing. */
  #g = 0;
  #timer: unknown;
  #phase: Phase | undefined;
  /** Summed backoff delays of the current outage (the seed's give-up budget). */
  #spent = 0;
  #openedAt = 0;
  #seen = 0;
  /** Life since the last probe: a flag, not a time compare, as the wall clock may step back. */
  #heard = false;
  #proto = '';
  #q: Queued<Out>[] = [];
  #bytes = 0;

  constructor(url: UrlSource, options: WebSocketOptions<In, Out> = {}) {
    const o = options;
    const impl = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketImplementation }).WebSocket;
    if (!impl) {
      throw new NoWebSocketError(
        'This platform has no global WebSocket (Node < 22). Install "ws" and pass it: new WebSocket(url, { WebSocket: WS }) with `import WS from "ws"`.',
      );
    }
    if (typeof url === 'function') this.#url = url;
    else {
      const href = toUrl(url);
      this.#url = () => href;
    }
    const protocols = typeof o.protocols === 'string' ? [o.protocols] : (o.protocols ?? []);
    for (const p of protocols) {
      if (!TOKEN.test(p) || protocols.indexOf(p) !== protocols.lastIndexOf(p)) {
        throw new InvalidOptionError(
          `Sub-protocol "${p}" is invalid: protocols must be distinct, non-empty HTTP tokens (letters, digits, !#$%&'*+-.^_\`|~).`,
        );
      }
    }
    this.#timeout = ms(o.timeout ?? 60_000, 'timeout');
    this.#budget =
      o.giveUpAfter === Number.POSITIVE_INFINITY
        ? o.giveUpAfter
        : ms(o.giveUpAfter ?? this.#timeout, 'giveUpAfter');
    this.#minUptime = ms(o.minUptime ?? 5_000, 'minUptime');
    // The seed's pingInterval is a protocol ping: where there is none (browsers) it does nothing,
    // as in Dart, rather than declaring a quiet but healthy server dead.
    const hb: (HeartbeatOptions & { protocol?: true }) | undefined =
      o.heartbeat ??
      (o.pingInterval === undefined ? undefined : { interval: o.pingInterval, protocol: true });
    if (hb) {
      const interval = ms(hb.interval, 'heartbeat interval');
      if (!interval) throw new InvalidOptionError('heartbeat interval must be greater than 0.');
      this.#beat = {
        interval,
        timeout: ms(hb.timeout ?? interval, 'heartbeat timeout'),
        ping: hb.ping,
        protocol: 'protocol' in hb,
      };
      const pong = hb.pong;
      if (pong !== undefined) this.#isPong = typeof pong === 'function' ? pong : (d) => d === pong;
    }
    if (o.queue !== false) {
      const q = o.queue ?? {};
      this.#limits = {
        maxMessages: ms(q.maxMessages ?? 1000, 'queue maxMessages'),
        maxBytes: ms(q.maxBytes ?? 1 << 20, 'queue maxBytes'),
        maxAge: ms(q.maxAge ?? 30_000, 'queue maxAge'),
      };
    }
    this.#o = o;
    this.#impl = impl;
    this.#clock = o.scheduler ?? defaultScheduler;
    this.#backoff =
      o.backoff ?? withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }));
    this.#states = new Emitter(() => this.#s);
    this.messages = this.#msgs;
    this.connection = new Connection(this.#states, () => this.#s);
    this.#env = o.environment === null ? undefined : (o.environment ?? browserEnvironment());
    if (this.#env) this.#stopEnv = this.#env.subscribe(this.#signal);
    this.#attempt();
  }

  /** The sub-protocol the server chose; '' before a connection, while reconnecting, or when none. */
  get protocol(): string {
    return this.#proto;
  }

  /** Messages waiting for the connection to open, oldest first. */
  get queued(): readonly Out[] {
    return this.#q.map((m) => m.data);
  }

  /**
   * Sends now when open; otherwise queues (see `queue`). Returns false when the message was
   * dropped: the socket is closing or ended, the queue is off, or the queue is full.
   */
  send(data: Out): boolean {
    if (ending(this.#s)) return false;
    const wire = this.#encode(data);
    const t = this.#t;
    if (t && isOpen(this.#s) && t.readyState === 1) {
      try {
        t.send(wire);
        return true;
      } catch {
        return false;
      }
    }
    const limits = this.#limits;
    if (!limits) return false;
    this.#expire();
    const size = new Blob([wire as BlobPart]).size;
    if (this.#q.length >= limits.maxMessages || this.#bytes + size > limits.maxBytes) return false;
    this.#q.push({ data, wire, size, at: this.#clock.now() });
    this.#bytes += size;
    return true;
  }

  /**
   * Closes for good (idempotent). From an open state it goes through `Disconnecting` and waits for
   * the closing handshake (at most 5 s); otherwise it aborts whatever attempt is in flight.
   */
  close(code?: number, reason?: string): void {
    if (
      code !== undefined &&
      code !== 1000 &&
      !(Number.isInteger(code) && code >= 3000 && code <= 4999)
    ) {
      throw new InvalidCloseError(
        `Close code ${String(code)} cannot be sent: use 1000 (normal) or an application code in 3000–4999.`,
      );
    }
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) {
      throw new InvalidCloseError('The close reason is longer than 123 UTF-8 bytes; shorten it.');
    }
    if (ending(this.#s)) return;
    this.#drop('closed');
    const t = this.#t;
    if (t && isOpen(this.#s)) {
      const g = this.#g;
      const finish = () => g === this.#g && this.#finish(code, reason);
      this.#arm('closing', Math.min(this.#timeout, 5_000), finish);
      t.onclose = t.onerror = finish;
      try {
        t.close(code, reason);
      } catch {
        this.#go({ type: 'close', code, reason });
        finish();
        return;
      }
      this.#go({ type: 'close', code, reason });
    } else {
      this.#stop();
      this.#go({ type: 'close', code, reason });
      this.#end();
    }
  }

  /**
   * Retry now: skips the current backoff wait (a "Retry" button). Does nothing while an attempt
   * is in flight or the connection is open. Throws `SocketEndedError` once the socket has ended.
   */
  reconnect(): void {
    if (ending(this.#s)) {
      throw new SocketEndedError(
        'This socket was closed or gave up, and an ended socket never reconnects. Create a new WebSocket to connect again.',
      );
    }
    if (!isOpen(this.#s) && this.#phase !== 'attempt') this.#attempt(true);
  }

  // ---- internals -------------------------------------------------------------------------

  /** Applies an event; returns false if a listener changed the state meanwhile (then stop). */
  #go(event: MachineEvent): boolean {
    const passed = transition(this.#s, event);
    const last = passed[passed.length - 1];
    if (!last) return true;
    this.#s = last;
    // A listener may move the state on (close inside a Disconnected callback): stop replaying
    // the older states after that.
    for (const state of passed) if (this.#s === last) this.#states.emit(state);
    return this.#s === last;
  }

  #arm(phase: Phase | undefined, delay: number, fn: () => void): void {
    this.#clock.clearTimeout(this.#timer);
    this.#phase = phase;
    this.#timer = phase && this.#clock.setTimeout(fn, delay);
  }

  /** Clears the timer and detaches and discards the transport: nothing of this attempt survives. */
  #stop(): void {
    this.#arm(undefined, 0, noop);
    // Bumped even with no transport: a URL provider still pending must not dial later.
    this.#g++;
    const t = this.#t;
    if (!t) return;
    this.#t = null;
    t.onopen = t.onmessage = t.onclose = null;
    // ws throws an unhandled 'error' when it has no listener, e.g. after aborting a handshake.
    t.onerror = noop;
    t.off?.('ping', this.#alive);
    t.off?.('pong', this.#alive);
    try {
      // On a dead link a polite close takes 10–30 s; terminate (ws) tears down at once.
      if (t.readyState < 3 && t.terminate) t.terminate();
      else if (t.readyState < 2) t.close();
    } catch {}
  }

  #attempt(force = false): void {
    this.#arm(undefined, 0, noop);
    if (!force && this.#env && !this.#env.online()) return; // paused until 'online'
    const g = ++this.#g;
    this.#arm('attempt', this.#timeout, () => {
      this.#stop();
      this.#failed(new ConnectTimeoutError(`No connection within ${this.#timeout} ms.`));
    });
    let url: string | URL | PromiseLike<string | URL>;
    try {
      url = this.#url();
    } catch (error) {
      return this.#failLater(error, g);
    }
    if (typeof url === 'object' && 'then' in url) {
      url.then(
        (u) => g === this.#g && this.#dial(u, g),
        (error) => g === this.#g && this.#failed(error),
      );
    } else this.#dial(url, g);
  }

  #dial(url: string | URL, g: number): void {
    let t: Transport;
    try {
      const protocols = this.#o.protocols;
      const headers = this.#o.headers;
      t = new this.#impl(toUrl(url), protocols, headers && { headers });
    } catch (error) {
      return this.#failLater(error, g);
    }
    if (this.#o.binaryType) t.binaryType = this.#o.binaryType;
    this.#t = t;
    let error: unknown;
    t.onopen = () => g === this.#g && this.#opened(t, g);
    t.onmessage = (e: TransportEvent) => g === this.#g && this.#receive(e.data);
    t.onerror = (e: TransportEvent) => {
      error = e?.error ?? e;
      // Browsers close right after an error; anything that does not must not stall us (#56).
      if (g === this.#g && t.readyState === 3) this.#closed(1006, '', error);
    };
    t.onclose = (e: TransportEvent) => g === this.#g && this.#closed(e.code, e.reason, error);
    if (this.#beat && t.ping && t.on) {
      t.on('ping', this.#alive);
      t.on('pong', this.#alive);
    }
  }

  #opened(t: Transport, g: number): void {
    const gate = this.#o.onOpen;
    if (!gate) return this.#ready(t);
    new Promise<void>((resolve) => resolve(gate({ send: (d) => t.send(this.#encode(d)) }))).then(
      () => g === this.#g && this.#ready(t),
      (error) => {
        if (g !== this.#g) return;
        this.#stop();
        this.#failed(error);
      },
    );
  }

  #ready(t: Transport): void {
    const now = this.#clock.now();
    this.#openedAt = this.#seen = now;
    this.#proto = t.protocol;
    this.#expire();
    for (const m of this.#q) t.send(m.wire);
    this.#q = [];
    this.#bytes = 0;
    // Effects before listeners: a listener may close the socket, which must win.
    if (this.#beat && !(this.#beat.protocol && !t.ping))
      this.#arm('beat', this.#beat.interval, this.#tick);
    else this.#arm(undefined, 0, noop);
    this.#go({ type: 'open' });
  }

  #receive(data: unknown): void {
    if (this.#beat) {
      this.#alive();
      if (this.#isPong(data)) return;
    }
    const codec = this.#o.codec;
    if (!codec) return this.#msgs.emit(data as In);
    let value: In;
    try {
      value = codec.decode(data as Data);
    } catch (cause) {
      const error = new DecodeError(
        `A message could not be decoded and was dropped: ${String(cause)}`,
        { cause },
      );
      this.#report(error);
      return;
    }
    this.#msgs.emit(value);
  }

  readonly #alive = (): void => {
    this.#seen = this.#clock.now();
    this.#heard = true;
  };

  readonly #tick = (): void => {
    const beat = this.#beat;
    if (!beat) return;
    const now = this.#clock.now();
    if (this.#phase === 'probe' && !this.#heard) return this.#dead();
    // The wall clock stepped back: count idleness from now, not from a time still to come.
    if (this.#seen > now) this.#seen = now;
    const idle = now - this.#seen;
    if (idle < beat.interval) this.#arm('beat', beat.interval - idle, this.#tick);
    else this.#probe();
  };

  /** Sends a probe and expects life within the heartbeat timeout. */
  #probe(): void {
    const beat = this.#beat;
    const t = this.#t;
    if (!beat || !t || (beat.protocol && !t.ping)) return;
    this.#heard = false;
    try {
      if (beat.ping !== undefined) t.send(beat.ping);
      else t.ping?.();
    } catch {}
    this.#arm('probe', beat.timeout, this.#tick);
  }

  #dead(): void {
    this.#stop();
    this.#lost(1006, 'heartbeat timeout');
  }

  #closed(code: number | undefined, reason: string | undefined, error: unknown): void {
    const wasOpen = isOpen(this.#s);
    this.#stop();
    if (wasOpen) this.#lost(code ?? 1006, reason ?? '');
    else this.#failed(error);
  }

  /** An open connection was lost. */
  #lost(code: number, reason: string): void {
    this.#proto = '';
    const stable = this.#clock.now() - this.#openedAt >= this.#minUptime;
    if (stable) {
      this.#backoff.reset();
      this.#spent = 0;
    }
    let retry = true;
    try {
      retry = this.#o.shouldReconnect?.({ code, reason }) ?? true;
    } catch (error) {
      this.#report(error); // a broken policy must not strand the socket: keep the seed's default
    }
    if (retry && this.#spent >= this.#budget) return this.#giveUp();
    if (!this.#go({ type: 'lost', retry, code, reason })) return;
    if (!retry) return this.#end();
    // A connection that did not stay up is no recovery: wait, so a flapping server meets a growing delay.
    if (this.#phase) return;
    stable ? this.#attempt() : this.#later();
  }

  /** An attempt failed (refused, timed out, rejected by `onOpen`, bad URL from the provider). */
  #failed(error: unknown): void {
    this.#arm(undefined, 0, noop);
    if (this.#s.type !== 'connecting') return this.#later();
    if (this.#spent >= this.#budget) return this.#giveUp();
    // The first failure is visible (the seed's Disconnected with the error), then one Reconnecting.
    if (this.#go({ type: 'lost', retry: true, error }) && !this.#phase) this.#attempt();
  }

  // Synchronous failures (a throwing URL provider, a constructor that rejects the URL) surface a
  // microtask later, as a network failure would, so listeners attached after construction hear them.
  #failLater(error: unknown, g: number): void {
    queueMicrotask(() => g === this.#g && this.#failed(error));
  }

  #later(): void {
    const delay = this.#backoff.next();
    this.#spent += delay;
    this.#arm('wait', delay, () =>
      this.#spent >= this.#budget ? this.#giveUp() : this.#attempt(),
    );
  }

  #giveUp(): void {
    this.#stop();
    this.#go({ type: 'giveUp' });
    this.#end();
  }

  #finish(code: number | undefined, reason: string | undefined): void {
    this.#stop();
    this.#go({ type: 'closed', code, reason });
    this.#end();
  }

  #end(): void {
    this.#stop();
    this.#drop('closed');
    this.#stopEnv();
    this.#msgs.end();
    this.#states.end();
  }

  readonly #signal = (signal: EnvironmentSignal): void => {
    if (ending(this.#s)) return;
    if (isOpen(this.#s)) {
      // The link may have died unnoticed (sleep, network change): check it now.
      if (this.#phase !== 'probe') this.#probe();
    } else if (signal === 'offline') {
      if (this.#phase === 'wait') this.#arm(undefined, 0, noop);
    } else if (this.#phase !== 'attempt') {
      if (signal === 'online') {
        this.#backoff.reset();
        this.#spent = 0;
      }
      this.#attempt();
    }
  };

  #dropped(data: Out, reason: DropReason): void {
    try {
      this.#o.onDrop?.(data, reason);
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    (this.#o.onError ?? console.error)(error);
  }

  #encode(data: Out): Data {
    return this.#o.codec ? this.#o.codec.encode(data) : (data as Data);
  }

  #expire(): void {
    const maxAge = this.#limits?.maxAge ?? 0;
    const now = this.#clock.now();
    while (this.#q[0] && now - this.#q[0].at > maxAge) {
      const m = this.#q.shift() as Queued<Out>;
      this.#bytes -= m.size;
      this.#dropped(m.data, 'expired');
    }
  }

  #drop(reason: DropReason): void {
    const q = this.#q;
    this.#q = [];
    this.#bytes = 0;
    for (const m of q) this.#dropped(m.data, reason);
  }
}

/** The connection state as a store: current value, subscription with replay, and waiting. */
export class Connection implements Subscribable<ConnectionState> {
  // Not #private: leak tests read its listener count.
  private readonly emitter: Emitter<ConnectionState>;
  readonly #read: () => ConnectionState;
  constructor(emitter: Emitter<ConnectionState>, read: () => ConnectionState) {
    this.emitter = emitter;
    this.#read = read;
  }

  /** The current state, read synchronously; the same object until the state really changes. */
  get state(): ConnectionState {
    return this.#read();
  }

  /** Calls `listener` with the current state at once, then with every change. */
  subscribe(listener: (state: ConnectionState) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  /**
   * Resolves with the first state (the current one included) that matches. Rejects with
   * `SocketEndedError` if the socket ends first, or with the signal's reason when aborted.
   */
  firstWhere<S extends ConnectionState>(
    predicate: ((state: ConnectionState) => state is S) | ((state: ConnectionState) => boolean),
    { signal }: { signal?: AbortSignal | undefined } = {},
  ): Promise<S> {
    return new Promise<S>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let stop = noop;
      const settle = () => {
        stop();
        signal?.removeEventListener('abort', abort);
      };
      const abort = () => {
        settle();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', abort);
      let settled = false;
      stop = this.subscribe((state) => {
        if (settled) return;
        if (predicate(state)) {
          settled = true;
          queueMicrotask(settle);
          resolve(state as S);
        } else if (state.type === 'disconnected' && this.#ended()) {
          settled = true;
          queueMicrotask(settle);
          reject(new SocketEndedError('The socket ended before reaching the awaited state.'));
        }
      });
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<ConnectionState> {
    return this.emitter[Symbol.asyncIterator]();
  }

  // A Disconnected that is the current state is final: the transient one is never left standing.
  #ended(): boolean {
    return this.#read().type === 'disconnected';
  }
}
