import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BinaryExponentialBackoff,
  Connected,
  ConnectTimeoutError,
  ConstantBackoff,
  type Data,
  Disconnected,
  InvalidUrlError,
  isOpen,
  json,
  LinearBackoff,
  Reconnected,
  Reconnecting,
  SocketEndedError,
  WebSocket,
} from '../../src/core';
import {
  expectNoLeaks,
  FakeTransport,
  flush,
  make,
  record,
  spy,
  types,
  URL_,
  WsLikeTransport,
  watchEnd,
} from './fake-transport';

/** The seed's test setup: ConstantBackoff(0), and every loss retried at once. */
const seed = () => ({ backoff: new ConstantBackoff(0), minUptime: 0 });
const timeoutD = new Disconnected({ code: 1006, reason: 'connection timeout' });

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('connecting', () => {
  it('connects on construction, synchronously, with the URL, protocols and headers', () => {
    const socket = make({
      protocols: ['a', 'b'],
      headers: { Authorization: 'x' },
      binaryType: 'arraybuffer',
    });
    expect(FakeTransport.instances).toHaveLength(1);
    const t = FakeTransport.last;
    expect(t.url).toBe(URL_);
    expect(t.protocols).toEqual(['a', 'b']);
    expect(t.options).toEqual({ headers: { Authorization: 'x' } });
    expect(t.binaryType).toBe('arraybuffer');
    expect(socket.connection.state.type).toBe('connecting');
    expect(types(record(socket))).toEqual(['connecting']);
    expect(vi.getTimerCount()).toBe(1); // the connect timeout
    socket.close();
    expectNoLeaks();
  });

  it('passes no third argument when there are no headers', () => {
    make();
    expect(FakeTransport.last.options).toBeUndefined();
    expect(FakeTransport.last.binaryType).toBe('blob');
  });

  it('accepts a URL object and maps http(s) to ws(s)', () => {
    new WebSocket(new URL('https://example.test/x?y=1'), {
      WebSocket: FakeTransport,
      environment: null,
    });
    expect(FakeTransport.last.url).toBe('wss://example.test/x?y=1');
    new WebSocket('http://example.test/', { WebSocket: FakeTransport, environment: null });
    expect(FakeTransport.last.url).toBe('ws://example.test/');
  });

  it('emits [Connecting, Connected] when the transport opens', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.open();
    expect(types(states)).toEqual(['connecting', 'connected']);
    expect(socket.connection.state).toBeInstanceOf(Connected);
    expect(socket.connection.state).toBe(states[1]);
    expect(vi.getTimerCount()).toBe(0); // the connect timeout is gone
  });

  it('state is updated and the transport usable before any listener hears of the change', () => {
    const socket = make();
    const seen: { state: string; sent: boolean }[] = [];
    socket.connection.subscribe((s) => {
      if (s.type === 'connected') {
        seen.push({ state: socket.connection.state.type, sent: socket.send('hello') });
      }
    });
    FakeTransport.last.open();
    expect(seen).toEqual([{ state: 'connected', sent: true }]);
    expect(FakeTransport.last.sent).toEqual(['hello']);
    expect(socket.queued).toEqual([]);
  });

  it('an initial failure emits [Connecting, Disconnected{error}, Reconnecting] and retries at once', () => {
    const socket = make(seed());
    const states = record(socket);
    const error = new Error('ECONNREFUSED');
    FakeTransport.last.fail(error);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toEqual(new Disconnected({ error }));
    expect(states[1]).toMatchObject({ code: undefined, reason: undefined, error });
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2); // created synchronously, no delay
    expect(FakeTransport.instances[0]?.detached).toBe(true);
  });

  it('failed retries emit nothing and wait backoff.next() between attempts', () => {
    const backoff = spy(new ConstantBackoff(1000));
    const socket = make({ backoff });
    const states = record(socket);
    FakeTransport.last.fail();
    expect(backoff.next).not.toHaveBeenCalled();
    FakeTransport.last.fail();
    expect(backoff.next).toHaveBeenCalledTimes(1);
    expect(FakeTransport.instances).toHaveLength(2);
    vi.advanceTimersByTime(999);
    expect(FakeTransport.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeTransport.instances).toHaveLength(3);
    FakeTransport.last.fail();
    expect(backoff.next).toHaveBeenCalledTimes(2);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    socket.close();
    expectNoLeaks();
  });

  it('emits Reconnected, never Connected, after an initial failure', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(0);
    FakeTransport.last.open();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'reconnected']);
    expect(socket.connection.state).toBeInstanceOf(Reconnected);
    expect(states.some((s) => s instanceof Connected)).toBe(false);
  });

  it('the transport constructor throwing counts as a failed attempt', async () => {
    const error = new SyntaxError('bad');
    let n = 0;
    class Throwing extends FakeTransport {
      constructor(url: string) {
        super(url);
        if (n++ === 1) throw error; // the immediate retry
      }
    }
    const socket = make({ backoff: new ConstantBackoff(100), WebSocket: Throwing });
    const states = record(socket);
    FakeTransport.last.fail();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(FakeTransport.instances).toHaveLength(2);
    await flush(); // a synchronous failure is reported a microtask later, as a network one would be
    vi.advanceTimersByTime(100);
    expect(FakeTransport.instances).toHaveLength(3);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('a failure inside the constructor reaches listeners attached right after it', async () => {
    const error = new Error('refused');
    class Refusing extends FakeTransport {
      constructor(url: string) {
        super(url);
        if (FakeTransport.instances.length === 1) throw error;
      }
    }
    const socket = make({ ...seed(), WebSocket: Refusing });
    const states = record(socket);
    await flush();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toEqual(new Disconnected({ error }));
    expect(FakeTransport.instances).toHaveLength(2);
  });
});

