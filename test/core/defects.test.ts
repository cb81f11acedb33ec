/**
 * The sequences the core v2 issue found breaking v1: a deterministic layer with the scripted
 * transport and fake timers. 15 of these 18 tests fail on v1; the other three ("a send while the
 * state is open but the transport is closing", "a close event that does follow within the grace",
 * "firstWhere settles on every path") guard paths v1 already handled, next to the ones it did
 * not. The same defects are also checked against real sockets in test/faults and in the runtimes
 * in test/runtimes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConstantBackoff,
  Disconnected,
  HandshakeRejectedError,
  isOpen,
  SlowConsumerError,
  SocketEndedError,
} from '../../src/core';
import {
  BunLikeTransport,
  expectNoLeaks,
  FakeTransport,
  flush,
  make,
  record,
  types,
  WsLikeTransport,
} from './fake-transport';

const seed = () => ({ backoff: new ConstantBackoff(0), minUptime: 0 });

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Every transport ever made is let go of, and none is still open or connecting. */
const nothingLeftOpen = () => {
  for (const t of FakeTransport.instances) {
    expect(t.detached).toBe(true);
    expect(t.readyState === 1 && t.closeCalls.length === 0).toBe(false);
  }
};

describe('1. close() inside shouldReconnect', () => {
  it.each([false, true])(
    'returning %s: the socket ends, firstWhere settles, nothing is dialled',
    async (answer) => {
      const socket = make({
        ...seed(),
        shouldReconnect: () => {
          socket.close(4000, 'inside the policy');
          return answer;
        },
      });
      const states = record(socket);
      const opened = socket.connection.firstWhere((s) => s.type === 'reconnected').catch((e) => e);
      FakeTransport.last.open();
      FakeTransport.last.serverClose(1001, 'going away');
      expect(types(states)).toEqual(['connecting', 'connected', 'disconnected']);
      expect(socket.connection.state).toEqual(
        new Disconnected({ code: 4000, reason: 'inside the policy' }),
      );
      expect(await opened).toBeInstanceOf(SocketEndedError);
      expect(FakeTransport.instances).toHaveLength(1);
      await flush();
      nothingLeftOpen();
      expectNoLeaks();
    },
  );
});

describe('2. flush into a closing transport', () => {
  it('an onOpen that resolves after the close frame keeps the queue; it goes out on the next open', async () => {
    let pass = () => {};
    const onDrop = vi.fn();
    const socket = make<string, string>({
      ...seed(),
      onDrop,
      onOpen: () => new Promise<void>((resolve) => (pass = resolve)),
    });
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(true);
    const first = FakeTransport.last;
    first.open();
    // The server's close frame arrived: the browser's socket is CLOSING until TCP closes.
    first.readyState = 2;
    pass();
    await flush();
    expect(first.sent).toEqual([]);
    expect(socket.queued).toEqual(['a', 'b']);
    expect(socket.connection.state.type).toBe('connecting');
    first.serverClose(1000, 'bye');
    const second = FakeTransport.last;
    expect(second).not.toBe(first);
    second.open();
    pass();
    await flush();
    expect(second.sent).toEqual(['a', 'b']);
    expect(onDrop).not.toHaveBeenCalled();
  });

  it('a send while the state is open but the transport is closing is queued, not written', () => {
    const socket = make<string, string>(seed());
    const t = FakeTransport.last;
    t.open();
    t.readyState = 2;
    expect(socket.send('x')).toBe(true);
    expect(t.sent).toEqual([]);
    t.serverClose(1006, '');
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual(['x']);
  });
});

