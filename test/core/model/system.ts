/**
 * The system under the model-based test: a real `WebSocket` on scripted transports, a manual
 * clock, a fake environment, and recorders for everything the invariants read. User callbacks
 * (listeners, shouldReconnect, shouldRetry, onOpen, onDrop) can be armed to issue a command from
 * inside themselves, the re-entrancy that broke v1.
 */
import {
  type ConnectionState,
  ConstantBackoff,
  LinearBackoff,
  type Scheduler,
  WebSocket,
} from '../../../src/core';
import { FakeEnvironment, FakeTransport } from '../fake-transport';

/** Timers that run only when the test moves time. */
export class ManualScheduler implements Scheduler {
  #time = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.#time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#time + Math.max(0, ms), callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get live(): number {
    return this.#timers.size;
  }
  /** Runs the timers due within `ms`, in time order (ties in the order they were set). */
  advance(ms: number): void {
    const until = this.#time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#time = next[1].at;
      next[1].callback();
    }
    this.#time = until;
  }
}

export type Reaction = 'close' | 'close-code' | 'reconnect' | 'send';
/** Where an armed reaction fires: a state listener (on that state), or a user callback. */
export type Hook =
  | `state:${ConnectionState['type']}`
  | 'shouldReconnect'
  | 'shouldRetry'
  | 'onOpen'
  | 'onDrop'
  | 'message';

export interface SystemOptions {
  gated: boolean;
  asyncUrl: boolean;
  askOnClose: boolean;
  askOnFailure: boolean;
  heartbeat: boolean;
  flapping: boolean;
  budget: number;
}

export class System {
  readonly clock = new ManualScheduler();
  readonly environment = new FakeEnvironment();
  readonly socket: WebSocket<string, string>;
  /** Every state the first listener heard, and whether the stream had completed. */
  readonly states: ConnectionState[] = [];
  ended = false;
  /** Ids `send` accepted, in order. */
  readonly accepted: string[] = [];
  readonly dropped: string[] = [];
  readonly waits: { settled: boolean }[] = [];
  /** Problems seen inside callbacks (a callback must never see a stale or half-applied step). */
  readonly violations: string[] = [];
  readonly reactions = new Map<Hook, Reaction>();
  /** close() was called, from a command or a callback: the socket must never connect again. */
  closeRequested = false;
  /** Transports that existed when close() was first called. */
  transportsAtClose = 0;
  /** The state a listener just closed the socket in: the listeners after it must not hear it. */
  closedIn: ConnectionState | undefined;
  readonly gates: { resolve(): void; reject(error: Error): void }[] = [];
  #ids = 0;
  readonly #calls: string[] = [];

  constructor(readonly options: SystemOptions) {
    FakeTransport.reset();
    const o = options;
    const url = 'ws://model.test/';
    const socket = new WebSocket<string, string>(o.asyncUrl ? async () => url : url, {
      WebSocket: FakeTransport,
      environment: this.environment,
      scheduler: this.clock,
      timeout: 1000,
      giveUpAfter: o.budget,
      minUptime: o.flapping ? 10_000 : 0,
      backoff: o.flapping
        ? new LinearBackoff({ initial: 100, increment: 100, maximum: 500 })
        : new ConstantBackoff(100),
      heartbeat: o.heartbeat
        ? { interval: 300, timeout: 200, ping: 'ping', pong: 'pong' }
        : undefined,
      queue: { maxMessages: 5, maxAge: 2000 },
      onDrop: (data) => {
        this.dropped.push(data);
        this.react('onDrop');
      },
      onError: (error) => this.violations.push(`onError: ${String(error)}`),
      ...(o.askOnClose ? { shouldReconnect: () => this.answer('shouldReconnect') } : {}),
      ...(o.askOnFailure ? { shouldRetry: () => this.answer('shouldRetry') } : {}),
      ...(o.gated
        ? {
            onOpen: () => {
              this.react('onOpen');
              return new Promise<void>((resolve, reject) => this.gates.push({ resolve, reject }));
            },
          }
        : {}),
    });
    this.socket = socket;
    // The first listener issues the armed commands; the second one, after it, records what it
    // hears: it must never hear a state the first one already moved on from.
    socket.connection.subscribe((state) => {
      const reaction = this.reactions.get(`state:${state.type}`);
      this.react(`state:${state.type}`);
      // A close in these states always takes effect (in a Disconnected it may be a no-op).
      const effective = state.type !== 'disconnected' && state.type !== 'disconnecting';
      if (effective && (reaction === 'close' || reaction === 'close-code')) this.closedIn = state;
    });
    socket.connection.subscribe((state) => {
      if (this.ended) this.violations.push(`a state after the end: ${state.type}`);
      if (socket.connection.state !== state) {
        this.violations.push(`stale ${state.type}, current ${socket.connection.state.type}`);
      }
      if (this.closedIn === state) {
        this.violations.push(`heard ${state.type} after a listener before it closed the socket`);
      }
      this.closedIn = undefined;
      this.states.push(state);
    });
    socket.messages.subscribe(() => this.react('message'));
    void (async () => {
      for await (const _ of socket.connection);
      this.ended = true;
    })();
  }

  /** Runs the reaction armed for `hook`, once. */
  react(hook: Hook): void {
    const reaction = this.reactions.get(hook);
    if (!reaction) return;
    this.reactions.delete(hook);
    if (reaction === 'close') this.close();
    else if (reaction === 'close-code') this.close(4000, 'from a callback');
    else if (reaction === 'send') this.send();
    else this.reconnect();
  }

  close(code?: number, reason?: string): void {
    if (!this.closeRequested) this.transportsAtClose = FakeTransport.instances.length;
    this.closeRequested = true;
    this.socket.close(code, reason);
  }

  /** A policy callback: runs its armed reaction, then says retry. */
  answer(hook: 'shouldReconnect' | 'shouldRetry'): boolean {
    this.react(hook);
    return true;
  }

  /** reconnect(), which throws SocketEndedError by contract once the socket is closing or ended. */
  reconnect(): void {
    try {
      this.socket.reconnect();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SOCKET_ENDED') throw error;
      const state = this.socket.connection.state.type;
      if (state !== 'disconnecting' && state !== 'disconnected') {
        this.violations.push(`reconnect() threw while ${state}`);
      }
    }
  }

  transports(): FakeTransport[] {
    return FakeTransport.instances;
  }

  /**
   * Accepted ids are recorded in the order the sends were called: a send issued from onDrop
   * inside another send returns first, but was called second and is queued second.
   */
  send(): boolean {
    const id = `m${++this.#ids}`;
    const at = this.#calls.length;
    this.#calls.push(id);
    const ok = this.socket.send(id);
    if (ok) this.accepted.splice(this.#acceptedBefore(at), 0, id);
    return ok;
  }

  /** How many accepted ids were called before the call at `at`. */
  #acceptedBefore(at: number): number {
    const earlier = new Set(this.#calls.slice(0, at));
    return this.accepted.filter((id) => earlier.has(id)).length;
  }

  wait(): void {
    const record = { settled: false };
    this.waits.push(record);
    const settle = () => {
      record.settled = true;
    };
    this.socket.connection.firstWhere((s) => s.type === 'reconnected').then(settle, settle);
  }

  /** Ids written to transports (while OPEN), in the order they were written. */
  written(): string[] {
    return FakeTransport.instances.flatMap((t) =>
      t.sent.filter((d): d is string => typeof d === 'string' && d.startsWith('m')),
    );
  }

  get transport(): FakeTransport | undefined {
    return FakeTransport.instances.at(-1);
  }
}
