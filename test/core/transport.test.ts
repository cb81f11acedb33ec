import { describe, expect, it, vi } from 'vitest';
import { HandshakeRejectedError, InvalidUrlError } from '../../src/core';
import { byteLength, connect, type LinkEvents, toUrl } from '../../src/core/transport';
import { BunLikeTransport, FakeTransport, WsLikeTransport } from './fake-transport';

const events = (): LinkEvents & { log: unknown[][] } => {
  const log: unknown[][] = [];
  return {
    log,
    open: () => log.push(['open']),
    message: (data) => log.push(['message', data]),
    close: (code, reason) => log.push(['close', code, reason]),
    error: (error, readyState) => log.push(['error', error, readyState]),
  };
};
const options = { protocols: undefined, headers: undefined, binaryType: undefined };

describe('toUrl', () => {
  it.each([
    ['ws://a.test/x?y=1', 'ws://a.test/x?y=1'],
    ['http://a.test', 'ws://a.test/'],
    ['HTTPS://a.test/p', 'wss://a.test/p'],
    [new URL('https://a.test/u'), 'wss://a.test/u'],
  ])('%s → %s', (input, href) => {
    expect(toUrl(input)).toBe(href);
  });

  it.each(['ftp://a.test/', 'ws://', '/relative', 'mailto:x@y.z'])('rejects %s', (input) => {
    expect(() => toUrl(input)).toThrow(InvalidUrlError);
  });
});

describe('byteLength', () => {
  it('counts UTF-8 bytes of text without Blob or TextEncoder, and bytes of binary', () => {
    for (const text of ['', 'a', 'é', '€', '😀', 'a😀é€\uD800', 'x'.repeat(1000)]) {
      // A lone surrogate goes out as U+FFFD (3 bytes), as TextEncoder counts it.
      expect(byteLength(text), text).toBe(new TextEncoder().encode(text).length);
    }
    expect(byteLength(new ArrayBuffer(7))).toBe(7);
    expect(byteLength(new Uint16Array(4))).toBe(8);
    expect(byteLength(new Blob(['abc']))).toBe(3);
    expect(byteLength(null as never)).toBe(4);
  });
});

describe('connect', () => {
  it('passes the URL, protocols, headers (only when given) and binaryType', () => {
    const link = connect(
      FakeTransport,
      'ws://a.test/',
      { protocols: ['v1'], headers: { a: 'b' }, binaryType: 'arraybuffer' },
      events(),
    );
    const t = link.transport as FakeTransport;
    expect(t.url).toBe('ws://a.test/');
    expect(t.protocols).toEqual(['v1']);
    expect(t.options).toEqual({ headers: { a: 'b' } });
    expect(t.binaryType).toBe('arraybuffer');
    expect(
      (connect(FakeTransport, 'ws://a.test/', options, events()).transport as FakeTransport)
        .options,
    ).toBeUndefined();
  });

  it('reports open, message, close and error with the readyState the error came in', () => {
    const e = events();
    const link = connect(FakeTransport, 'ws://a.test/', options, e);
    const t = link.transport as FakeTransport;
    t.open();
    expect(link.ready()).toBe(true);
    t.receive('hi');
    t.onerror?.({ error: 'boom' });
    t.serverClose(4000, 'bye');
    expect(e.log).toEqual([
      ['open'],
      ['message', 'hi'],
      ['error', 'boom', 1],
      ['close', 4000, 'bye'],
    ]);
  });

  it('ws: a refused upgrade reports HandshakeRejectedError with the status, and is torn down', () => {
    const e = events();
    const link = connect(WsLikeTransport, 'ws://a.test/', options, e);
    const t = link.transport as WsLikeTransport;
    t.reject(401);
    expect(t.terminateCalls).toBe(1);
    const [kind, error] = e.log[0] as [string, HandshakeRejectedError];
    expect(kind).toBe('error');
    expect(error).toBeInstanceOf(HandshakeRejectedError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/401/);
  });

  it('watch() hears pongs through on() (ws) or addEventListener() (Bun); abort() removes them', () => {
    const alive = vi.fn();
    const ws = connect(WsLikeTransport, 'ws://a.test/', options, events());
    ws.watch(alive);
    ws.watch(alive); // idempotent
    (ws.transport as WsLikeTransport).pong();
    expect(alive).toHaveBeenCalledTimes(1);
    ws.abort();
    expect((ws.transport as WsLikeTransport).listenerCount).toBe(0);

    const bun = connect(BunLikeTransport, 'ws://a.test/', options, events());
    expect(bun.canPing).toBe(true);
    bun.watch(alive);
    (bun.transport as BunLikeTransport).pong();
    expect(alive).toHaveBeenCalledTimes(2);
    bun.abort();
    (bun.transport as BunLikeTransport).pong();
    expect(alive).toHaveBeenCalledTimes(2);
  });

  it('abort() detaches every handler, then terminates (ws, Bun) or closes a transport that is not closed', () => {
    const e = events();
    const link = connect(FakeTransport, 'ws://a.test/', options, e);
    const t = link.transport as FakeTransport;
    link.abort();
    expect(t.detached).toBe(true);
    expect(t.closeCalls).toHaveLength(1);
    t.serverClose();
    expect(e.log).toEqual([]);
    const ws = connect(WsLikeTransport, 'ws://a.test/', options, events());
    ws.abort();
    expect((ws.transport as WsLikeTransport).terminateCalls).toBe(1);
    const closed = connect(FakeTransport, 'ws://a.test/', options, events());
    (closed.transport as FakeTransport).readyState = 3;
    closed.abort();
    expect((closed.transport as FakeTransport).closeCalls).toHaveLength(0);
  });
});
