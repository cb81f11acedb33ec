/**
 * Shared pieces of the fault suite: a real `ws` server behind a fault proxy, sockets that are
 * closed after each test, a state recorder with timestamps, a traced `ws` client class (attempt
 * times, close events, what each transport was handed) and a logging backoff wrapper.
 */
import { performance } from 'node:perf_hooks';
import { afterEach } from 'vitest';
import WS from 'ws';
import type {
  Backoff,
  Connection,
  ConnectionState,
  Data,
  Scheduler,
  Subscribable,
  UrlSource,
  WebSocket,
  WebSocketImplementation,
  WebSocketOptions,
} from '../../src/core';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import type { StartServerOptions, TestServer } from '../support/server';
import { harness } from '../support/sockets';
import { Changes } from '../support/wait';

/**
 * Extra time allowed on top of every expected duration: enough for a loaded 2-core machine
 * running other test files in parallel, small next to the faults' own time scales (a dead link
 * left to TCP takes 10–30 s).
 */
export const SLACK = 500;

export const now = (): number => performance.now();

export interface Step {
  type: ConnectionState['type'];
  code?: number | undefined;
  reason?: string | undefined;
  error?: unknown;
  /** `performance.now()` when the listener heard it. */
  at: number;
}

/** 'disconnected(1006 heartbeat timeout)', 'disconnected(error: ConnectTimeoutError)', 'connected'. */
export const label = (step: Step): string => {
  if (step.type !== 'disconnected') return step.type;
  if (step.error !== undefined) {
    const name = (step.error as { name?: string })?.name ?? typeof step.error;
    return `disconnected(error: ${name})`;
  }
  return `disconnected(${[step.code, step.reason].filter((x) => x !== undefined && x !== '').join(' ')})`;
};

/** The labels of an open connection lost (as `lost`) and recovered: the commonest fault story. */
export const lostAndBack = (lost = 'disconnected(1006)'): string[] => [
  'connecting',
  'connected',
  lost,
  'reconnecting',
  'reconnected',
];