describe('3. async iteration', () => {
  it('two next() calls in flight at once both resolve, in order', async () => {
    const socket = make(seed());
    const it = socket.messages[Symbol.asyncIterator]();
    const a = it.next();
    const b = it.next();
    FakeTransport.last.open();
    FakeTransport.last.receive('one');
    FakeTransport.last.receive('two');
    await expect(a).resolves.toEqual({ done: false, value: 'one' });
    await expect(b).resolves.toEqual({ done: false, value: 'two' });
    await it.return?.();
  });

  it('return() while a next() is pending settles it as done', async () => {
    const socket = make(seed());
    const it = socket.messages[Symbol.asyncIterator]();
    const pending = it.next();
    await expect(it.return?.()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    socket.close();
  });

  it('a consumer 10,000 messages behind gets what was buffered, then SlowConsumerError', async () => {
    const socket = make(seed());
    const it = socket.messages[Symbol.asyncIterator]();
    FakeTransport.last.open();
    for (let i = 0; i <= 10_000; i++) FakeTransport.last.receive(i);
    const got: unknown[] = [];
    const error = await (async () => {
      for (;;) {
        try {
          const r = await it.next();
          if (r.done) return undefined;
          got.push(r.value);
        } catch (e) {
          return e;
        }
      }
    })();
    expect(error).toBeInstanceOf(SlowConsumerError);
    expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    await expect(it.next()).resolves.toEqual({ done: true, value: undefined });
    // The socket itself is unaffected, and the stopped iterator holds no listener.
    expect(socket.connection.state.type).toBe('connected');
  });
});

describe('6. Bun: pongs arrive only through addEventListener', () => {
  it('the default protocol-ping heartbeat keeps a healthy idle link', () => {
    const socket = make({ ...seed(), WebSocket: BunLikeTransport, heartbeat: { interval: 1000 } });
    const t = FakeTransport.last as BunLikeTransport;
    t.open();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1000);
      expect(t.pings).toBe(i + 1);
      t.pong();
    }
    expect(socket.connection.state.type).toBe('connected');
    expect(t.terminateCalls).toBe(0);
    vi.advanceTimersByTime(2000); // no pong any more: declared dead, terminated
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(t.terminateCalls).toBe(1);
  });

  it("the seed's pingInterval works there too", () => {
    const socket = make({ ...seed(), WebSocket: BunLikeTransport, pingInterval: 500 });
    const t = FakeTransport.last as BunLikeTransport;
    t.open();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(500);
      t.pong();
    }
    expect(t.pings).toBe(5);
    expect(socket.connection.state.type).toBe('connected');
  });
});

describe("7. Node 22's undici: an error on a refused attempt, and never a close", () => {
  it('the attempt fails at once (after a short grace), not after the connect timeout', () => {
    const backoff = new ConstantBackoff(100);
    const socket = make({ backoff, timeout: 60_000 });
    const states = record(socket);
    const refused = FakeTransport.last;
    refused.undiciRefusal(new Error('ECONNREFUSED'));
    vi.advanceTimersByTime(50);
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect((states[1] as Disconnected).error).toEqual(new Error('ECONNREFUSED'));
    expect(refused.detached).toBe(true);
    expect(refused.closeCalls).toHaveLength(1); // the half-dead attempt is closed, not leaked
    FakeTransport.last.undiciRefusal();
    vi.advanceTimersByTime(50 + 100);
    expect(FakeTransport.instances).toHaveLength(3);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('reconnected');
  });

  it('a close event that does follow within the grace is used (browsers, ws)', () => {
    const socket = make(seed());
    const states = record(socket);
    const t = FakeTransport.last;
    t.undiciRefusal(new Error('first'));
    t.serverClose(1006, '');
    expect(types(states)).toEqual(['connecting', 'disconnected', 'reconnecting']);
    expect((states[1] as Disconnected).error).toEqual(new Error('first'));
    expect(vi.getTimerCount()).toBe(1); // only the retry's connect timeout
  });
});