describe('losing an open connection', () => {
  it('a server close emits Disconnected{code, reason} then Reconnecting, and retries', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4200, '__reason__');
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(states[2]).toEqual(new Disconnected({ code: 4200, reason: '__reason__' }));
    expect(states[2]).toMatchObject({ error: undefined });
    expect(FakeTransport.instances).toHaveLength(2);
    expect(FakeTransport.instances[0]?.detached).toBe(true);
    FakeTransport.last.open();
    expect(types(states).slice(-1)).toEqual(['reconnected']);
  });

  it.each([1000, 1001, 1005, 1006, 4000])('any server code %s reconnects by default', (code) => {
    const socket = make(seed());
    FakeTransport.last.open();
    FakeTransport.last.serverClose(code, '');
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('a close event without code or reason reports 1006 and ""', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.readyState = 3;
    FakeTransport.last.onclose?.({});
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: '' }));
    expect(socket.connection.state.type).toBe('reconnecting');
  });

  it('an error event alone (readyState 3, no close event) does not stall: while connecting', () => {
    const socket = make(seed());
    const states = record(socket);
    const error = new Error('boom');
    FakeTransport.last.errorOnly(error);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toMatchObject({ error });
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('an error event alone (readyState 3, no close event) does not stall: while open', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.errorOnly();
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: '' }));
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('an error event on an OPEN transport that never closes (Node 22 undici) ends the link after a short grace', () => {
    const socket = make(seed());
    const states = record(socket);
    const t = FakeTransport.last;
    t.open();
    t.undiciRefusal(new Error('socket hang up')); // readyState still OPEN, no close event follows
    vi.advanceTimersByTime(49);
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: '' }));
    expect(t.detached).toBe(true);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('an error event while the transport is still open waits for the close event, which carries the error', () => {
    const socket = make(seed());
    const states = record(socket);
    const error = new Error('handshake failed');
    const t = FakeTransport.last;
    t.onerror?.({ error });
    expect(types(states)).toEqual(['connecting']);
    expect(FakeTransport.instances).toHaveLength(1);
    t.readyState = 3;
    t.onclose?.({ code: 1006, reason: '' });
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toMatchObject({ error, code: undefined });
  });

  it('late events from a detached transport are ignored', () => {
    const socket = make({ ...seed(), timeout: 1000 });
    const states = record(socket);
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    const old = FakeTransport.last;
    const { onopen, onmessage, onclose, onerror } = old;
    vi.advanceTimersByTime(1000); // the attempt times out: old is detached
    expect(old.detached).toBe(true);
    expect(FakeTransport.instances).toHaveLength(2);
    const before = types(states);
    const timers = vi.getTimerCount();
    old.readyState = 1;
    onopen?.({});
    onmessage?.({ data: 'late' });
    old.readyState = 3;
    onerror?.({ error: new Error('late') });
    onclose?.({ code: 4000, reason: 'late' });
    expect(types(states)).toEqual(before);
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(got).toEqual([]);
    expect(FakeTransport.instances).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(timers);
    // The live attempt is unaffected.
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('late events from a transport dropped by the server are ignored after the retry opened', () => {
    const socket = make(seed());
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    const first = FakeTransport.last;
    first.open();
    const { onmessage, onclose } = first;
    first.serverClose(4000, 'x');
    FakeTransport.last.open();
    const states = record(socket);
    onmessage?.({ data: 'ghost' });
    onclose?.({ code: 4001, reason: 'again' });
    expect(got).toEqual([]);
    expect(types(states)).toEqual(['reconnected']);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('a transport close() that throws while open still ends in Disconnected', () => {
    const socket = make(seed());
    const states = record(socket);
    const t = FakeTransport.last;
    t.open();
    t.close = () => {
      throw new Error('cannot close');
    };
    socket.close(4000, 'bye');
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
    expectNoLeaks();
  });
});

describe('giving up', () => {
  it('gives up with Disconnected(1006, "connection timeout") when the summed backoff reaches timeout', async () => {
    const socket = make({ backoff: new ConstantBackoff(50), timeout: 50 });
    const ended = watchEnd(socket);
    const states = record(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(socket.connection.state.type).toBe('reconnecting');
    vi.advanceTimersByTime(49);
    expect(socket.connection.state.type).toBe('reconnecting');
    vi.advanceTimersByTime(1);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'disconnected']);
    expect(states[3]).toEqual(timeoutD);
    expect(socket.connection.state).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(2);
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expectNoLeaks();
  });

  it('with ConstantBackoff(1 s) and a 60 s budget: 61 attempts, giving up when the 60th delay expires', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), timeout: 60_000 });
    FakeTransport.last.fail(); // the initial failure: the first retry is immediate
    const start = Date.now();
    let gaveUpAt = 0;
    socket.connection.subscribe((s) => {
      if (s.type === 'disconnected' && s.code === 1006) gaveUpAt = Date.now();
    });
    for (let i = 0; i < 100 && socket.connection.state.type !== 'disconnected'; i++) {
      FakeTransport.last.fail();
      vi.advanceTimersByTime(1000);
    }
    expect(socket.connection.state).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(61);
    expect(gaveUpAt - start).toBe(60_000);
    expectNoLeaks();
  });

  it('timeout 0 gives up on the first failure: [Connecting, Disconnected(1006)] and done', async () => {
    const socket = make({ backoff: new ConstantBackoff(0), timeout: 0 });
    const ended = watchEnd(socket);
    const states = record(socket);
    FakeTransport.last.fail();
    expect(types(states)).toEqual(['connecting', 'disconnected']);
    expect(states[1]).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(1);
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expect(() => socket.close()).not.toThrow();
    expect(types(states)).toEqual(['connecting', 'disconnected']);
    expectNoLeaks();
  });

  it('giveUpAfter: Infinity never gives up', () => {
    const socket = make({
      backoff: new ConstantBackoff(1000),
      timeout: 1000,
      giveUpAfter: Infinity,
    });
    for (let i = 0; i < 300; i++) {
      FakeTransport.last.fail();
      vi.advanceTimersByTime(1000);
    }
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(301);
    socket.close();
    expectNoLeaks();
  });

  it('giveUpAfter is a budget separate from the per-attempt timeout', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), giveUpAfter: 3000 });
    for (let i = 0; i < 10 && socket.connection.state.type !== 'disconnected'; i++) {
      FakeTransport.last.fail();
      vi.advanceTimersByTime(1000);
    }
    expect(socket.connection.state).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(4); // initial, immediate retry, after 1 s, after 2 s
  });

  it('a successful reconnection that stays up refills the budget', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), giveUpAfter: 2000, minUptime: 0 });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(1000); // spent 1000
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, '');
    FakeTransport.last.fail();
    vi.advanceTimersByTime(1000);
    expect(socket.connection.state.type).toBe('reconnecting');
    FakeTransport.last.fail();
    vi.advanceTimersByTime(1000);
    expect(socket.connection.state).toEqual(timeoutD);
  });
});

