/**
 * The errors of the production build (DESIGN §9): the class, its `code`, and a short message that
 * holds the offending value, or nothing, instead of the development prose. The sources are
 * bundled here as tsdown bundles dist/index.js, with `__DEV__` false, so the production branches
 * run from the very sources the rest of the suite runs (and `npm run mutate` mutates), not from a
 * build made earlier.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Core from '../../src/core';
import { FakeTransport } from './fake-transport';

let core: typeof Core;
beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../../src/core/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    define: { __DEV__: 'false' },
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'web-socket-client-production-'));
  try {
    const file = join(dir, 'index.js');
    writeFileSync(file, bundle.outputFiles[0]?.text ?? '');
    core = await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  FakeTransport.reset();
});

const URL_ = 'ws://example.test/socket';
const socket = <In = Core.Data, Out = Core.Data>(options: Core.WebSocketOptions<In, Out> = {}) =>
  new core.WebSocket<In, Out>(URL_, { WebSocket: FakeTransport, environment: null, ...options });

/** What `fn` threw. */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

describe('the production build', () => {
  it('a bad URL: the URL itself', () => {
    expect(
      thrown(() => new core.WebSocket('ftp://example.test/', { WebSocket: FakeTransport })),
    ).toMatchObject({
      code: 'INVALID_URL',
      name: 'InvalidUrlError',
      message: 'ftp://example.test/',
    });
    expect(
      thrown(() => new core.WebSocket('not a url', { WebSocket: FakeTransport })),
    ).toMatchObject({
      code: 'INVALID_URL',
      message: 'not a url',
    });
  });

  it('a bad backoff: the parameter and its value', () => {
    expect(
      thrown(() => new core.BinaryExponentialBackoff({ initial: 100, maximumStep: 0 })),
    ).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'maximumStep 0',
    });
    expect(
      thrown(() => core.withJitter(new core.ConstantBackoff(100), { ratio: 2 })),
    ).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'ratio 2',
    });
  });

  it('a bad option: its name and value', () => {
    expect(thrown(() => socket({ timeout: -1 }))).toMatchObject({
      code: 'INVALID_OPTION',
      name: 'InvalidOptionError',
      message: 'timeout -1',
    });
    expect(thrown(() => socket({ heartbeat: { interval: 0 } }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'heartbeat interval 0',
    });
    expect(thrown(() => socket({ protocols: ['chat', 'bad token'] }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: 'protocol bad token',
    });
  });

  it('no WebSocket implementation: the class and code, no message', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(thrown(() => new core.WebSocket(URL_))).toMatchObject({
      code: 'NO_WEBSOCKET',
      name: 'NoWebSocketError',
      message: '',
    });
  });

  it('close(): the refused code, or that the reason is too long', () => {
    const s = socket();
    expect(thrown(() => s.close(999))).toMatchObject({
      code: 'INVALID_CLOSE',
      name: 'InvalidCloseError',
      message: 'code 999',
    });
    expect(thrown(() => s.close(1000, 'x'.repeat(124)))).toMatchObject({
      code: 'INVALID_CLOSE',
      message: 'reason',
    });
    s.close();
  });

  it('an ended socket: reconnect() and firstWhere reject with SocketEndedError and no message', async () => {
    const s = socket();
    s.close();
    expect(thrown(() => s.reconnect())).toMatchObject({
      code: 'SOCKET_ENDED',
      name: 'SocketEndedError',
      message: '',
    });
    await expect(s.connection.firstWhere((state) => state.type === 'connected')).rejects.toEqual(
      expect.objectContaining({ code: 'SOCKET_ENDED', message: '' }),
    );
  });

  it('a connect timeout: the timeout in ms', () => {
    vi.useFakeTimers();
    const s = socket({ timeout: 1000 });
    vi.advanceTimersByTime(1000);
    expect(s.retry.state.lastError).toMatchObject({
      code: 'CONNECT_TIMEOUT',
      name: 'ConnectTimeoutError',
      message: '1000',
    });
    s.close();
  });

  it('a refused upgrade: the HTTP status', () => {
    expect(new core.HandshakeRejectedError(502)).toMatchObject({
      code: 'HANDSHAKE_REJECTED',
      name: 'HandshakeRejectedError',
      message: '502',
      status: 502,
    });
  });

  it('a frame the codec cannot decode: DecodeError with its cause and no message', () => {
    const onError = vi.fn();
    const s = socket<unknown, unknown>({ codec: core.json(), onError });
    FakeTransport.last.open();
    FakeTransport.last.receive('{');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({
      code: 'DECODE_FAILED',
      name: 'DecodeError',
      message: '',
      cause: expect.any(SyntaxError),
    });
    s.close();
  });

  it('an async iterator too far behind: the limit', async () => {
    const s = socket();
    FakeTransport.last.open();
    const values = s.messages[Symbol.asyncIterator]();
    for (let i = 0; i <= 10_000; i++) FakeTransport.last.receive(i);
    for (let i = 0; i < 10_000; i++) await values.next();
    await expect(values.next()).rejects.toEqual(
      expect.objectContaining({
        code: 'SLOW_CONSUMER',
        name: 'SlowConsumerError',
        message: '10000',
      }),
    );
    s.close();
  });
});
