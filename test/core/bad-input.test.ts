import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BinaryExponentialBackoff,
  ConstantBackoff,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  LinearBackoff,
  NoWebSocketError,
  WebSocket,
  WebSocketClientError,
  type WebSocketOptions,
} from '../../src/core';
import { FakeEnvironment, FakeTransport, make, record, types, URL_ } from './fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Asserts the constructor throws `Class` with `code`, and that nothing was started. */
const rejects = (
  build: (environment: FakeEnvironment) => unknown,
  Class: new (...args: never[]) => WebSocketClientError,
  code: string,
) => {
  const environment = new FakeEnvironment();
  let error: unknown;
  try {
    build(environment);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Class);
  expect(error).toBeInstanceOf(WebSocketClientError);
  expect(error).toMatchObject({ code });
  expect((error as Error).message.length).toBeGreaterThan(10);
  expect(FakeTransport.instances).toHaveLength(0);
  expect(vi.getTimerCount()).toBe(0);
  expect(environment.subscribeCalls).toBe(0);
  return error as Error;
};

const withOptions = (options: WebSocketOptions, url: string = URL_) =>
  rejects(
    (environment) => new WebSocket(url, { WebSocket: FakeTransport, environment, ...options }),
    InvalidOptionError,
    'INVALID_OPTION',
  );

describe('URL', () => {
  it.each(['not a url', '', '//no-scheme', 'ws://'])('rejects %j with InvalidUrlError', (url) => {
    const error = rejects(
      (environment) => new WebSocket(url, { WebSocket: FakeTransport, environment }),
      InvalidUrlError,
      'INVALID_URL',
    );
    expect(error.message).toMatch(/ws/);
  });

  it.each(['ftp://example.test/', 'file:///tmp/x', 'mailto:a@b.c'])(
    'rejects the non-WebSocket scheme of %s',
    (url) => {
      const error = rejects(
        (environment) => new WebSocket(url, { WebSocket: FakeTransport, environment }),
        InvalidUrlError,
        'INVALID_URL',
      );
      expect(error.message).toMatch(/ws:\/\/ or wss:\/\//);
    },
  );

  it.each([
    ['http://example.test/a', 'ws://example.test/a'],
    ['https://example.test/a', 'wss://example.test/a'],
    ['HTTPS://Example.test:8443/a?b#c', 'wss://example.test:8443/a?b#c'],
    ['ws://example.test', 'ws://example.test/'],
  ])('maps %s to %s', (url, expected) => {
    make({}, url);
    expect(FakeTransport.last.url).toBe(expected);
  });
});

describe('relative URLs', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('resolve against the page location (browsers), http(s) mapped to ws(s)', () => {
    vi.stubGlobal('location', { href: 'https://app.test/chat/room' });
    make({}, '/socket');
    expect(FakeTransport.last.url).toBe('wss://app.test/socket');
  });

  it('are invalid where there is no location (Node)', () => {
    rejects(
      (environment) => new WebSocket('/socket', { WebSocket: FakeTransport, environment }),
      InvalidUrlError,
      'INVALID_URL',
    );
  });
});

describe('protocols', () => {
  it.each([['a b'], [''], ['x,y'], ['é'], [['ok', 'not ok']], [['dup', 'dup']]])(
    'rejects %j',
    (protocols) => {
      const error = withOptions({ protocols });
      expect(error.message).toMatch(/protocol/i);
    },
  );

  it('accepts distinct tokens', () => {
    make({ protocols: ['v1.chat', 'graphql-ws', "a!#$%&'*+-.^_`|~"] });
    expect(FakeTransport.instances).toHaveLength(1);
  });
});

describe('numbers in options', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number])(
    'timeout %s',
    (timeout) => {
      const error = withOptions({ timeout });
      expect(error.message).toMatch(/timeout/);
    },
  );

  it.each([-1, Number.NaN, Number.NEGATIVE_INFINITY])('giveUpAfter %s', (giveUpAfter) => {
    withOptions({ giveUpAfter });
  });

  it.each([-1, Number.NaN])('minUptime %s', (minUptime) => {
    withOptions({ minUptime });
  });

  it.each([{ maxMessages: -1 }, { maxBytes: Number.NaN }, { maxAge: Number.POSITIVE_INFINITY }])(
    'queue %j',
    (queue) => {
      const error = withOptions({ queue });
      expect(error.message).toMatch(/queue/);
    },
  );

  it.each([
    { interval: 0 },
    { interval: -1 },
    { interval: Number.NaN },
    { interval: 1000, timeout: -1 },
  ])('heartbeat %j', (heartbeat) => {
    const error = withOptions({ heartbeat });
    expect(error.message).toMatch(/heartbeat/);
  });

  it('pingInterval 0', () => {
    withOptions({ pingInterval: 0 });
  });

  it('accepts zero where zero means something (timeout 0, maxAge 0, minUptime 0)', () => {
    make({ timeout: 0, queue: { maxAge: 0 }, minUptime: 0 });
    expect(FakeTransport.instances).toHaveLength(1);
  });
});