export interface Recorder {
  readonly steps: Step[];
  /** The steps as labels, for exact sequence assertions. */
  labels(): string[];
  /**
   * Resolves with the first recorded step of `type` at index `from` or later (default: the first
   * one ever), waiting for it if need be (bounded).
   */
  reach(type: ConnectionState['type'], ms: number, from?: number): Promise<Step>;
  /** Resolves once `condition` holds, re-checked on every recorded step; bounded. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
}

/** Records every state the socket passes through, with the time each was heard. */
export const recorder = (socket: { readonly connection: Connection }): Recorder => {
  const steps: Step[] = [];
  const changes = new Changes();
  socket.connection.subscribe((state) => {
    const step: Step = { type: state.type, at: now() };
    if (state.type === 'disconnected') {
      step.code = state.code;
      step.reason = state.reason;
      step.error = state.error;
    }
    steps.push(step);
    changes.notify();
  });
  const find = (type: string, from: number) => steps.slice(from).find((s) => s.type === type);
  return {
    steps,
    labels: () => steps.map(label),
    async reach(type, ms, from = 0) {
      await changes.when(() => find(type, from) !== undefined, ms, `state ${type}`);
      return find(type, from) as Step;
    },
    when: (condition, ms, what) => changes.when(condition, ms, what),
  };
};

/** One `ws` client as the socket built it. */
export interface TracedTransport {
  readonly index: number;
  readonly createdAt: number;
  openedAt?: number;
  /** When its own 'close' event fired. */
  closedAt?: number;
  /** When each protocol pong (the answer to a heartbeat probe) arrived. */
  readonly pongs: number[];
  /** Every string frame the socket handed it, in order. */
  readonly sent: string[];
  readonly ws: WS;
}

export interface Trace {
  /** A `ws` subclass to pass as `options.WebSocket`. */
  readonly WebSocket: WebSocketImplementation;
  readonly transports: TracedTransport[];
  /** Construction times: one per connect attempt that got as far as dialing. */
  attempts(): number[];
  /**
   * Resolves once `condition` holds, re-checked whenever a transport is made, opens, closes or
   * receives a pong; bounded like `within`.
   */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
}

/** A `ws` client class that records every instance: when it was made, opened, closed, fed. */
export const trace = (): Trace => {
  const transports: TracedTransport[] = [];
  const changes = new Changes();
  class Traced extends WS {
    constructor(address: string | URL, protocols?: string | string[], options?: WS.ClientOptions) {
      super(address, protocols, options);
      const record: TracedTransport = {
        index: transports.length,
        createdAt: now(),
        pongs: [],
        sent: [],
        ws: this,
      };
      transports.push(record);
      this.on('open', () => {
        record.openedAt = now();
        changes.notify();
      });
      this.on('close', () => {
        record.closedAt = now();
        changes.notify();
      });
      this.on('pong', () => {
        record.pongs.push(now());
        // After the socket's own listener (added first): it has seen this pong by now.
        queueMicrotask(() => changes.notify());
      });
      // After construction returns, so a waiter sees this transport in the socket's hands.
      queueMicrotask(() => changes.notify());
      const send = this.send.bind(this) as (data: unknown) => void;
      this.send = ((data: unknown) => {
        send(data);
        if (typeof data === 'string') record.sent.push(data);
      }) as WS['send'];
    }
  }
  return {
    WebSocket: Traced,
    transports,
    attempts: () => transports.map((t) => t.createdAt),
    when: (condition, ms, what) => changes.when(condition, ms, what),
  };
};

export interface Inbox<T> {
  /** Every message the socket delivered, in order. */
  readonly values: T[];
  /** Resolves once `condition` holds, re-checked on every message; bounded like `within`. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
}

/** Records the messages a socket delivers, so tests await them instead of polling. */
export const inbox = <T>(socket: { readonly messages: Subscribable<T> }): Inbox<T> => {
  const values: T[] = [];
  const changes = new Changes();
  socket.messages.subscribe((message) => {
    values.push(message);
    changes.notify();
  });
  return { values, when: (condition, ms, what) => changes.when(condition, ms, what) };
};

export interface LoggedBackoff extends Backoff {
  /** Every delay `next()` returned, in order. */
  readonly delays: number[];
  /** When each `next()` was called. */
  readonly calledAt: number[];
  readonly resets: number;
  /** Resolves once `condition` holds, re-checked on every `next()` and `reset()`. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
}

/** Wraps a backoff to log what it hands out. */
export const logged = (inner: Backoff): LoggedBackoff => {
  const delays: number[] = [];
  const calledAt: number[] = [];
  let resets = 0;
  const changes = new Changes();
  return {
    next() {
      const delay = inner.next();
      delays.push(delay);
      calledAt.push(now());
      // After the socket has armed the wait: a waiter resumes with the delay in force.
      queueMicrotask(() => changes.notify());
      return delay;
    },
    reset() {
      resets++;
      inner.reset();
      queueMicrotask(() => changes.notify());
    },
    delays,
    calledAt,
    get resets() {
      return resets;
    },
    when: (condition, ms, what) => changes.when(condition, ms, what),
  };
};

/** Real timers, with a `now()` that can be jumped like a wall clock after a sleep. */
export interface JumpableScheduler extends Scheduler {
  jump(ms: number): void;
}

export const jumpableScheduler = (): JumpableScheduler => {
  let offset = 0;
  return {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    now: () => Date.now() + offset,
    jump(ms) {
      offset += ms;
    },
  };
};

export interface Fixture {
  /** A `ws` server on loopback, closed after the test. */
  server(options?: StartServerOptions): Promise<TestServer>;
  /** A fault proxy in front of `server`, closed after the test (before the sockets). */
  proxy(server: TestServer): Promise<FaultProxy>;
  /** A socket using `ws` (or `options.WebSocket`), no environment, closed after the test. */
  socket<In = Data, Out = Data>(
    url: UrlSource,
    options?: WebSocketOptions<In, Out>,
  ): WebSocket<In, Out>;
}

/**
 * Call once per file, at the top level. After each test: proxies are destroyed first, then every
 * socket is closed and every server stopped (the harness waits, bounded, for each socket to end).
 */
export const fixture = (): Fixture => {
  const h = harness();
  const proxies: FaultProxy[] = [];
  // Registered after the harness's hook, so it runs before it (after-hooks run as a stack).
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });
  return {
    server: (options) => h.server(options),
    async proxy(server) {
      const proxy = await startFaultProxy(server.port);
      proxies.push(proxy);
      return proxy;
    },
    // The harness types its URL as a string; the socket takes any UrlSource (provider functions).
    socket: (url, options) => h.socket(url as string, { environment: null, ...options }),
  };
};