describe('connect timeout', () => {
  it('its error says how long the attempt waited', () => {
    const socket = make({ timeout: 1234 });
    const states = record(socket);
    vi.advanceTimersByTime(1234);
    const error = (states[1] as Disconnected).error as Error;
    expect(error.message).toBe('No connection within 1234 ms.');
    socket.close();
  });

  it('closes a hung attempt after `timeout` and counts it as a failure with ConnectTimeoutError', () => {
    const socket = make({ backoff: new ConstantBackoff(500), timeout: 1000 });
    const states = record(socket);
    const hung = FakeTransport.last;
    vi.advanceTimersByTime(999);
    expect(FakeTransport.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(hung.closeCalls).toHaveLength(1);
    expect(hung.detached).toBe(true);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    const error = (states[1] as Disconnected).error;
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(FakeTransport.instances).toHaveLength(2);
    // The retry is limited by the timeout too, then waits the backoff.
    vi.advanceTimersByTime(1000);
    expect(FakeTransport.instances[1]?.closeCalls).toHaveLength(1);
    expect(FakeTransport.instances).toHaveLength(2);
    vi.advanceTimersByTime(500);
    expect(FakeTransport.instances).toHaveLength(3);
    socket.close();
    expectNoLeaks();
  });

  it('terminates (ws) instead of closing politely', () => {
    make({ WebSocket: WsLikeTransport, timeout: 1000 });
    const hung = FakeTransport.last as WsLikeTransport;
    vi.advanceTimersByTime(1000);
    expect(hung.terminateCalls).toBe(1);
    expect(hung.closeCalls).toHaveLength(0);
    expect(hung.detached).toBe(true);
    expect(hung.listenerCount).toBe(0);
  });
});

describe('close()', () => {
  it('while Connecting: Disconnected(code, reason) without Disconnecting; the pending transport is closed', async () => {
    const socket = make(seed());
    const ended = watchEnd(socket);
    const states = record(socket);
    const t = FakeTransport.last;
    socket.close(4000, 'bye');
    expect(types(states)).toEqual(['connecting', 'disconnected']);
    expect(states[1]).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expect(t.closeCalls).toHaveLength(1);
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expectNoLeaks();
    // A late open of the aborted attempt changes nothing.
    t.open();
    expect(socket.connection.state.type).toBe('disconnected');
  });

  it('with no arguments ends in an empty Disconnected()', () => {
    const socket = make(seed());
    socket.close();
    expect(socket.connection.state).toEqual(new Disconnected());
  });

  it('while waiting for the backoff: the timer is cancelled, no later attempt', () => {
    const socket = make({ backoff: new ConstantBackoff(1000) });
    const states = record(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(vi.getTimerCount()).toBe(1);
    socket.close(1000, 'done');
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'disconnected']);
    expect(states[3]).toEqual(new Disconnected({ code: 1000, reason: 'done' }));
    expectNoLeaks();
    vi.advanceTimersByTime(10_000);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('while a reconnect attempt is in flight: the attempt is closed', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.fail();
    const pending = FakeTransport.last;
    socket.close(3000, 'stop');
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'disconnected']);
    expect(states[3]).toEqual(new Disconnected({ code: 3000, reason: 'stop' }));
    expect(pending.closeCalls).toHaveLength(1);
    expectNoLeaks();
  });

  it('while open: Disconnecting, then Disconnected(code, reason) on the close event', async () => {
    const socket = make(seed());
    const ended = watchEnd(socket);
    const states = record(socket);
    const t = FakeTransport.last;
    t.open();
    socket.close(4200, '__reason__');
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnecting']);
    expect(t.closeCalls).toEqual([{ code: 4200, reason: '__reason__' }]);
    await flush();
    expect(ended).toEqual({ messages: false, connection: false });
    t.finishClose(1000, 'server echo');
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
    // The client's own code and reason, not the echoed ones.
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4200, reason: '__reason__' }));
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expectNoLeaks();
  });

  it('while open: ends after a 5 s grace if the close event never comes', () => {
    const socket = make(seed());
    const t = FakeTransport.last;
    t.open();
    socket.close(1000);
    vi.advanceTimersByTime(4999);
    expect(socket.connection.state.type).toBe('disconnecting');
    vi.advanceTimersByTime(1);
    expect(socket.connection.state).toEqual(new Disconnected({ code: 1000 }));
    expectNoLeaks();
  });

  it('the grace is capped by `timeout`', () => {
    const socket = make({ ...seed(), timeout: 300 });
    FakeTransport.last.open();
    socket.close();
    vi.advanceTimersByTime(300);
    expect(socket.connection.state.type).toBe('disconnected');
  });

  it('an error event while closing also finishes the close', () => {
    const socket = make(seed());
    const t = FakeTransport.last;
    t.open();
    socket.close(4000);
    t.errorOnly();
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000 }));
    expectNoLeaks();
  });

  it('is idempotent: called in rapid succession, one Disconnected and one transport close', () => {
    const socket = make(seed());
    const states = record(socket);
    FakeTransport.last.fail();
    socket.close();
    socket.close();
    socket.close(4000, 'x');
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'disconnected']);
    expect(socket.connection.state).toEqual(new Disconnected());

    const open = make(seed());
    const t = FakeTransport.last;
    t.open();
    open.close(4000, 'a');
    open.close(4001, 'b');
    expect(t.closeCalls).toEqual([{ code: 4000, reason: 'a' }]);
    t.finishClose();
    open.close();
    expect(open.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'a' }));
  });

  it('messages still arrive while Disconnecting, none after the end', () => {
    const socket = make(seed());
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    const t = FakeTransport.last;
    t.open();
    const { onmessage } = t;
    socket.close();
    t.receive('in flight');
    t.finishClose();
    onmessage?.({ data: 'after' });
    expect(got).toEqual(['in flight']);
  });

  it('a listener that calls close() inside its Connected callback wins', () => {
    const socket = make({ ...seed(), WebSocket: WsLikeTransport, heartbeat: { interval: 1000 } });
    socket.connection.subscribe((s) => {
      if (s.type === 'connected') socket.close(4000, 'not now');
    });
    const other = record(socket);
    const t = FakeTransport.last as WsLikeTransport;
    t.open();
    expect(socket.connection.state.type).toBe('disconnecting');
    expect(t.closeCalls).toEqual([{ code: 4000, reason: 'not now' }]);
    // The listener after it never hears the stale Connected after the newer Disconnecting.
    expect(types(other).at(-1)).toBe('disconnecting');
    expect(types(other)).not.toContain('connected');
    vi.advanceTimersByTime(1000);
    expect(t.pings).toBe(0); // no heartbeat is running
    t.finishClose();
    expect(types(other)).toEqual(['connecting', 'disconnecting', 'disconnected']);
    expectNoLeaks();
  });

  it('a listener that calls close() on the transient Disconnected ends the socket, no retry', () => {
    const socket = make(seed());
    socket.connection.subscribe((s) => {
      if (s.type === 'disconnected' && s.code === 4000) socket.close(1000, 'user');
    });
    const other = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4000, 'x');
    expect(socket.connection.state).toEqual(new Disconnected({ code: 1000, reason: 'user' }));
    expect(types(other).at(-1)).toBe('disconnected');
    expect(other.at(-1)).toEqual(new Disconnected({ code: 1000, reason: 'user' }));
    expect(FakeTransport.instances).toHaveLength(1);
    expectNoLeaks();
  });
});

describe('listeners', () => {
  it('a throwing state listener neither breaks the others nor the socket; its error is rethrown later', () => {
    const tasks: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      tasks.push(task);
    });
    const socket = make(seed());
    const boom = new Error('listener bug');
    socket.connection.subscribe((s) => {
      if (s.type === 'connected') throw boom;
    });
    const other = record(socket);
    FakeTransport.last.open();
    expect(types(other)).toEqual(['connecting', 'connected']);
    expect(socket.send('x')).toBe(true);
    FakeTransport.last.serverClose(1001, '');
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
    expect(tasks).toHaveLength(1);
    expect(() => tasks[0]?.()).toThrow(boom);
  });

  it('a throwing message listener does not stop delivery to the others', () => {
    const tasks: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      tasks.push(task);
    });
    const socket = make(seed());
    socket.messages.subscribe(() => {
      throw new Error('bad handler');
    });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    FakeTransport.last.open();
    FakeTransport.last.receive('a');
    FakeTransport.last.receive('b');
    expect(got).toEqual(['a', 'b']);
    expect(tasks).toHaveLength(2);
  });

  it('reconnect() called from a listener of the loss does not start a second attempt', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), minUptime: 0 });
    socket.connection.subscribe((s) => {
      if (s.type === 'reconnecting') socket.reconnect();
    });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, '');
    expect(FakeTransport.instances).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('the connection state keeps its identity until it really changes', () => {
    const socket = make(seed());
    const a = socket.connection.state;
    FakeTransport.last.receive('ignored while connecting');
    expect(socket.connection.state).toBe(a);
    FakeTransport.last.open();
    const b = socket.connection.state;
    FakeTransport.last.receive('x');
    socket.send('y');
    expect(socket.connection.state).toBe(b);
    expect(b).not.toBe(a);
  });
});