describe('backoff numbers', () => {
  const bad = (build: () => unknown) => {
    expect(build).toThrow(InvalidOptionError);
    expect(build).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  };

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('ConstantBackoff(%s)', (d) => {
    bad(() => new ConstantBackoff(d));
  });

  it.each([
    { initial: -1, increment: 1 },
    { initial: 1, increment: Number.NaN },
    { initial: 1, increment: 1, maximum: -5 },
    { initial: Number.POSITIVE_INFINITY, increment: 1 },
  ])('LinearBackoff(%j)', (o) => {
    bad(() => new LinearBackoff(o));
  });

  it.each([
    { initial: -1, maximumStep: 3 },
    { initial: 100, maximumStep: 0 },
    { initial: 100, maximumStep: 1.5 },
    { initial: 100, maximumStep: -1 },
    { initial: 100, maximumStep: Number.NaN },
    { initial: 100, maximumStep: Number.POSITIVE_INFINITY },
  ])('BinaryExponentialBackoff(%j)', (o) => {
    bad(() => new BinaryExponentialBackoff(o));
  });

  it('the maximumStep message explains what it counts', () => {
    expect(() => new BinaryExponentialBackoff({ initial: 1, maximumStep: 0 })).toThrow(/distinct/);
  });
});

describe('close() arguments', () => {
  const open = () => {
    const socket = make({ minUptime: 0 });
    socket.send('queued');
    FakeTransport.last.open();
    socket.send('sent');
    FakeTransport.last.readyState = 1;
    return socket;
  };

  it.each([1006, 999, 2000, 2999, 5000, 1000.5, 1001, 1005, 1015, Number.NaN])(
    'rejects code %s with InvalidCloseError and changes nothing',
    (code) => {
      const socket = open();
      const states = record(socket);
      const t = FakeTransport.last;
      const call = () => socket.close(code, 'r');
      expect(call).toThrow(InvalidCloseError);
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_CLOSE' }));
      expect(call).toThrow(/1000.*3000/);
      expect(types(states)).toEqual(['connected']);
      expect(t.closeCalls).toEqual([]);
      expect(socket.send('still works')).toBe(true);
      expect(t.sent).toEqual(['queued', 'sent', 'still works']);
    },
  );

  it('rejects a code while connecting, too, and the attempt goes on', () => {
    const socket = make();
    expect(() => socket.close(1006)).toThrow(InvalidCloseError);
    expect(socket.connection.state.type).toBe('connecting');
    expect(FakeTransport.last.closeCalls).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
  });

  it.each([1000, 3000, 4999])('accepts code %s', (code) => {
    const socket = open();
    socket.close(code);
    expect(FakeTransport.last.closeCalls).toEqual([{ code, reason: undefined }]);
  });

  it('counts the reason in UTF-8 bytes, not characters', () => {
    const socket = open();
    const tooLong = 'é'.repeat(62); // 62 characters, 124 bytes
    expect(tooLong.length).toBeLessThan(123);
    expect(() => socket.close(1000, tooLong)).toThrow(InvalidCloseError);
    expect(() => socket.close(1000, 'a'.repeat(124))).toThrow(/123 UTF-8 bytes/);
    expect(() => socket.close(1000, '😀'.repeat(31))).toThrow(InvalidCloseError); // 124 bytes
    expect(socket.connection.state.type).toBe('connected');
    expect(FakeTransport.last.closeCalls).toEqual([]);
    const fits = `${'é'.repeat(61)}a`; // 123 bytes
    socket.close(1000, fits);
    expect(FakeTransport.last.closeCalls).toEqual([{ code: 1000, reason: fits }]);
  });
});

describe('WebSocket implementation', () => {
  it('without one (Node < 22, nothing passed) throws NoWebSocketError naming the fix', () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = Object.getOwnPropertyDescriptor(g, 'WebSocket');
    delete g.WebSocket;
    try {
      const error = rejects(
        (environment) => new WebSocket(URL_, { environment }),
        NoWebSocketError,
        'NO_WEBSOCKET',
      );
      expect(error.message).toMatch(/\bws\b/);
      expect(error.message).toMatch(/WebSocket: /);
    } finally {
      if (saved) Object.defineProperty(g, 'WebSocket', saved);
    }
  });

  it('uses the global WebSocket when none is passed', () => {
    vi.stubGlobal('WebSocket', FakeTransport);
    try {
      new WebSocket(URL_, { environment: null });
      expect(FakeTransport.instances).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
