import {
  type Codec,
  Connection,
  type ConnectionState,
  type Data,
  DecodeError,
  Disconnected,
  type DropReason,
  InvalidOptionError,
  isOpen,
  NoWebSocketError,
  type RetryState,
  type Scheduler,
  SocketEndedError,
  type Store,
  type Subscribable,
  type UrlSource,
  WebSocket,
  type WebSocketImplementation,
  type WebSocketLike,
  type WebSocketOptions,
} from '../core/index';
import { Mailbox } from '../core/mailbox';
import { report } from '../core/report';
import { IDLE } from '../core/retry-state';
import { defaultScheduler } from '../core/scheduler';
import { Emitter, ValueStore } from '../core/subscribable';
import { toUrl } from '../core/transport';
import { checkClose } from '../core/validate';
import { type Lifecycle, type LifecycleSignal, pageLifecycle } from './lifecycle';
import { Outbox } from './outbox';
import { OwnConnection } from './own-connection';
import {
  type BroadcastChannelImplementation,
  type BroadcastChannelLike,
  type LockManagerLike,
  platformBroadcastChannel,
  platformLocks,
} from './platform';
import { inWindow, meetingName, type TabMessage } from './protocol';
import {
  type Config,
  type Effect,
  type Event,
  fromLeader,
  hearsFrame,
  initialModel,
  type Model,
  protocolOf,
  type Role,
  reduce,
  relays,
  retryOf,
  roleOf,
  route,
  type TimerName,
} from './reducer';
import { Relay } from './relay';
import { TabClockError } from './tab-clock-error';

export interface SharedWebSocketOptions<In = Data, Out = Data> extends WebSocketOptions<In, Out> {
  /**
   * The name under which same-origin tabs share one connection. Tabs that name the same channel
   * share the connection of whichever tab leads, whatever URL they were given: give each URL a
   * channel of its own.
   */
  channel: string;
  /** The Web Locks API. Default `navigator.locks`; `null`: a socket of this tab's own. */
  locks?: LockManagerLike | null | undefined;
  /** Default the global `BroadcastChannel`; `null`: a socket of this tab's own. */
  BroadcastChannel?: BroadcastChannelImplementation | null | undefined;
  /** The page's `pagehide`, `freeze` and `resume`. Default: the page's own; `null` for none. */
  lifecycle?: Lifecycle | null | undefined;
  /**
   * How long a tab that takes the lock waits before it dials: the connection of the tab that
   * held it before may still be closing at the server (its page closed or crashed a moment ago,
   * and even a clean close is over for the browser a moment before it is for the server).
   * Default 100 ms, the default backoff's first step; 0 dials at once and risks two connections
   * at the server for a moment.
   */
  takeoverDelay?: number | undefined;
  /** This tab's id among the others. Default: random. */
  tabId?: string | undefined;
}

type TabOption = 'channel' | 'locks' | 'BroadcastChannel' | 'lifecycle' | 'takeoverDelay' | 'tabId';

const TAKEOVER_DELAY = 100;
/** How often a leader whose user closed it counts the tabs still waiting for it. */
const CENSUS_INTERVAL = 5_000;
/**
 * How long after its hand-over the leader may still write a follower's message. A leader that
 * reads it later (its page stalled that long) refuses it, and the follower sends it again: so a
 * follower that closed knows when none of its messages can be written any more.
 */
const RELAY_WINDOW = 5_000;
/** A follower that closed waits for the verdict on its messages this long at most. */
const LINGER = RELAY_WINDOW + 1_000;

const randomId = (): string =>
  (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const checkDelay = (value: number): number => {
  if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new InvalidOptionError(
      __DEV__
        ? `takeoverDelay must be a finite number of milliseconds >= 0, got ${String(value)}.`
        : `takeoverDelay ${String(value)}`,
    );
  }
  return value;
};

/**
 * A WebSocket shared by the same-origin tabs that name the same channel: one tab (the leader,
 * the holder of a Web Lock named after the channel) owns the only connection; the others wait
 * in the lock's queue and mirror it over a BroadcastChannel: its state, its retry state and
 * every message, while their sends go through it in order. When the leader goes (its tab closed,
 * crashed or froze), the next in the queue dials, and every tab sees Reconnecting, then
 * Reconnected, as after any loss. Where the platform has no Web Locks or no BroadcastChannel,
 * it is an ordinary socket of this tab's own, and `role` says 'standalone'.
 *
 * It has the shape of the core `WebSocket` (`WebSocketLike`), so the React provider and hooks
 * take it as they are. This class is the shell: it feeds every event to `reduce` (reducer.ts)
 * and runs the effects it returns; events that arrive while a step runs wait in a mailbox.
 */