describe('default backoff', () => {
  it('is a fresh jittered BinaryExponentialBackoff(100 ms, 7) per socket: two sockets do not share state', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // centred jitter: exactly the wrapped delay
    const attempts = (url: string) => FakeTransport.instances.filter((t) => t.url === url).length;
    const lastOf = (url: string) =>
      FakeTransport.instances.filter((t) => t.url === url).at(-1) as FakeTransport;
    const a = 'ws://a.test/';
    const b = 'ws://b.test/';
    make({}, a);
    lastOf(a).fail();
    for (const delay of [100, 200, 400]) {
      lastOf(a).fail();
      const n = attempts(a);
      vi.advanceTimersByTime(delay - 1);
      expect(attempts(a)).toBe(n);
      vi.advanceTimersByTime(1);
      expect(attempts(a)).toBe(n + 1);
    }
    make({}, b);
    lastOf(b).fail();
    lastOf(b).fail();
    const n = attempts(b);
    vi.advanceTimersByTime(99);
    expect(attempts(b)).toBe(n);
    vi.advanceTimersByTime(1);
    expect(attempts(b)).toBe(n + 1); // 100 ms, not 800 ms
  });

  it('an explicit backoff is used exactly, without jitter', () => {
    const random = vi.spyOn(Math, 'random');
    make({ backoff: new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }) });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(99);
    expect(FakeTransport.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeTransport.instances).toHaveLength(3);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('send()', () => {
  it('writes to the transport when open and returns true', () => {
    const socket = make(seed());
    FakeTransport.last.open();
    expect(socket.send('ping')).toBe(true);
    expect(socket.send('pong')).toBe(true);
    expect(FakeTransport.last.sent).toEqual(['ping', 'pong']);
  });

  it('queues when not open (returns true), and never throws before a connection', () => {
    const socket = make(seed());
    expect(socket.send('early')).toBe(true);
    expect(() => socket.send(null as never)).not.toThrow();
    expect(FakeTransport.last.sent).toEqual([]);
    expect(socket.queued).toEqual(['early', null]);
  });

  it('returns false while Disconnecting and after the end', () => {
    const socket = make(seed());
    const t = FakeTransport.last;
    t.open();
    socket.close();
    expect(socket.send('closing')).toBe(false);
    t.finishClose();
    expect(socket.send('ended')).toBe(false);
    expect(t.sent).toEqual([]);
    expect(socket.queued).toEqual([]);
  });

  it('returns false after a give-up', () => {
    const socket = make({ timeout: 0 });
    FakeTransport.last.fail();
    expect(socket.send('x')).toBe(false);
  });

  it('returns false (never throws) when the transport throws on send', () => {
    const socket = make(seed());
    const t = FakeTransport.last;
    t.open();
    t.send = () => {
      throw new Error('buffer full');
    };
    expect(socket.send('x')).toBe(false);
  });

  it('queues while open on the state but the transport is not yet OPEN (readyState)', () => {
    const socket = make(seed());
    const t = FakeTransport.last;
    t.open();
    t.readyState = 2;
    expect(socket.send('x')).toBe(true);
    expect(socket.queued).toEqual(['x']);
    expect(t.sent).toEqual([]);
  });
});

describe('protocol', () => {
  it("is '' before open, the negotiated one when open, '' after a server drop", () => {
    const socket = make({ ...seed(), protocols: 'chat' });
    expect(FakeTransport.last.protocols).toBe('chat');
    expect(socket.protocol).toBe('');
    FakeTransport.last.open('chat');
    expect(socket.protocol).toBe('chat');
    FakeTransport.last.serverClose(1001, '');
    expect(socket.protocol).toBe('');
    FakeTransport.last.open('chat');
    expect(socket.protocol).toBe('chat');
  });

  it('is kept after a client close', () => {
    const socket = make(seed());
    FakeTransport.last.open('v2');
    socket.close();
    FakeTransport.last.finishClose();
    expect(socket.connection.state.type).toBe('disconnected');
    expect(socket.protocol).toBe('v2');
  });

  it("is '' when the server chose none", () => {
    const socket = make(seed());
    FakeTransport.last.open();
    expect(socket.protocol).toBe('');
  });
});

describe('shouldReconnect', () => {
  it('false: a terminal Disconnected(code, reason), the streams end, no retry', async () => {
    const shouldReconnect = vi.fn((c: { code: number }) => c.code !== 4401);
    const socket = make({ ...seed(), shouldReconnect });
    const ended = watchEnd(socket);
    const states = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4401, 'unauthorised');
    expect(shouldReconnect).toHaveBeenCalledWith({ code: 4401, reason: 'unauthorised' });
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected']);
    expect(socket.connection.state).toEqual(
      new Disconnected({ code: 4401, reason: 'unauthorised' }),
    );
    expect(FakeTransport.instances).toHaveLength(1);
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expect(() => socket.reconnect()).toThrow(SocketEndedError);
    expectNoLeaks();
  });

  it('true: reconnects as usual', () => {
    const shouldReconnect = vi.fn(() => true);
    const socket = make({ ...seed(), shouldReconnect });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4000, '');
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
  });
});

