import type { Backoff } from './backoff';
import type { Codec, CodecOption } from './codec';
import { Connection } from './connection';
import { browserEnvironment, type Environment, type EnvironmentSignal } from './environment';
import { DecodeError, InvalidOptionError, NoWebSocketError, SocketEndedError } from './errors';
import { Heartbeat, type HeartbeatOptions } from './heartbeat';
import { Mailbox } from './mailbox';
import { type CloseInfo, type FailureInfo, ReconnectPolicy } from './reconnect-policy';
import {
  type Config,
  type Effect,
  type Event,
  ending,
  initialModel,
  type Model,
  reduce,
  type TimerName,
  writable,
} from './reducer';
import { report } from './report';
import { IDLE, type RetryState, retryStateOf } from './retry-state';
import { defaultScheduler, type Scheduler } from './scheduler';
import { type DropReason, type QueueOptions, SendQueue } from './send-queue';
import type { ConnectionState } from './states';
import { Emitter, type Store, type Subscribable, ValueStore } from './subscribable';
import {
  connect,
  type Data,
  type Link,
  type LinkEvents,
  toUrl,
  type WebSocketImplementation,
} from './transport';
import { checkClose, ms } from './validate';

export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

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
  /** The seed's option: shorthand for `heartbeat: { interval: pingInterval }` with protocol pings only. */
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
  /** Whether to reconnect after an open connection was lost. Default: always, as the seed. */
  shouldReconnect?: ((close: CloseInfo) => boolean) | undefined;
  /** Whether to try again after a failed attempt (refused, timed out, upgrade answered with `status`). Default: always. */
  shouldRetry?: ((failure: FailureInfo) => boolean) | undefined;
  /** A connection that lived less than this is not a recovery: the backoff goes on. Default 5 s. */
  minUptime?: number | undefined;
  /** Network and machine signals. Default: the browser's, where there is one; `null` for none. */
  environment?: Environment | null | undefined;
  /** Turns frames into typed messages and back; `json<In, Out>()` is built in. */
  codec?: CodecOption<In, Out> | undefined;
  /** Non-fatal problems, such as a frame the codec cannot decode. Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * What a socket offers its users: the core `WebSocket` and the cross-tab socket
 * (`web-socket-client/tabs`) both have this shape, so the React provider and hooks take either.
 */
export interface WebSocketLike<In = Data, Out = Data> {
  readonly messages: Subscribable<In>;
  readonly connection: Connection;
  readonly retry: Store<RetryState>;
  readonly protocol: string;
  readonly queued: readonly Out[];
  send(data: Out): boolean;
  close(code?: number, reason?: string): void;
  reconnect(): void;
  takeQueued(): Out[];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~\w]+$/;
/** An error event waits this long for its close event before the transport counts as closed. */
const ERROR_GRACE = 50;

/**
 * A WebSocket that reconnects by itself. It starts connecting at once, and stays usable across
 * drops: `messages` and `connection` span every reconnect and complete when the socket ends.
 *
 * This class is the shell: it feeds every event to `reduce` and runs the effects it returns.
 * Events that arrive while a step runs (from a listener, a callback, the transport) wait in a
 * mailbox and are applied after it, so user code never sees a step half-applied.
 */
export class WebSocket<In = Data, Out = Data> implements WebSocketLike<In, Out> {
  /** Incoming messages, decoded by the codec if there is one. */
  readonly messages: Subscribable<In>;
  /** The connection state: `.state` now, `.subscribe` with replay, `.firstWhere`, async iteration. */
  readonly connection: Connection;
  /** What the socket is doing about a loss: attempt number, when the next starts, why. */
  readonly retry: Store<RetryState>;

  readonly #options: WebSocketOptions<In, Out>;
  readonly #url: () => string | URL | PromiseLike<string | URL>;
  readonly #implementation: WebSocketImplementation;
  readonly #scheduler: Scheduler;
  readonly #policy: ReconnectPolicy;
  readonly #heartbeat: Heartbeat;
  readonly #queue: SendQueue<Out> | undefined;
  readonly #config: Config;
  readonly #environment: Environment | undefined;
  readonly #incoming: Emitter<In>;
  readonly #states: Emitter<ConnectionState>;
  readonly #retries: Emitter<RetryState>;

