/**
 * The core under React Native's constraints, against a real `ws` server on 127.0.0.1: React
 * Native's WebSocket (WHATWG-like handlers, no ping, no terminate, error events carrying only a
 * message), a `Blob` that rejects ArrayBuffers and views, a `URL` whose only working member is
 * `href`, no `TextEncoder`, and no window events (so no default environment). React Native
 * itself cannot run here; these are the facts about it the core has to survive.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WS from 'ws';
import { ConstantBackoff, isOpen, WebSocket } from '../../src/core';
import { startServer, type TestServer } from '../support/server';

/** React Native's WebSocket, over `ws`: handler properties and events shaped as RN fires them. */
class ReactNativeWebSocket {
  static readonly instances: ReactNativeWebSocket[] = [];
  readonly #ws: WS;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(url: string, protocols?: string | string[]) {
    ReactNativeWebSocket.instances.push(this);
    this.#ws = new WS(url, protocols);
    this.#ws.binaryType = 'arraybuffer';
    this.#ws.on('open', () => this.onopen?.({}));
    this.#ws.on('message', (data, binary) =>
      this.onmessage?.({ data: binary ? (data as ArrayBuffer) : String(data) }),
    );
    this.#ws.on('error', (error) => this.onerror?.({ message: error.message }));
    this.#ws.on('close', (code, reason) => this.onclose?.({ code, reason: String(reason) }));
  }
  get readyState() {
    return this.#ws.readyState;
  }
  get protocol() {
    return this.#ws.protocol;
  }
  send(data: string | ArrayBuffer) {
    this.#ws.send(data);
  }
  close(code?: number, reason?: string) {
    this.#ws.close(code, reason);
  }
}

const reactNative = () => {
  const Url = globalThis.URL;
  class HrefOnlyUrl {
    readonly href: string;
    constructor(url: string | URL, base?: string) {
      this.href = new Url(String(url), base).href;
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
  class StringOnlyBlob {
    constructor(parts: unknown[]) {
      if (parts.some((p) => typeof p !== 'string')) {
        throw new Error('Creating blobs from ArrayBuffer and ArrayBufferView are not supported');
      }
    }
  }
  vi.stubGlobal('URL', HrefOnlyUrl);
  vi.stubGlobal('Blob', StringOnlyBlob);
  vi.stubGlobal('TextEncoder', undefined);
  vi.stubGlobal('navigator', { product: 'ReactNative' });
};

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
  server.onConnection((client) =>
    client.on('message', (data, binary) => client.send(data, { binary })),
  );
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await server.close();
});

describe('the core under React Native', () => {
  it('queues text and binary, echoes, survives a server restart with its queue, closes with a reason', async () => {
    reactNative();
    const socket = new WebSocket<unknown, string | ArrayBuffer>(
      server.url.replace('ws:', 'http:'), // mapped to ws: without a URL setter
      {
        WebSocket: ReactNativeWebSocket,
        binaryType: 'arraybuffer',
        backoff: new ConstantBackoff(50),
        queue: { maxBytes: 64 },
      },
    );
    const got: unknown[] = [];
    socket.messages.subscribe((m) =>
      got.push(m instanceof ArrayBuffer ? [...new Uint8Array(m)] : m),
    );
    // Sized without Blob: 3 text bytes + 4 binary bytes fit in 64.
    expect(socket.send('abc')).toBe(true);
    expect(socket.send(new Uint8Array([1, 2, 3, 4]).buffer)).toBe(true);
    expect(socket.send(new Uint8Array(60).buffer)).toBe(false); // 3 + 4 + 60 > 64
    await socket.connection.firstWhere(isOpen);
    await vi.waitFor(() => expect(got).toEqual(['abc', [1, 2, 3, 4]]));

    await server.stop();
    await socket.connection.firstWhere((s) => s.type === 'reconnecting');
    expect(socket.send('while down')).toBe(true);
    await server.restart();
    await socket.connection.firstWhere((s) => s.type === 'reconnected');
    await vi.waitFor(() => expect(got).toEqual(['abc', [1, 2, 3, 4], 'while down']));

    socket.close(4000, 'é'.repeat(61)); // 122 UTF-8 bytes, counted without TextEncoder
    const end = await socket.connection.firstWhere((s) => s.type === 'disconnected');
    expect(end).toMatchObject({ code: 4000 });
    expect(() => socket.close(4000, 'é'.repeat(62))).toThrow(/123 UTF-8 bytes/);
    expect(ReactNativeWebSocket.instances.length).toBeGreaterThanOrEqual(2);
  });
});