describe('flap protection (minUptime)', () => {
  it('a connection that lived less than minUptime waits backoff.next() before the next attempt', () => {
    const backoff = spy(new ConstantBackoff(1000));
    const socket = make({ backoff, minUptime: 5000 });
    const states = record(socket);
    FakeTransport.last.open();
    vi.advanceTimersByTime(10);
    FakeTransport.last.serverClose(1001, '');
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(FakeTransport.instances).toHaveLength(1);
    expect(backoff.next).toHaveBeenCalledTimes(1);
    expect(backoff.reset).not.toHaveBeenCalled();
    vi.advanceTimersByTime(999);
    expect(FakeTransport.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('a connection that lived at least minUptime retries at once and resets the backoff', () => {
    const backoff = spy(new ConstantBackoff(1000));
    make({ backoff, minUptime: 5000 });
    FakeTransport.last.open();
    vi.advanceTimersByTime(5000);
    FakeTransport.last.serverClose(1001, '');
    expect(FakeTransport.instances).toHaveLength(2);
    expect(backoff.reset).toHaveBeenCalledTimes(1);
    expect(backoff.next).not.toHaveBeenCalled();
  });

  it('a flapping server meets a growing delay', () => {
    make({ backoff: new LinearBackoff({ initial: 1000, increment: 1000 }), minUptime: 5000 });
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      FakeTransport.last.open();
      vi.advanceTimersByTime(10);
      FakeTransport.last.serverClose(1000, '');
      const n = FakeTransport.instances.length;
      let waited = 0;
      while (FakeTransport.instances.length === n) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([1000, 2000, 3000, 4000]);
  });
});

describe('flap protection and the give-up budget', () => {
  it('a loss once the budget is spent gives up at once: no Reconnecting, no further wait', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), giveUpAfter: 1000 });
    const states = record(socket);
    FakeTransport.last.fail(); // the immediate retry
    FakeTransport.last.fail(); // a wait of 1000 ms: the whole budget
    socket.reconnect(); // cut short, the budget stays spent
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, 'going away'); // up 0 ms: no recovery, the budget stays spent
    expect(types(states)).toEqual([
      'connecting',
      'disconnected',
      'reconnecting',
      'reconnected',
      'disconnected',
    ]);
    expect(socket.connection.state).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(3);
    expectNoLeaks();
  });

  it('short-lived connections do not refill the budget: a server that always drops at once is given up on', () => {
    const socket = make({ backoff: new ConstantBackoff(1000), giveUpAfter: 3000, minUptime: 5000 });
    const states = record(socket);
    for (let i = 0; i < 10 && socket.connection.state.type !== 'disconnected'; i++) {
      FakeTransport.last.open();
      vi.advanceTimersByTime(10);
      FakeTransport.last.serverClose(1000, '');
      vi.advanceTimersByTime(1000);
    }
    expect(socket.connection.state).toEqual(timeoutD);
    expect(FakeTransport.instances).toHaveLength(3);
    expect(types(states).filter((t) => t === 'reconnected')).toHaveLength(2);
    expectNoLeaks();
  });
});

describe('reconnect()', () => {
  it('skips the backoff wait: an attempt is created at once', () => {
    const socket = make({ backoff: new ConstantBackoff(10_000) });
    const states = record(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(FakeTransport.instances).toHaveLength(2);
    socket.reconnect();
    expect(FakeTransport.instances).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(1); // only the new attempt's timeout; the wait is gone
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('is a no-op while an attempt is in flight or the connection is open', () => {
    const socket = make(seed());
    socket.reconnect();
    expect(FakeTransport.instances).toHaveLength(1);
    FakeTransport.last.open();
    socket.reconnect();
    expect(FakeTransport.instances).toHaveLength(1);
    expect(FakeTransport.last.closeCalls).toHaveLength(0);
    expect(socket.connection.state.type).toBe('connected');
  });

  it('throws SocketEndedError after close, while closing, and after give-up', () => {
    const closed = make(seed());
    closed.close();
    expect(() => closed.reconnect()).toThrow(SocketEndedError);
    expect(() => closed.reconnect()).toThrow(expect.objectContaining({ code: 'SOCKET_ENDED' }));

    const closing = make(seed());
    FakeTransport.last.open();
    closing.close();
    expect(() => closing.reconnect()).toThrow(SocketEndedError);

    const gaveUp = make({ timeout: 0 });
    FakeTransport.last.fail();
    expect(() => gaveUp.reconnect()).toThrow(SocketEndedError);
    expect(FakeTransport.instances).toHaveLength(3);
  });
});

describe('URL provider', () => {
  it('a sync function is called before every attempt', () => {
    let n = 0;
    const url = vi.fn(() => `ws://example.test/?attempt=${++n}`);
    const socket = new WebSocket(url, { ...seed(), WebSocket: FakeTransport, environment: null });
    expect(url).toHaveBeenCalledTimes(1);
    FakeTransport.last.fail();
    expect(url).toHaveBeenCalledTimes(2);
    expect(FakeTransport.instances.map((t) => t.url)).toEqual([
      'ws://example.test/?attempt=1',
      'ws://example.test/?attempt=2',
    ]);
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, '');
    expect(url).toHaveBeenCalledTimes(3);
    socket.close();
  });

  it('an async function: the transport is created once it resolves', async () => {
    const url = vi.fn(async () => new URL('https://example.test/async'));
    const socket = new WebSocket(url, { ...seed(), WebSocket: FakeTransport, environment: null });
    expect(FakeTransport.instances).toHaveLength(0);
    await flush();
    expect(FakeTransport.instances).toHaveLength(1);
    expect(FakeTransport.last.url).toBe('wss://example.test/async');
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('connected');
  });

  it('a throwing provider is a failed attempt, seen by listeners attached after construction', async () => {
    const error = new Error('no token');
    const url = vi.fn((): string => {
      throw error;
    });
    const socket = new WebSocket(url, {
      backoff: new ConstantBackoff(1000),
      WebSocket: FakeTransport,
      environment: null,
    });
    const states = record(socket);
    await flush();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toEqual(new Disconnected({ error }));
    await flush();
    expect(url).toHaveBeenCalledTimes(2); // the initial attempt and the immediate retry
    vi.advanceTimersByTime(1000);
    await flush();
    expect(url).toHaveBeenCalledTimes(3);
    expect(FakeTransport.instances).toHaveLength(0);
    socket.close();
    expectNoLeaks();
  });

  it('a rejecting provider is a failed attempt, with no unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const error = new Error('token service down');
      const url = vi.fn(() => Promise.reject(error));
      const socket = new WebSocket(url, {
        backoff: new ConstantBackoff(1000),
        WebSocket: FakeTransport,
        environment: null,
      });
      const states = record(socket);
      await flush();
      expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
      expect(states[1]).toMatchObject({ error });
      await flush();
      expect(url).toHaveBeenCalledTimes(2);
      expect(vi.getTimerCount()).toBe(1); // the backoff wait
      await vi.advanceTimersByTimeAsync(1000);
      expect(url).toHaveBeenCalledTimes(3);
      socket.close();
      expectNoLeaks();
      vi.useRealTimers();
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('an invalid URL from the provider is a failed attempt with InvalidUrlError', async () => {
    const url = vi.fn(async () => 'ftp://example.test/');
    const socket = new WebSocket(url, { ...seed(), WebSocket: FakeTransport, environment: null });
    const states = record(socket);
    await flush();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect((states[1] as Disconnected).error).toBeInstanceOf(InvalidUrlError);
    expect(FakeTransport.instances).toHaveLength(0);
    socket.close();
    expectNoLeaks();
  });

  it('a provider still pending when its attempt timed out does not dial later', async () => {
    let resolveSecond: (u: string) => void = () => {};
    let n = 0;
    const url = () => {
      n++;
      if (n === 1) return Promise.reject(new Error('first'));
      if (n === 2) return new Promise<string>((r) => (resolveSecond = r));
      return Promise.resolve(URL_);
    };
    const socket = new WebSocket(url, {
      backoff: new ConstantBackoff(5000),
      timeout: 1000,
      giveUpAfter: Infinity,
      WebSocket: FakeTransport,
      environment: null,
    });
    await flush();
    expect(socket.connection.state.type).toBe('reconnecting');
    vi.advanceTimersByTime(1000); // the second attempt times out; the wait begins
    resolveSecond(URL_);
    await flush();
    expect(FakeTransport.instances).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5000);
    await flush();
    expect(FakeTransport.instances).toHaveLength(1);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('a provider that resolves after close() creates no transport', async () => {
    let resolve: (u: string) => void = () => {};
    const socket = new WebSocket(() => new Promise<string>((r) => (resolve = r)), {
      WebSocket: FakeTransport,
      environment: null,
    });
    socket.close();
    resolve(URL_);
    await flush();
    expect(FakeTransport.instances).toHaveLength(0);
    expectNoLeaks();
  });
});

describe('messages', () => {
  it('delivers incoming data in order, across reconnects', () => {
    const socket = make(seed());
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    FakeTransport.last.open();
    FakeTransport.last.receive('ping');
    FakeTransport.last.receive('pong');
    FakeTransport.last.serverClose(1001, '');
    FakeTransport.last.open();
    FakeTransport.last.receive('again');
    expect(got).toEqual(['ping', 'pong', 'again']);
  });

  it('async iteration of messages completes when the socket ends', async () => {
    const socket = make(seed());
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const m of socket.messages) got.push(m);
      return 'completed';
    })();
    await flush();
    FakeTransport.last.open();
    FakeTransport.last.receive('a');
    FakeTransport.last.receive('b');
    socket.close();
    FakeTransport.last.finishClose();
    await expect(loop).resolves.toBe('completed');
    expect(got).toEqual(['a', 'b']);
  });

  it('async iteration of connection yields each state and completes when the socket ends', async () => {
    const socket = make(seed());
    const got: string[] = [];
    const loop = (async () => {
      for await (const s of socket.connection) got.push(s.type);
    })();
    await flush();
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4000, '');
    socket.close();
    await loop;
    expect(got).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'disconnected',
    ]);
  });

  it('emits nothing when the connection never opened (seed: "emits nothing when connection is closed")', () => {
    const socket = make(seed());
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    FakeTransport.last.fail();
    socket.close();
    expect(got).toEqual([]);
  });
});