  #model: Model = initialModel;
  #retry: RetryState = IDLE;
  /** The transport of the current attempt. */
  #link: Link | undefined;
  readonly #timers = new Map<TimerName, unknown>();
  /** Run to completion: events wait for the running step; telling listeners waits for the steps. */
  readonly #mailbox = new Mailbox<Event>(
    (event) => this.#step(event),
    () => this.#publishRetry(),
  );
  #stopEnvironment = () => {};

  constructor(url: UrlSource, options: WebSocketOptions<In, Out> = {}) {
    const o = options;
    const implementation =
      o.WebSocket ?? (globalThis as { WebSocket?: WebSocketImplementation }).WebSocket;
    if (!implementation) {
      throw new NoWebSocketError(
        __DEV__
          ? 'This platform has no global WebSocket (Node < 22). Install "ws" and pass it: new WebSocket(url, { WebSocket: WS }) with `import WS from "ws"`.'
          : '',
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
          __DEV__
            ? `Sub-protocol "${p}" is invalid: protocols must be distinct, non-empty HTTP tokens (letters, digits, !#$%&'*+-.^_\`|~).`
            : `protocol ${p}`,
        );
      }
    }
    const timeout = ms(o.timeout ?? 60_000, 'timeout');
    this.#policy = new ReconnectPolicy({ ...o, timeout });
    this.#heartbeat = new Heartbeat(
      o.heartbeat ?? (o.pingInterval === undefined ? undefined : { interval: o.pingInterval }),
      // Protocol pings only, unless an explicit heartbeat says otherwise (without either there is none).
      o.heartbeat === undefined,
    );
    this.#queue =
      o.queue === false
        ? undefined
        : new SendQueue<Out>(o.queue ?? {}, (data, reason) => this.#dropped(data, reason));
    this.#config = {
      timeout,
      budget: this.#policy.budget,
      minUptime: this.#policy.minUptime,
      closeGrace: Math.min(timeout, 5_000),
      errorGrace: ERROR_GRACE,
      interval: this.#heartbeat.interval,
      probeTimeout: this.#heartbeat.timeout,
      gated: o.onOpen !== undefined,
      askOnClose: this.#policy.asksOnClose,
      askOnFailure: this.#policy.asksOnFailure,
    };
    this.#options = o;
    this.#implementation = implementation;
    this.#scheduler = o.scheduler ?? defaultScheduler;
    // After each listener: apply what it issued; tell the rest only what is still current.
    this.#incoming = new Emitter<In>(undefined, () => {
      this.#mailbox.settle();
      return true;
    });
    this.#states = new Emitter(
      () => this.#model.state,
      (state) => {
        this.#mailbox.settle();
        return this.#model.state === state;
      },
    );
    this.#retries = new Emitter(
      () => this.#retry,
      (retry) => {
        this.#mailbox.settle();
        return this.#retry === retry;
      },
    );
    this.messages = this.#incoming;
    this.connection = new Connection(
      this.#states,
      () => this.#model.state,
      () => this.#model.phase === 'ended',
    );
    this.retry = new ValueStore(this.#retries, () => this.#retry);
    this.#environment =
      o.environment === null ? undefined : (o.environment ?? browserEnvironment(this.#scheduler));
    const environment = this.#environment;
    if (environment) this.#stopEnvironment = environment.subscribe(this.#signal);
    this.#mailbox.dispatch({ type: 'start' });
  }

  /** The sub-protocol the server chose; '' before a connection, while reconnecting, or when none. */
  get protocol(): string {
    return this.#model.protocol;
  }

  /** Messages waiting for the connection to open, oldest first. */
  get queued(): readonly Out[] {
    return this.#queue?.values ?? [];
  }

  /**
   * Sends now when open; otherwise queues (see `queue`). Returns false when the message was
   * dropped: the socket is closing or ended, the queue is off, or the queue is full.
   */
  send(data: Out): boolean {
    // Drop reports (expiry) and the commands they issue wait until this send has finished.
    return this.#mailbox.atomically(() => this.#send(data));
  }

  #send(data: Out): boolean {
    // A close() issued just before, from inside a callback, has not been applied yet: it wins.
    if (this.#closing()) return false;
    const link = this.#link;
    const writes = link !== undefined && writable(this.#model, link.ready());
    const wire = this.#encode(data);
    const queue = this.#queue;
    const now = this.#scheduler.now();
    if (writes) {
      // Older messages first: a flush that stopped half-way must not be overtaken.
      if (queue?.size) queue.flush(link, now);
      if (!queue?.size) {
        try {
          link.transport.send(wire);
          return true;
        } catch {
          return false;
        }
      }
    }
    return queue?.offer(data, wire, now) ?? false;
  }

  /** Ending, or about to: a close waits in the mailbox. */
  #closing(): boolean {
    return ending(this.#model) || this.#mailbox.has((event) => event.type === 'close');
  }

  /**
   * Closes for good (idempotent). From an open state it goes through `Disconnecting` and waits for
   * the closing handshake (at most 5 s); otherwise it aborts whatever attempt is in flight.
   */
  close(code?: number, reason?: string): void {
    checkClose(code, reason);
    this.#mailbox.dispatch({ type: 'close', code, reason });
  }

  /**
   * Retry now: skips the current backoff wait (a "Retry" button). Does nothing while an attempt
   * is in flight or the connection is open. Throws `SocketEndedError` once the socket has ended.
   */
  reconnect(): void {
    if (this.#closing()) {
      throw new SocketEndedError(
        __DEV__
          ? 'This socket was closed or gave up, and an ended socket never reconnects. Create a new WebSocket to connect again.'
          : '',
      );
    }
    this.#mailbox.dispatch({ type: 'reconnect' });
  }

  /**
   * Removes the queued messages and returns them, oldest first, without reporting them to
   * `onDrop`: the caller takes them over (to send them on a replacement socket, say).
   */
  takeQueued(): Out[] {
    return this.#queue?.take() ?? [];
  }

  // ---- the mailbox -------------------------------------------------------------------------

  #step(event: Event): void {
    const now = this.#scheduler.now();
    const link = this.#link;
    const heartbeat = this.#heartbeat;
    const { model, state, effects } = reduce(this.#model, event, this.#config, {
      now,
      online: this.#online(),
      idle: heartbeat.idle(now),
      answered: heartbeat.answered,
      canProbe: link !== undefined && heartbeat.canProbe(link),
    });
    this.#model = model;
    if (state) this.#mailbox.defer(() => this.#states.emit(state));
    for (const effect of effects) this.#run(effect);
  }

  /**
   * Publishes the retry state once the steps have settled (the mailbox is empty), so a listener
   * never sees a half-decided one, such as a wait whose delay is not known yet.
   */
  #publishRetry(): void {
    const retry = retryStateOf(this.#model, this.#retry);
    if (retry === this.#retry) return;
    this.#retry = retry;
    this.#mailbox.defer(() => this.#retries.emit(retry));
  }

  /** Runs outside the current step (and outside any listener): a failure the caller just caused. */
  #later(event: Event): void {
    queueMicrotask(() => this.#mailbox.dispatch(event));
  }

  // ---- effects -----------------------------------------------------------------------------

  #run(effect: Effect): void {
    const link = this.#link;
    switch (effect.type) {
      case 'dial':
        return this.#resolve(effect.attempt);
      case 'connect':
        return this.#connect(effect.attempt, effect.url);
      case 'gate':
        return this.#gate(effect.attempt, link as Link);
      // The effects below come only while the attempt's transport is attached.
      case 'ready': {
        const now = this.#scheduler.now();
        this.#heartbeat.heard(now);
        this.#queue?.flush(link as Link, now);
        return;
      }
      case 'probe':
        return this.#heartbeat.probe(link as Link, this.#alive);
      case 'shut':
        try {
          (link as Link).close(effect.code, effect.reason);
        } catch {
          this.#mailbox.dispatch({ type: 'closed', attempt: this.#model.attempt });
        }
        return;
      case 'abort':
        link?.abort();
        this.#link = undefined;
        return;
      case 'arm':
        return this.#arm(effect.timer, effect.delay);
      case 'disarm':
        this.#scheduler.clearTimeout(this.#timers.get(effect.timer));
        this.#timers.delete(effect.timer);
        return;
      case 'wait': {
        let delay: number;
        try {
          delay = ms(this.#policy.next(), 'backoff.next()');
        } catch (error) {
          // A backoff that has no delay to give (or a broken one) ends the retries, reported.
          this.#report(error);
          return this.#mailbox.dispatch({ type: 'exhausted' });
        }
        this.#arm('backoff', delay);
        return this.#mailbox.dispatch({ type: 'armed', delay });
      }
      case 'reset':
        try {
          this.#policy.reset();
        } catch (error) {
          this.#report(error);
        }
        return;
      case 'ask':
        return this.#mailbox.dispatch({
          type: 'answer',
          retry: this.#policy.decide(effect, this.#report),
        });
      case 'discard':
        return this.#queue?.discard('closed');
      case 'continue':
        this.#mailbox.defer(() => this.#mailbox.dispatch({ type: 'continue' }));
        return;
      case 'end':
        for (const handle of this.#timers.values()) this.#scheduler.clearTimeout(handle);
        this.#timers.clear();
        this.#queue?.discard('closed');
        this.#mailbox.defer(() => {
          this.#stopEnvironment();
          this.#incoming.end();
          this.#states.end();
          this.#retries.end();
        });
    }
  }

  #arm(timer: TimerName, delay: number): void {
    const scheduler = this.#scheduler;
    scheduler.clearTimeout(this.#timers.get(timer));
    const handle = scheduler.setTimeout(() => {
      if (this.#timers.get(timer) !== handle) return;
      this.#timers.delete(timer);
      this.#mailbox.dispatch({ type: 'timer', timer });
    }, delay);
    this.#timers.set(timer, handle);
  }

  /** Asks the URL provider (user code) for the attempt's URL. */
  #resolve(attempt: number): void {
    const failed = (error: unknown): Event => ({ type: 'failed', attempt, error });
    const resolved = (url: string | URL) => {
      let href: string;
      try {
        href = toUrl(url);
      } catch (error) {
        return this.#later(failed(error));
      }
      this.#mailbox.dispatch({ type: 'url', attempt, url: href });
    };
    let url: string | URL | PromiseLike<string | URL>;
    try {
      url = this.#url();
    } catch (error) {
      // Surfaces a microtask later, as a network failure would, so listeners attached right after
      // construction hear it.
      return this.#later(failed(error));
    }
    if (typeof url === 'object' && 'then' in url) {
      url.then(resolved, (error) => this.#mailbox.dispatch(failed(error)));
    } else resolved(url);
  }

  #connect(attempt: number, url: string): void {
    const { headers, binaryType, protocols } = this.#options;
    let link: Link | undefined;
    const events: LinkEvents = {
      open: () =>
        link &&
        this.#mailbox.dispatch({
          type: 'opened',
          attempt,
          beats: this.#heartbeat.runsOn(link),
          protocol: link.transport.protocol,
        }),
      // A detached link's late frames (its handlers were kept somewhere) reach nothing.
      message: (data) => link === this.#link && this.#receive(data),
      close: (code, reason) => this.#mailbox.dispatch({ type: 'closed', attempt, code, reason }),
      error: (error, readyState) =>
        this.#mailbox.dispatch({ type: 'errored', attempt, error, readyState }),
    };
    try {
      link = connect(this.#implementation, url, { protocols, headers, binaryType }, events);
    } catch (error) {
      return this.#later({ type: 'failed', attempt, error });
    }
    this.#link = link;
    if (this.#heartbeat.runsOn(link) && link.canPing) link.watch(this.#alive);
  }

  #gate(attempt: number, link: Link): void {
    const gate = this.#options.onOpen as NonNullable<WebSocketOptions<In, Out>['onOpen']>;
    new Promise<void>((resolve) =>
      resolve(gate({ send: (data) => link.transport.send(this.#encode(data)) })),
    ).then(
      () =>
        this.#mailbox.dispatch({
          type: 'gated',
          attempt,
          ready: link.ready(),
          protocol: link.transport.protocol,
        }),
      (error) => this.#mailbox.dispatch({ type: 'failed', attempt, error }),
    );
  }

  // ---- inbound -----------------------------------------------------------------------------

  /** Every frame: the hot path, so it decides nothing and allocates nothing it can avoid. */
  #receive(data: unknown): void {
    this.#heartbeat.heard(this.#scheduler.now());
    if (this.#heartbeat.isPong(data)) return;
    const codec = this.#options.codec as Codec<In, Out> | undefined;
    let value = data as In;
    if (codec) {
      try {
        value = codec.decode(data as Data);
      } catch (cause) {
        return this.#report(
          new DecodeError(
            __DEV__ ? `A message could not be decoded and was dropped: ${String(cause)}` : '',
            { cause },
          ),
        );
      }
    }
    if (this.#mailbox.running) this.#mailbox.defer(() => this.#incoming.emit(value));
    else this.#mailbox.atomically(() => this.#incoming.emit(value));
  }

  readonly #alive = (): void => this.#heartbeat.heard(this.#scheduler.now());

  readonly #signal = (signal: EnvironmentSignal): void =>
    this.#mailbox.dispatch({ type: 'signal', signal });

  // ---- user callbacks ----------------------------------------------------------------------

  /** A drop report, after the step or send that discarded the message (never in the middle). */
  #dropped(data: Out, reason: DropReason): void {
    const onDrop = this.#options.onDrop;
    if (!onDrop) return;
    this.#mailbox.defer(() => {
      try {
        onDrop(data, reason);
      } catch (error) {
        this.#report(error);
      }
    });
  }

  /** Reports to `onError`; an `onError` that throws is rethrown outside the step, not into it. */
  readonly #report = (error: unknown): void => report(this.#options.onError, error);

  /** The environment's word on the network; one that throws is reported and counts as online. */
  #online(): boolean {
    try {
      return this.#environment?.online() ?? true;
    } catch (error) {
      this.#report(error);
      return true;
    }
  }

  #encode(data: Out): Data {
    const codec = this.#options.codec as Codec<In, Out> | undefined;
    return codec ? codec.encode(data) : (data as Data);
  }
}
