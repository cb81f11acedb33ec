import { EventEmitter } from 'node:events';
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

  it('looks only at the scheme: an http(s) or ws URL inside the query changes nothing', () => {
    expect(toUrl('wss://a.test/login?next=https://b.test/')).toBe(
      'wss://a.test/login?next=https://b.test/',
    );
    expect(() => toUrl('ftp://a.test/?relay=ws://b.test/')).toThrow(InvalidUrlError);
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

  it('counts each UTF-8 width from its first code unit, at every boundary', () => {
    const boundaries = [
      '\u007f', // 1 byte, the last
      '\u0080', // 2 bytes, the first
      '\u07ff', // 2 bytes, the last
      '\u0800', // 3 bytes, the first
      '\ud7ff', // 3 bytes, just below the surrogates
      '\ud800\udc00', // the first surrogate pair: 4 bytes
      '\udbff\udfff', // the last surrogate pair: 4 bytes
      '\udc00\u00e9', // a lone low surrogate (3, as U+FFFD) is no pair with what follows (2)
      '\ue000', // 3 bytes, just above the surrogates
    ];
    for (const text of boundaries) {
      expect(byteLength(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('what is not a frame is sized by the string the transport will send', () => {
    expect(byteLength(42 as never)).toBe(2);
    expect(byteLength({} as never)).toBe('[object Object]'.length);
    expect(byteLength(undefined as never)).toBe('undefined'.length);
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

  it('tolerates handlers called without an event, as hand-written doubles do', () => {
    const e = events();
    const t = connect(FakeTransport, 'ws://a.test/', options, e).transport as FakeTransport;
    t.readyState = 3;
    (t.onerror as () => void)();
    (t.onclose as () => void)();
    expect(e.log).toEqual([
      ['error', undefined, 3],
      ['close', undefined, undefined],
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

  it('watch() registers its listener once however often it is called: abort() leaves none (EventEmitter semantics)', () => {
    // ws is an EventEmitter: the same function added twice is two listeners, and off() removes one.
    class EmitterTransport extends FakeTransport {
      readonly emitter = new EventEmitter();
      ping(): void {}
      terminate(): void {}
      on(event: string, listener: () => void): void {
        this.emitter.on(event, listener);
      }
      off(event: string, listener: () => void): void {
        this.emitter.off(event, listener);
      }
    }
    const link = connect(EmitterTransport, 'ws://a.test/', options, events());
    const t = link.transport as EmitterTransport;
    const alive = vi.fn();
    link.watch(alive);
    link.watch(alive); // the heartbeat watches again at every probe
    link.watch(vi.fn());
    expect(t.emitter.listenerCount('ping')).toBe(1);
    expect(t.emitter.listenerCount('pong')).toBe(1);
    t.emitter.emit('pong');
    expect(alive).toHaveBeenCalledTimes(1);
    link.abort();
    expect(t.emitter.eventNames()).toEqual([]);
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