describe('connection.firstWhere with a socket', () => {
  it('resolves when the socket opens, whichever open state it is', async () => {
    const socket = make(seed());
    const p = socket.connection.firstWhere(isOpen);
    FakeTransport.last.fail();
    FakeTransport.last.open();
    await expect(p).resolves.toBeInstanceOf(Reconnected);
  });

  it('rejects with SocketEndedError on give-up, ignoring the transient Disconnected', async () => {
    const socket = make({ backoff: new ConstantBackoff(10), timeout: 10 });
    const p = socket.connection.firstWhere(isOpen);
    const outcome = p.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    await flush();
    vi.advanceTimersByTime(10);
    expect(await outcome).toBeInstanceOf(SocketEndedError);
  });
});

describe('codec', () => {
  it('json: encodes on send and decodes on receive', async () => {
    const { json } = await import('../../src/core');
    const socket = make<{ n: number }, { op: string }>({
      ...seed(),
      codec: json<{ n: number }, { op: string }>(),
    });
    const got: { n: number }[] = [];
    socket.messages.subscribe((m) => got.push(m));
    socket.send({ op: 'queued' });
    FakeTransport.last.open();
    socket.send({ op: 'sub' });
    FakeTransport.last.receive('{"n":1}');
    expect(FakeTransport.last.sent).toEqual(['{"op":"queued"}', '{"op":"sub"}']);
    expect(got).toEqual([{ n: 1 }]);
    expect(socket.queued).toEqual([]);
  });

  it('a decode failure goes to onError as DecodeError; the message is dropped, the socket unaffected', async () => {
    const { json, DecodeError } = await import('../../src/core');
    const onError = vi.fn();
    const socket = make({ ...seed(), codec: json(), onError });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    FakeTransport.last.open();
    FakeTransport.last.receive('{not json');
    FakeTransport.last.receive('[1]');
    expect(onError).toHaveBeenCalledTimes(1);
    const error = onError.mock.calls[0]?.[0];
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'DECODE_FAILED' });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect(got).toEqual([[1]]);
    expect(socket.connection.state.type).toBe('connected');
  });

  it('without onError, a decode failure is logged with console.error', async () => {
    const { json, DecodeError } = await import('../../src/core');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    make({ ...seed(), codec: json() });
    FakeTransport.last.open();
    FakeTransport.last.receive('{');
    expect(log).toHaveBeenCalledWith(expect.any(DecodeError));
  });
});

describe('onOpen gate', () => {
  it('runs before the flush; its sends go first; the state stays Connecting until it resolves', async () => {
    let pass: () => void = () => {};
    const onOpen = vi.fn(({ send }: { send(d: string): void }) => {
      send('auth');
      return new Promise<void>((r) => (pass = r));
    });
    const socket = make<string, string>({ ...seed(), onOpen });
    const states = record(socket);
    socket.send('q1');
    const t = FakeTransport.last;
    t.open();
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(t.sent).toEqual(['auth']);
    expect(socket.connection.state.type).toBe('connecting');
    expect(socket.send('during')).toBe(true);
    expect(socket.queued).toEqual(['q1', 'during']);
    pass();
    await flush();
    expect(types(states)).toEqual(['connecting', 'connected']);
    expect(t.sent).toEqual(['auth', 'q1', 'during']);
    expect(socket.queued).toEqual([]);
  });

  it('a rejection is a failed attempt and the transport is closed', async () => {
    const error = new Error('auth refused');
    const onOpen = vi.fn().mockRejectedValueOnce(error).mockResolvedValue(undefined);
    const socket = make({ ...seed(), onOpen });
    const states = record(socket);
    const t = FakeTransport.last;
    t.open();
    await flush();
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect(states[1]).toMatchObject({ error });
    expect(t.closeCalls).toHaveLength(1);
    expect(t.detached).toBe(true);
    expect(FakeTransport.instances).toHaveLength(2);
    FakeTransport.last.open();
    await flush();
    expect(socket.connection.state.type).toBe('reconnected');
    expect(onOpen).toHaveBeenCalledTimes(2);
  });

  it('a gate that throws synchronously is a failed attempt too', async () => {
    const socket = make({
      ...seed(),
      onOpen: () => {
        throw new Error('sync');
      },
    });
    FakeTransport.last.open();
    await flush();
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('a gate that never settles is cut by the connect timeout', async () => {
    const socket = make({ ...seed(), timeout: 1000, onOpen: () => new Promise<void>(() => {}) });
    const states = record(socket);
    FakeTransport.last.open();
    await flush();
    vi.advanceTimersByTime(1000);
    expect((states[1] as Disconnected).error).toBeInstanceOf(ConnectTimeoutError);
    expect(FakeTransport.instances[0]?.closeCalls).toHaveLength(1);
  });

  it('close() during the gate closes the transport; the gate resolving later changes nothing', async () => {
    let pass: () => void = () => {};
    const socket = make({ ...seed(), onOpen: () => new Promise<void>((r) => (pass = r)) });
    const t = FakeTransport.last;
    t.open();
    socket.close(4000);
    expect(t.closeCalls).toHaveLength(1);
    pass();
    await flush();
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000 }));
    expectNoLeaks();
  });

  it('the gate encodes with the codec', async () => {
    const { json } = await import('../../src/core');
    make({ ...seed(), codec: json(), onOpen: ({ send }) => send({ hello: 1 }) });
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual(['{"hello":1}']);
  });
});

