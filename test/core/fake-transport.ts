import { expect, vi } from 'vitest';
import type {
  Backoff,
  ConnectionState,
  Data,
  Environment,
  EnvironmentSignal,
  Transport,
  TransportEvent,
} from '../../src/core';
import { WebSocket, type WebSocketOptions } from '../../src/core';

type Handler = ((event: TransportEvent) => void) | null;

/**
 * A scripted WHATWG-like WebSocket: nothing happens until the test drives it. Every instance is
 * recorded in `FakeTransport.instances`, so a test can reach the transport the client created.
 */
export class FakeTransport implements Transport {
  static instances: FakeTransport[] = [];
  static get last(): FakeTransport {
    const t = FakeTransport.instances[FakeTransport.instances.length - 1];
    if (!t) throw new Error('no transport was created');
    return t;
  }
  static reset(): void {
    FakeTransport.instances = [];
  }

  readonly url: string;
  readonly protocols: string | string[] | undefined;
  readonly options: unknown;
  readyState = 0;
  protocol = '';
  binaryType = 'blob';
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  readonly sent: unknown[] = [];
  readonly closeCalls: { code?: number | undefined; reason?: string | undefined }[] = [];

  constructor(url: string, protocols?: string | string[], options?: unknown) {
    this.url = url;
    this.protocols = protocols;
    this.options = options;
    FakeTransport.instances.push(this);
  }

  send(data: Data): void {
    if (this.readyState === 0) throw new Error('InvalidStateError: still connecting');
    if (this.readyState === 1) this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  // ---- test drivers ------------------------------------------------------------------------

  open(protocol = ''): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.({});
  }

  receive(data: unknown): void {
    this.onmessage?.({ data });
  }

  serverClose(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The end of a closing handshake the client started: the close event arrives. */
  finishClose(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }

  /** A failure as browsers report it: an error event, then a 1006 close. */
  fail(error: unknown = new Error('connection refused')): void {
    this.onerror?.({ error });
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  /** An error event with the socket already closed, and no close event ever. */
  errorOnly(error: unknown = new Error('boom')): void {
    this.readyState = 3;
    this.onerror?.({ error });
  }

  /**
   * Node 22's global WebSocket (undici 6) on a refused connection or an HTTP 502 upgrade: an
   * error event while readyState is still CONNECTING, and never a close event.
   */
  undiciRefusal(error: unknown = new Error('fetch failed')): void {
    this.onerror?.({ error });
  }

  /** True once the client has let go of this transport. */
  get detached(): boolean {
    return this.onopen === null && this.onmessage === null && this.onclose === null;
  }
}

/** A transport shaped like `ws`: protocol ping, `terminate()`, and `on`/`off` for ping/pong. */
export class WsLikeTransport extends FakeTransport {
  pings = 0;
  terminateCalls = 0;
  readonly listeners = new Map<string, Set<(...args: unknown[]) => void>>();

  ping(): void {
    this.pings++;
  }

  terminate(): void {
    this.terminateCalls++;
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  on(event: 'ping' | 'pong', listener: (...args: unknown[]) => void): this {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return this;
  }

  off(event: 'ping' | 'pong', listener: (...args: unknown[]) => void): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  /** The server answered a protocol ping. */
  pong(): void {
    for (const l of this.listeners.get('pong') ?? []) l();
  }

  /** ws with an 'unexpected-response' listener: the upgrade was answered with `status`. */
  reject(status: number): void {
    for (const l of this.listeners.get('unexpected-response') ?? []) l({}, { statusCode: status });
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}

/**
 * Bun's client WebSocket: `ping()` and `terminate()`, no `on`/`off`; pings and pongs arrive only
 * through `addEventListener`.
 */
export class BunLikeTransport extends FakeTransport {
  pings = 0;
  terminateCalls = 0;
  readonly events = new EventTarget();

  ping(): void {
    this.pings++;
  }

  terminate(): void {
    this.terminateCalls++;
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  addEventListener(type: string, listener: () => void): void {
    this.events.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    this.events.removeEventListener(type, listener);
  }

  pong(): void {
    this.events.dispatchEvent(new Event('pong'));
  }
}

/** An environment the test controls: `online` flag, `emit(signal)`, and a listener count. */
export class FakeEnvironment implements Environment {
  isOnline: boolean;
  readonly listeners = new Set<(signal: EnvironmentSignal) => void>();
  subscribeCalls = 0;
  constructor(online = true) {
    this.isOnline = online;
  }
  online(): boolean {
    return this.isOnline;
  }
  subscribe(listener: (signal: EnvironmentSignal) => void): () => void {
    this.subscribeCalls++;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(signal: EnvironmentSignal): void {
    if (signal === 'online') this.isOnline = true;
    if (signal === 'offline') this.isOnline = false;
    for (const l of [...this.listeners]) l(signal);
  }
}

export const URL_ = 'ws://example.test/socket';

/** A socket on the fake transport, with no environment unless one is given. */
export const make = <In = Data, Out = Data>(
  options: WebSocketOptions<In, Out> = {},
  url: string = URL_,
): WebSocket<In, Out> =>
  new WebSocket<In, Out>(url, { WebSocket: FakeTransport, environment: null, ...options });

/** Records every state a listener hears, the replayed one first. */
export const record = (socket: {
  connection: { subscribe(l: (s: ConnectionState) => void): unknown };
}) => {
  const states: ConnectionState[] = [];
  socket.connection.subscribe((s) => states.push(s));
  return states;
};

export const types = (states: readonly ConnectionState[]): string[] => states.map((s) => s.type);

/** Nothing of a finished scenario survives: no timer, and every transport let go. */
export const expectNoLeaks = (): void => {
  expect(vi.getTimerCount()).toBe(0);
  for (const t of FakeTransport.instances) {
    expect(t.onopen).toBeNull();
    expect(t.onmessage).toBeNull();
    expect(t.onclose).toBeNull();
  }
};

/** Lets pending promise callbacks run (no timers move). */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A backoff whose calls are counted: `next` and `reset` are spies around the real one. */
export const spy = (inner: Backoff) => ({
  next: vi.fn(() => inner.next()),
  reset: vi.fn(() => inner.reset()),
});

/** Flags that turn true when `messages` and `connection` complete (their async iterators end). */
export const watchEnd = (socket: {
  messages: AsyncIterable<unknown>;
  connection: AsyncIterable<unknown>;
}) => {
  const ended = { messages: false, connection: false };
  void (async () => {
    for await (const _ of socket.messages);
    ended.messages = true;
  })();
  void (async () => {
    for await (const _ of socket.connection);
    ended.connection = true;
  })();
  return ended;
};