export class SharedWebSocket<In = Data, Out = Data> implements WebSocketLike<In, Out> {
  readonly messages: Subscribable<In>;
  readonly connection: Connection;
  readonly retry: Store<RetryState>;
  /** Which part this tab plays: 'leader', 'follower', or 'standalone' (on its own). */
  readonly role: Store<Role>;

  /** Standalone: the ordinary socket everything goes to. */
  readonly #local: WebSocket<In, Out> | undefined;

  readonly #options: SharedWebSocketOptions<In, Out>;
  readonly #url: UrlSource;
  readonly #scheduler: Scheduler;
  readonly #config: Config;
  readonly #name: string;
  readonly #locks: LockManagerLike;
  readonly #channel: BroadcastChannelLike;
  readonly #outbox: Outbox<Out>;
  #relay = new Relay();
  readonly #incoming = new Emitter<In>(undefined, () => {
    this.#mailbox.settle();
    return true;
  });
  readonly #states: Emitter<ConnectionState>;
  readonly #retries: Emitter<RetryState>;
  readonly #roles: Emitter<Role>;

  #model: Model = initialModel;
  #retry: RetryState = IDLE;
  #role: Role = 'follower';
  /** This tab's own connection, while it leads (and while that connection closes). */
  #own: OwnConnection | undefined;
  /** Lets go of the lock this tab holds. */
  #release: (() => void) | undefined;
  /** Takes this tab out of the lock's queue. */
  #abort: AbortController | undefined;
  readonly #timers = new Map<TimerName, unknown>();
  /** A leader: an acknowledgement of what it wrote goes out at the end of this task. */
  #acking = false;
  /** The latest deadline this tab handed a message over with (`send.until`). */
  #until = Number.NEGATIVE_INFINITY;
  /** Whether its messages carry deadlines: not once a leader's clock proved to disagree. */
  #deadlines = true;
  /** Refusals as late, of messages fresh by this tab's clock, since the leader last wrote one. */
  #lateStreak = 0;
  /** Run to completion, as in the core's shell. */
  readonly #mailbox = new Mailbox<Event>(
    (event) => this.#step(event),
    () => this.#publish(),
  );
  #stopLifecycle = () => {};

  constructor(url: UrlSource, options: SharedWebSocketOptions<In, Out>) {
    const o = options;
    if (typeof o?.channel !== 'string' || !o.channel) {
      throw new InvalidOptionError(
        __DEV__
          ? 'A SharedWebSocket needs a `channel`: the name under which tabs share its connection.'
          : 'channel',
      );
    }
    const locks = o.locks === null ? undefined : (o.locks ?? platformLocks());
    const Channel =
      o.BroadcastChannel === null ? undefined : (o.BroadcastChannel ?? platformBroadcastChannel());
    if (!locks || !Channel) {
      this.#local = new WebSocket<In, Out>(url, o);
      this.messages = this.#local.messages;
      this.connection = this.#local.connection;
      this.retry = this.#local.retry;
      this.role = new ValueStore(new Emitter(() => 'standalone' as const), () => 'standalone');
      // Unused in this mode; set so every field has its type.
      this.#options = o;
      this.#url = url;
      this.#scheduler = o.scheduler ?? defaultScheduler;
      this.#config = { self: '', takeoverDelay: 0, censusInterval: 0, relayWindow: 0, linger: 0 };
      this.#name = '';
      this.#locks = locks as LockManagerLike;
      this.#channel = undefined as unknown as BroadcastChannelLike;
      this.#outbox = new Outbox<Out>(false, () => {});
      this.#states = this.#retries = this.#roles = undefined as never;
      return;
    }
    // What a local socket would refuse at once is refused at once here too, in every tab.
    const implementation =
      o.WebSocket ?? (globalThis as { WebSocket?: WebSocketImplementation }).WebSocket;
    if (!implementation) {
      throw new NoWebSocketError(
        __DEV__
          ? 'This platform has no global WebSocket (Node < 22). Install "ws" and pass it: { WebSocket: WS } with `import WS from "ws"`.'
          : '',
      );
    }
    if (typeof url !== 'function') toUrl(url);
    this.#options = o;
    this.#url = url;
    this.#scheduler = o.scheduler ?? defaultScheduler;
    this.#config = {
      self: o.tabId ?? randomId(),
      takeoverDelay: checkDelay(o.takeoverDelay ?? TAKEOVER_DELAY),
      censusInterval: CENSUS_INTERVAL,
      relayWindow: RELAY_WINDOW,
      linger: LINGER,
    };
    this.#outbox = new Outbox<Out>(o.queue ?? {}, (data, reason) => this.#dropped(data, reason));
    this.#name = meetingName(o.channel);
    this.#locks = locks;
    this.#states = new Emitter(
      () => this.#model.view,
      (state) => {
        this.#mailbox.settle();
        return this.#model.view === state;
      },
    );
    this.#retries = new Emitter(
      () => this.#retry,
      (retry) => {
        this.#mailbox.settle();
        return this.#retry === retry;
      },
    );
    this.#roles = new Emitter(
      () => this.#role,
      (role) => {
        this.#mailbox.settle();
        return this.#role === role;
      },
    );
    this.messages = this.#incoming;
    this.connection = new Connection(
      this.#states,
      () => this.#model.view,
      () => this.#model.final,
    );
    this.retry = new ValueStore(this.#retries, () => this.#retry);
    this.role = new ValueStore(this.#roles, () => this.#role);
    this.#channel = new Channel(this.#name);
    this.#channel.onmessage = (event: { data: unknown }) => this.#heard(event.data as TabMessage);
    const lifecycle = o.lifecycle === null ? undefined : (o.lifecycle ?? pageLifecycle());
    if (lifecycle) this.#stopLifecycle = lifecycle.subscribe(this.#signal);
    this.#mailbox.dispatch({ type: 'start' });
  }

  /** The sub-protocol the server chose; '' while not open. */
  get protocol(): string {
    return this.#local ? this.#local.protocol : protocolOf(this.#model);
  }

  /** This tab's messages waiting for an open connection, oldest first. */
  get queued(): readonly Out[] {
    return this.#local ? this.#local.queued : this.#outbox.values;
  }

  /**
   * Sends on the shared connection: at once where this tab leads, through the leader otherwise.
   * While no open connection is known, queues under this tab's `queue` bounds. Returns false
   * when the message was dropped: closed, the queue is off, or full.
   */
  send(data: Out): boolean {
    if (this.#local) return this.#local.send(data);
    return this.#mailbox.atomically(() => this.#send(data));
  }

  /**
   * Ends this tab's part (idempotent): its state goes to Disconnected at once (through
   * Disconnecting when open). The connection stays while other tabs use it; the last tab to let
   * go closes it, with its own code and reason.
   */
  close(code?: number, reason?: string): void {
    if (this.#local) return this.#local.close(code, reason);
    checkClose(code, reason);
    this.#mailbox.dispatch({ type: 'close', code, reason });
  }

  /** Retry now, on the leader's connection. Throws `SocketEndedError` once this tab's part ended. */
  reconnect(): void {
    if (this.#local) return this.#local.reconnect();
    if (this.#model.final || this.#model.closing) {
      throw new SocketEndedError(
        __DEV__
          ? 'This socket was closed or gave up, and an ended socket never reconnects. Create a new one to connect again.'
          : '',
      );
    }
    this.#mailbox.dispatch({ type: 'reconnect' });
  }

  /** Removes this tab's queued messages and returns them, oldest first, without `onDrop` reports. */
  takeQueued(): Out[] {
    return this.#local ? this.#local.takeQueued() : this.#outbox.take();
  }

  #step(event: Event): void {
    // Whether messages are in flight is known only as the close is applied.
    const applied =
      event.type === 'close' && this.#outbox.inFlight > 0
        ? { ...event, inFlightUntil: this.#until }
        : event;
    const { model, state, effects } = reduce(
      this.#model,
      applied,
      this.#config,
      this.#scheduler.now(),
    );
    this.#model = model;
    if (state) this.#mailbox.defer(() => this.#states.emit(state));
    for (const effect of effects) this.#run(effect);
  }

  /** The retry state and the role, once the steps have settled. */
  #publish(): void {
    const retry = retryOf(this.#model, this.#retry);
    if (retry !== this.#retry) {
      this.#retry = retry;
      this.#mailbox.defer(() => this.#retries.emit(retry));
    }
    const role = this.#model.phase === 'ended' ? this.#role : roleOf(this.#model);
    if (role !== this.#role) {
      this.#role = role;
      this.#mailbox.defer(() => this.#roles.emit(role));
    }
  }

  #later(event: Event): void {
    queueMicrotask(() => this.#mailbox.dispatch(event));
  }

  // ---- effects -----------------------------------------------------------------------------

  #run(effect: Effect): void {
    switch (effect.type) {
      case 'post':
        return this.#say(effect.message);
      case 'bye':
        return this.#say({
          type: 'bye',
          from: this.#config.self,
          epoch: this.#model.epoch,
          next: this.#relay.written(),
        });
      case 'announce-end':
        return this.#say({
          type: 'end',
          from: this.#config.self,
          epoch: this.#model.epoch,
          state: effect.state,
          retry: effect.retry,
          next: this.#relay.written(),
        });
      case 'request':
        return this.#request();
      case 'abandon':
        this.#abort?.abort();
        this.#abort = undefined;
        return;
      case 'release':
        this.#release?.();
        this.#release = undefined;
        return;
      case 'census':
        return this.#census();
      case 'dial':
        return this.#dial();
      case 'shut':
        try {
          this.#own?.socket.close(effect.code, effect.reason);
        } catch (error) {
          this.#report(error);
        }
        return;
      case 'retry-now':
        try {
          this.#own?.socket.reconnect();
        } catch {}
        return;
      case 'arm':
        return this.#arm(effect.timer, effect.delay);
      case 'disarm':
        return this.#disarm(effect.timer);
      case 'flush': {
        const now = this.#scheduler.now();
        if (this.#model.phase === 'leading') this.#outbox.flush(this.#write, now);
        else this.#outbox.handOver(this.#post, now);
        return;
      }
      case 'requeue':
        return this.#outbox.requeue(effect.next);
      case 'orphan':
        return this.#outbox.abandon();
      case 'discard':
        return this.#outbox.close();
      case 'reset-relay':
        this.#relay = new Relay();
        return;
      case 'forget':
        // What it wrote for that tab is acknowledged first: a tab that left may still wait on it.
        this.#acknowledge();
        return this.#relay.forget(effect.tab);
      case 'continue':
        this.#mailbox.defer(() => this.#mailbox.dispatch({ type: 'continue' }));
        return;
      case 'end':
        this.#mailbox.defer(() => {
          this.#incoming.end();
          this.#states.end();
          this.#retries.end();
          this.#roles.end();
        });
        return;
      case 'stop':
        for (const timer of [...this.#timers.keys()]) this.#disarm(timer);
        this.#abort?.abort();
        this.#abort = undefined;
        this.#stopLifecycle();
        this.#channel.onmessage = null;
        this.#channel.close();
        return;
    }
  }

  #say(message: TabMessage): void {
    try {
      this.#channel.postMessage(message);
    } catch (error) {
      this.#report(error);
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

  #disarm(timer: TimerName): void {
    this.#scheduler.clearTimeout(this.#timers.get(timer));
    this.#timers.delete(timer);
  }

  /** Joins the lock's queue; the grant holds the lock until `#release`. */
  #request(): void {
    const abort = new AbortController();
    this.#abort = abort;
    this.#locks
      .request(this.#name, { mode: 'exclusive', signal: abort.signal }, () => {
        // Abandoned while the grant was on its way: let go at once.
        if (abort.signal.aborted) return;
        this.#abort = undefined;
        return new Promise<void>((resolve) => {
          this.#release = resolve;
          this.#mailbox.dispatch({ type: 'granted' });
        });
      })
      .catch((error) => {
        // AbortError: taken out of the queue, as asked.
        if (abort.signal.aborted) return;
        // The lock manager refused (an opaque origin, a sandboxed frame): no tab of this origin
        // can be granted the lock, so this one goes on without it, on a connection of its own.
        this.#abort = undefined;
        this.#report(error);
        this.#mailbox.dispatch({ type: 'granted' });
      });
  }

  /** Counts the tabs waiting for the lock (another socket of this tab counts too). */
  #census(): void {
    const locks = this.#locks;
    if (!locks.query) return this.#later({ type: 'census', waiting: 0 });
    locks.query().then(
      (snapshot) =>
        this.#mailbox.dispatch({
          type: 'census',
          waiting: snapshot.pending?.filter((lock) => lock.name === this.#name).length ?? 0,
        }),
      () => this.#mailbox.dispatch({ type: 'census', waiting: 0 }),
    );
  }

  // ---- this tab's own connection -------------------------------------------------------------

  /**
   * Opens the connection with this tab's URL and options, minus what each tab keeps for itself:
   * the codec (frames cross between tabs as they are) and the queue (each tab queues its own).
   */
  #dial(): void {
    const { codec, queue, onDrop, onOpen, ...rest } = this.#options;
    for (const key of [
      'channel',
      'locks',
      'BroadcastChannel',
      'lifecycle',
      'takeoverDelay',
      'tabId',
    ] satisfies TabOption[]) {
      delete (rest as Partial<SharedWebSocketOptions>)[key];
    }
    this.#own?.detach();
    let own: OwnConnection;
    try {
      own = new OwnConnection(this.#url, {
        ...rest,
        queue: false,
        onOpen:
          onOpen && ((context) => onOpen({ send: (data) => context.send(this.#encode(data)) })),
        onError: this.#report,
      });
    } catch (error) {
      // An option only the leader reads was wrong: the shared connection ends with the error.
      this.#own = undefined;
      const state = new Disconnected({ error });
      const retry = { ...IDLE, lastClose: state, lastError: error };
      const source = { state, retry, protocol: '', stateVersion: 1, retryVersion: 1 };
      return this.#later({ type: 'own', source, ended: true });
    }
    this.#own = own;
    own.listen({
      changed: (source, ended) => this.#mailbox.dispatch({ type: 'own', source, ended }),
      frame: (data) => this.#ownFrame(data),
    });
  }

  /** A frame of the own connection: for the other tabs, and for this tab's listeners. */
  #ownFrame(data: Data): void {
    const m = this.#model;
    if (m.phase !== 'leading' && m.phase !== 'relaying') return;
    this.#say({ type: 'frame', from: this.#config.self, epoch: m.epoch, data });
    if (!m.final && isOpen(m.view)) this.#deliver(data);
  }

  readonly #write = (wire: Data): boolean => this.#own?.socket.send(wire) ?? false;

  readonly #post = (seq: number, round: number, data: Data): boolean => {
    const until = this.#deadlines
      ? this.#scheduler.now() + this.#config.relayWindow
      : Number.POSITIVE_INFINITY;
    try {
      this.#channel.postMessage({
        type: 'send',
        from: this.#config.self,
        epoch: this.#model.epoch,
        seq,
        round,
        until,
        data,
      } satisfies TabMessage);
      if (until > this.#until) this.#until = until;
      return true;
    } catch (error) {
      // Structured clone refused it: it can never cross, so it must not wait either.
      this.#report(error);
      return false;
    }
  };

  #send(data: Out): boolean {
    const m = this.#model;
    const where = route(m);
    // A close() issued just before, from inside a callback, has not been applied yet: it wins.
    if (where === 'refuse' || this.#mailbox.has((event) => event.type === 'close')) return false;
    const wire = this.#encode(data);
    const now = this.#scheduler.now();
    const outbox = this.#outbox;
    if (where === 'own') {
      // Older messages first: a flush that stopped half-way must not be overtaken.
      if (outbox.size) outbox.flush(this.#write, now);
      if (!outbox.size && this.#write(wire)) return true;
    } else if (where === 'leader' && !outbox.size) {
      return outbox.post(data, wire, now, this.#post);
    }
    return outbox.offer(data, wire, now);
  }

  /** A follower's message, at the leader: written in the follower's order, or refused. */
  #relayed(m: TabMessage & { type: 'send' }): void {
    const relay = this.#relay;
    const due = relay.admits(m.from, m.seq);
    // Out of its deadline's window, a follower that closed may have reported it dropped already.
    const late = due && !inWindow(m.until, this.#scheduler.now(), this.#config.relayWindow);
    if (due && !late && this.#write(m.data)) {
      relay.wrote(m.from, m.seq);
      // In the task that wrote it, not on a timer (which a background tab slows to a second):
      // the follower learns it soon, and a crash right after leaves it in doubt only briefly.
      if (!this.#acking) {
        this.#acking = true;
        queueMicrotask(this.#acknowledge);
      }
      return;
    }
    relay.refused(m.from, m.seq);
    this.#say({
      type: 'nack',
      from: this.#config.self,
      epoch: this.#model.epoch,
      to: m.from,
      seq: m.seq,
      round: m.round,
      ...(late ? { late: m.until } : {}),
    });
  }

  readonly #acknowledge = (): void => {
    this.#acking = false;
    // Ended: its `bye` or `end` said what it wrote.
    if (this.#model.phase === 'ended') return;
    const next = this.#relay.acknowledge();
    if (next) {
      this.#say({ type: 'ack', from: this.#config.self, epoch: this.#model.epoch, next });
    }
  };

  /** A follower that closed: once nothing is in flight, its part is over. */
  #settle(): void {
    if (this.#model.phase === 'withdrawing' && !this.#outbox.inFlight) {
      this.#mailbox.dispatch({ type: 'settled' });
    }
  }

  // ---- the channel ---------------------------------------------------------------------------

  /** Frames, sends and acknowledgements are checked against the model; the rest steps. */
  #heard(m: TabMessage): void {
    if (!m || typeof m !== 'object' || m.from === this.#config.self) return;
    const model = this.#model;
    switch (m.type) {
      case 'frame':
        if (hearsFrame(model, m.from, m.epoch)) this.#deliver(m.data);
        return;
      case 'send':
        if (relays(model, m.epoch)) this.#relayed(m);
        return;
      case 'ack': {
        const next = m.next[this.#config.self];
        if (next === undefined || !fromLeader(model, m.from, m.epoch)) return;
        this.#lateStreak = 0;
        const outbox = this.#outbox;
        this.#mailbox.atomically(() => {
          outbox.written(next);
          // The leader writes again: what a refusal sent back to the queue goes now.
          if (outbox.size && route(model) === 'leader') {
            outbox.handOver(this.#post, this.#scheduler.now());
          }
        });
        return this.#settle();
      }
      case 'nack': {
        if (m.to !== this.#config.self || !fromLeader(model, m.from, m.epoch)) return;
        const outbox = this.#outbox;
        const now = this.#scheduler.now();
        const window = this.#config.relayWindow;
        // Refused as late although in its window by this tab's clock: the clocks disagree, or the
        // wall clock stepped back between the hand-over and the leader's read.
        const fresh = m.late !== undefined && inWindow(m.late, now, window);
        // Once may be the step back; the copy sent again carries a deadline from after the
        // refusal, so twice in a row is not (counted per tab: a message may expire from the
        // queue before its second try).
        if (fresh) this.#lateStreak++;
        if (fresh && this.#lateStreak >= 2 && this.#deadlines) {
          // Late by the leader's clock, not by this tab's: they disagree, and deadlines cannot
          // work. Sent again without one (else refused again, for ever).
          this.#deadlines = false;
          this.#report(
            new TabClockError(
              __DEV__
                ? `The leader tab refused a message as late that this tab handed over ${Math.round(now - m.late + window)} ms ago: the tabs' clocks disagree. Give every tab a scheduler whose now() is the wall clock (Date.now), as the default one.`
                : 'clock',
            ),
          );
        }
        this.#mailbox.atomically(() => {
          // Sent again when the leader's connection opens again, or when it writes again; at once
          // when only its deadline was refused. Once closed, reported.
          if (outbox.refused(m.seq, m.round) && m.late !== undefined && route(model) === 'leader') {
            outbox.handOver(this.#post, now);
          }
        });
        return this.#settle();
      }
      default:
        this.#mailbox.dispatch({ type: 'heard', message: m });
    }
  }

  readonly #signal = (signal: LifecycleSignal): void =>
    this.#mailbox.dispatch({ type: 'signal', signal });

  // ---- this tab's listeners and callbacks --------------------------------------------------

  #deliver(data: Data): void {
    const codec = this.#options.codec as Codec<In, Out> | undefined;
    let value = data as unknown as In;
    if (codec) {
      try {
        value = codec.decode(data);
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

  /** Reports to `onError`; one that throws is rethrown outside the step, not into it. */
  readonly #report = (error: unknown): void => report(this.#options.onError, error);

  #encode(data: Out): Data {
    const codec = this.#options.codec as Codec<In, Out> | undefined;
    return codec ? codec.encode(data) : (data as Data);
  }
}