describe('user callbacks that throw', () => {
  it('a throwing shouldReconnect is reported and the socket reconnects as by default', () => {
    const onError = vi.fn();
    const boom = new Error('policy bug');
    const socket = make({
      ...seed(),
      onError,
      shouldReconnect: () => {
        throw boom;
      },
    });
    const states = record(socket);
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4000, 'x');
    expect(onError).toHaveBeenCalledWith(boom);
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(FakeTransport.instances).toHaveLength(2);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
    socket.close();
  });

  it('a throwing onDrop is reported and close() still completes', () => {
    const onError = vi.fn();
    const boom = new Error('drop handler bug');
    const socket = make({
      ...seed(),
      onError,
      onDrop: () => {
        throw boom;
      },
    });
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(true);
    socket.close(4000, 'bye');
    expect(onError).toHaveBeenCalledTimes(2);
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expectNoLeaks();
  });

  it('a backoff whose next() throws (exhausted) is reported and ends the retries: a give-up, nothing left', async () => {
    const onError = vi.fn();
    const exhausted = new Error('no more delays');
    const socket = make({
      minUptime: 0,
      onError,
      backoff: {
        next: () => {
          throw exhausted;
        },
        reset: () => {},
      },
    });
    const ended = watchEnd(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail(); // the failed retry asks the backoff for a delay
    expect(onError).toHaveBeenCalledWith(exhausted);
    expect(socket.connection.state).toEqual(timeoutD);
    await flush();
    expect(ended).toEqual({ messages: true, connection: true });
    expectNoLeaks();
  });

  it('a backoff.next() that gives a nonsense delay is reported the same way, with InvalidOptionError', () => {
    const onError = vi.fn();
    const socket = make({ onError, backoff: { next: () => Number.NaN, reset: () => {} } });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    // The message names the culprit: the backoff, not an option the user passed.
    expect(onError.mock.calls[0]?.[0]).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'backoff.next() must be a finite number of milliseconds >= 0, got NaN.',
    });
    expect(socket.connection.state).toEqual(timeoutD);
  });

  it('an onError that closes the socket when the backoff runs out: that close is the end, no give-up after it', () => {
    const socket: WebSocket = make({
      minUptime: 0,
      onError: () => socket.close(4000, 'out of delays'),
      backoff: {
        next: () => {
          throw new Error('no more delays');
        },
        reset: () => {},
      },
    });
    const states = record(socket);
    FakeTransport.last.fail();
    FakeTransport.last.fail(); // the backoff has no delay: reported, and onError closes
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting', 'disconnected']);
    expect(socket.connection.state).toEqual(
      new Disconnected({ code: 4000, reason: 'out of delays' }),
    );
    expectNoLeaks();
  });

  it('a backoff.reset() that throws is reported; the socket goes on', () => {
    const onError = vi.fn();
    const socket = make({
      minUptime: 0,
      onError,
      backoff: {
        next: () => 0,
        reset: () => {
          throw new Error('reset bug');
        },
      },
    });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, ''); // a stable loss resets the backoff
    expect(onError).toHaveBeenCalledTimes(1);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('an onError that throws is rethrown outside the step: the socket still reconnects, and still ends', () => {
    const tasks: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      tasks.push(task);
    });
    const socket = make<string, string>({
      ...seed(),
      onError: () => {
        throw new Error('onError bug');
      },
      shouldReconnect: () => {
        throw new Error('policy bug');
      },
      onDrop: () => {
        throw new Error('drop bug');
      },
    });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4000, 'x');
    expect(socket.connection.state.type).toBe('reconnecting');
    socket.send('a');
    socket.send('b');
    socket.close(4000, 'bye');
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    const errors = tasks.flatMap((task) => {
      try {
        task();
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
    expect(errors.filter((m) => m === 'onError bug')).toHaveLength(3); // the policy and two drops
    expectNoLeaks();
  });

  it('an environment whose online() throws is reported and counts as online', () => {
    const onError = vi.fn();
    const socket = make({
      onError,
      environment: {
        online: () => {
          throw new Error('env bug');
        },
        subscribe: () => () => {},
      },
    });
    expect(FakeTransport.instances).toHaveLength(1);
    expect(onError).toHaveBeenCalled();
    socket.close();
  });
});

describe('commands from a callback, in order', () => {
  it('close() then send() inside a listener: the send is refused, reconnect() throws, as after close()', () => {
    const socket = make(seed());
    const seen: { sent?: boolean; threw?: unknown } = {};
    socket.connection.subscribe((s) => {
      if (s.type !== 'connected') return;
      socket.close(4000, 'from a listener');
      seen.sent = socket.send('after close');
      try {
        socket.reconnect();
      } catch (error) {
        seen.threw = error;
      }
    });
    FakeTransport.last.open();
    expect(seen.sent).toBe(false);
    expect(seen.threw).toBeInstanceOf(SocketEndedError);
    expect(FakeTransport.last.sent).toEqual([]);
    expect(socket.connection.state.type).toBe('disconnecting');
  });

  it('reconnect() then send() inside a listener: the send goes out; only a close waiting refuses it', () => {
    const socket = make(seed());
    let sent: boolean | undefined;
    socket.messages.subscribe(() => {
      socket.reconnect(); // nothing to do while open, yet it waits in the mailbox like any command
      sent = socket.send('reply');
    });
    FakeTransport.last.open();
    FakeTransport.last.receive('question');
    expect(sent).toBe(true);
    expect(FakeTransport.last.sent).toEqual(['reply']);
  });
});

describe('heartbeat and pingInterval together', () => {
  it('the heartbeat wins entirely: it runs on a browser-like transport, where pingInterval alone would not', () => {
    const socket = make({ ...seed(), heartbeat: { interval: 1000 }, pingInterval: 5000 });
    FakeTransport.last.open();
    vi.advanceTimersByTime(1999);
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1); // interval + timeout (= interval) of the heartbeat, silence: dead
    expect(socket.connection.state).toEqual(new Reconnecting());
    expect(FakeTransport.instances).toHaveLength(2);
  });
});

describe('retry listeners', () => {
  it('every listener hears each change; one that retries at once spares the others the wait that is gone', () => {
    const socket = make({ backoff: new ConstantBackoff(1000) });
    const first: string[] = [];
    const second: string[] = [];
    socket.retry.subscribe((r) => {
      first.push(`${r.phase}:${r.attempt}`);
      if (r.phase === 'waiting') socket.reconnect();
    });
    socket.retry.subscribe((r) => second.push(`${r.phase}:${r.attempt}`));
    FakeTransport.last.fail(); // the immediate retry
    FakeTransport.last.fail(); // a wait, which the first listener cuts short
    expect(FakeTransport.instances).toHaveLength(3);
    expect(first).toEqual(['idle:0', 'dialing:1', 'waiting:2', 'dialing:2']);
    expect(second).toEqual(['idle:0', 'dialing:1', 'dialing:2']);
  });
});