describe('8. React Native: no Blob for ArrayBuffers, no URL setters', () => {
  const reactNative = () => {
    class NoArrayBufferBlob {
      constructor(parts: unknown[]) {
        if (parts.some((p) => typeof p !== 'string')) {
          throw new Error('Creating blobs from ArrayBuffer and ArrayBufferView are not supported');
        }
      }
    }
    const Url = globalThis.URL;
    // Only `href` works; every component getter and setter throws, as in React Native.
    class GetterlessUrl {
      readonly href: string;
      constructor(url: string | URL, base?: string) {
        this.href = new Url(url, base).href;
      }
      get protocol(): string {
        throw new Error('URL.protocol is not implemented');
      }
      set protocol(_: string) {
        throw new Error('URL.protocol is not implemented');
      }
      toString() {
        return this.href;
      }
    }
    vi.stubGlobal('Blob', NoArrayBufferBlob);
    vi.stubGlobal('URL', GetterlessUrl);
  };

  it('send(binary) while not open queues, sized without Blob', () => {
    reactNative();
    const socket = make({ ...seed(), queue: { maxBytes: 10 } });
    expect(socket.send(new Uint8Array(8).buffer)).toBe(true);
    expect(socket.send(new Uint8Array(3))).toBe(false); // 8 + 3 > 10: the size was counted
    expect(socket.send('é')).toBe(true); // 2 UTF-8 bytes
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toHaveLength(2);
  });

  it('an http(s) URL maps to ws(s) without URL setters', () => {
    reactNative();
    make(seed(), 'https://example.test/socket?x=1');
    expect(FakeTransport.last.url).toBe('wss://example.test/socket?x=1');
  });
});

describe('9. a handshake answered with an HTTP status', () => {
  it('shouldRetry sees the status; false ends the socket with HandshakeRejectedError', () => {
    const shouldRetry = vi.fn(({ status }: { status?: number }) => status !== 401);
    const socket = make({ ...seed(), WebSocket: WsLikeTransport, shouldRetry });
    const states = record(socket);
    (FakeTransport.last as WsLikeTransport).reject(401);
    expect(shouldRetry).toHaveBeenCalledTimes(1);
    const [failure] = shouldRetry.mock.calls[0] as [{ error: unknown; status?: number }];
    expect(failure.status).toBe(401);
    expect(failure.error).toBeInstanceOf(HandshakeRejectedError);
    expect(types(states)).toEqual(['connecting', 'disconnected']);
    const end = socket.connection.state as Disconnected;
    expect(end.error).toMatchObject({ code: 'HANDSHAKE_REJECTED', status: 401 });
    expect(socket.retry.state.lastError).toBe(end.error);
    expect(FakeTransport.instances).toHaveLength(1);
    expectNoLeaks();
  });

  it('true (a 503), or no shouldRetry at all, retries', () => {
    const socket = make({ ...seed(), WebSocket: WsLikeTransport, shouldRetry: () => true });
    (FakeTransport.last as WsLikeTransport).reject(503);
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
    const plain = make({ ...seed(), WebSocket: WsLikeTransport });
    (FakeTransport.last as WsLikeTransport).reject(403);
    expect(plain.connection.state.type).toBe('reconnecting');
  });

  it('every failed attempt is asked about, not only the first', () => {
    const shouldRetry = vi.fn(() => true);
    make({ backoff: new ConstantBackoff(10), timeout: 500, giveUpAfter: Infinity, shouldRetry });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(10 + 500); // the third attempt times out
    expect(shouldRetry).toHaveBeenCalledTimes(3);
  });

  it('a shouldRetry that throws is reported, and the socket retries as by default', () => {
    const onError = vi.fn();
    const boom = new Error('policy bug');
    const socket = make({
      ...seed(),
      onError,
      shouldRetry: () => {
        throw boom;
      },
    });
    FakeTransport.last.fail();
    expect(onError).toHaveBeenCalledWith(boom);
    expect(socket.connection.state.type).toBe('reconnecting');
  });
});

describe('firstWhere settles on every path to the end', () => {
  it('close from a state listener while open, from the transient Disconnected, and from onDrop', async () => {
    const a = make(seed());
    const pa = a.connection.firstWhere(isOpen, {}).then(() => a.connection.firstWhere(() => false));
    a.connection.subscribe((s) => s.type === 'connected' && a.close());
    FakeTransport.last.open();
    FakeTransport.last.finishClose();
    await expect(pa).rejects.toBeInstanceOf(SocketEndedError);

    const b = make<string, string>({
      ...seed(),
      onDrop: () => b.close(),
    });
    b.send('x');
    const pb = b.connection.firstWhere(isOpen);
    b.close(); // the drop report closes again, inside the step's aftermath: idempotent
    await expect(pb).rejects.toBeInstanceOf(SocketEndedError);
  });
});