describe('send() after a flush that stopped half-way', () => {
  it('older messages go first: a new one waits behind them while the transport refuses, then all go in order', () => {
    const socket = make<string, string>(seed());
    const t = FakeTransport.last;
    socket.send('a');
    socket.send('b');
    let refusing = true;
    const send = t.send.bind(t);
    t.send = (data) => {
      if (refusing) throw new Error('buffer full');
      send(data);
    };
    t.open(); // the flush stops at 'a'
    expect(socket.queued).toEqual(['a', 'b']);
    expect(socket.send('c')).toBe(true); // still refused: queued behind, not sent past them
    expect(socket.queued).toEqual(['a', 'b', 'c']);
    refusing = false;
    expect(socket.send('d')).toBe(true);
    expect(t.sent).toEqual(['a', 'b', 'c', 'd']);
    expect(socket.queued).toEqual([]);
  });
});

describe('takeQueued()', () => {
  it('hands the queued messages over, oldest first, without drop reports; the queue is then empty', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ ...seed(), onDrop });
    socket.send('a');
    socket.send('b');
    expect(socket.takeQueued()).toEqual(['a', 'b']);
    expect(socket.queued).toEqual([]);
    expect(socket.takeQueued()).toEqual([]);
    FakeTransport.last.open();
    socket.close();
    expect(FakeTransport.last.sent).toEqual([]);
    expect(onDrop).not.toHaveBeenCalled();
  });

  it('with queue: false there is nothing to take', () => {
    const socket = make<string, string>({ queue: false });
    expect(socket.send('a')).toBe(false);
    expect(socket.takeQueued()).toEqual([]);
  });
});

describe('queue: false', () => {
  it('the socket ends cleanly while connecting and from open, through the closing handshake', () => {
    const connecting = make({ queue: false });
    expect(() => connecting.close()).not.toThrow();
    expect(connecting.connection.state).toEqual(new Disconnected());
    const open = make({ ...seed(), queue: false });
    FakeTransport.last.open();
    expect(() => open.close(4000, 'bye')).not.toThrow();
    expect(open.connection.state.type).toBe('disconnecting');
    FakeTransport.last.finishClose(4000, 'bye');
    expect(open.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expectNoLeaks();
  });
});

describe('drop reports', () => {
  it('close() from an open state reports what waited in the queue at once, as "closed"', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ ...seed(), onDrop });
    const t = FakeTransport.last;
    t.open();
    t.readyState = 2; // the server started the closing handshake: sends queue
    expect(socket.send('late')).toBe(true);
    socket.close();
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(onDrop).toHaveBeenCalledWith('late', 'closed');
    expect(socket.connection.state.type).toBe('disconnecting');
    t.finishClose();
    expect(onDrop).toHaveBeenCalledTimes(1);
  });

  it('a report that a send caused runs after that send: the queue is as the send left it', () => {
    const seen: string[][] = [];
    const socket = make<string, string>({
      queue: { maxAge: 100 },
      onDrop: () => seen.push([...socket.queued]),
    });
    socket.send('old');
    vi.advanceTimersByTime(101);
    expect(socket.send('new')).toBe(true); // 'old' expires inside this send
    expect(seen).toEqual([['new']]);
  });

  it('without onDrop, dropped messages are simply gone: nothing is reported as an error', () => {
    const onError = vi.fn();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const socket = make<string, string>({ onError, queue: { maxAge: 100 } });
    socket.send('a');
    vi.advanceTimersByTime(101);
    socket.send('b'); // 'a' expires
    socket.close(); // 'b' is discarded
    expect(onError).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});

describe('run to completion', () => {
  it('a listener that sends and then closes is not re-entered: the next state comes after it returned', () => {
    const socket = make(seed());
    const log: string[] = [];
    socket.connection.subscribe((s) => {
      log.push(`enter ${s.type}`);
      if (s.type === 'connected') {
        socket.send('bye');
        socket.close();
      }
      log.push(`leave ${s.type}`);
    });
    FakeTransport.last.open();
    expect(log).toEqual([
      'enter connecting',
      'leave connecting',
      'enter connected',
      'leave connected',
      'enter disconnecting',
      'leave disconnecting',
    ]);
    expect(FakeTransport.last.sent).toEqual(['bye']);
  });

  it('a message listener that closes: every listener gets the message before the state listeners hear Disconnecting', () => {
    const socket = make(seed());
    FakeTransport.last.open();
    const log: string[] = [];
    socket.connection.subscribe((s) => log.push(`state ${s.type}`));
    socket.messages.subscribe((m) => {
      log.push(`first ${String(m)}`);
      socket.close();
      log.push('first returns');
    });
    socket.messages.subscribe((m) => log.push(`second ${String(m)}`));
    FakeTransport.last.receive('bye');
    expect(log).toEqual([
      'state connected',
      'first bye',
      'first returns',
      'second bye',
      'state disconnecting',
    ]);
  });

  it('a message that arrives during a step (a transport that echoes at once) comes after the state it follows', () => {
    class EchoTransport extends FakeTransport {
      override send(data: Data): void {
        super.send(data);
        if (this.readyState === 1) this.receive(`echo:${String(data)}`);
      }
    }
    const socket = make<string, string>({ ...seed(), WebSocket: EchoTransport });
    const log: string[] = [];
    socket.connection.subscribe((s) => log.push(s.type));
    socket.messages.subscribe((m) => log.push(m));
    socket.send('hello'); // queued: it is flushed, and echoed, inside the step that opens
    FakeTransport.last.open();
    expect(log).toEqual(['connecting', 'connected', 'echo:hello']);
  });
});

describe('error messages', () => {
  it('reconnect() on an ended socket says why and what to do instead', () => {
    const socket = make();
    socket.close();
    expect(() => socket.reconnect()).toThrow(
      'This socket was closed or gave up, and an ended socket never reconnects. Create a new WebSocket to connect again.',
    );
  });

  it('a DecodeError says the message was dropped, and why', () => {
    const onError = vi.fn();
    make({ ...seed(), codec: json(), onError });
    FakeTransport.last.open();
    FakeTransport.last.receive('{');
    const error = onError.mock.calls[0]?.[0] as Error;
    expect(error.message).toMatch(/^A message could not be decoded and was dropped: SyntaxError: /);
  });
});

describe('a scheduler whose clearTimeout does not take', () => {
  it('a timer replaced meanwhile does nothing when it fires (a test that swapped clocks under the socket)', () => {
    // As when fake timers are installed after the socket armed a real one: clearTimeout misses it.
    const scheduler = {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: () => {},
      now: () => Date.now(),
    };
    const socket = make({ ...seed(), scheduler, timeout: 1000 });
    vi.advanceTimersByTime(500);
    FakeTransport.last.fail(); // the retry arms its own connect timeout, to 1500
    vi.advanceTimersByTime(500); // the first attempt's timeout fires: it is not the retry's
    expect(FakeTransport.instances).toHaveLength(2);
    expect(FakeTransport.last.closeCalls).toEqual([]);
    expect(socket.connection.state.type).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(FakeTransport.last.detached).toBe(true); // its own timeout still counts
  });
});
