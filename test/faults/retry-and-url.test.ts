import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConstantBackoff, SocketEndedError, type UrlSource } from '../../src/core';
import { sleep } from '../support/wait';
import { fixture, logged, lostAndBack, now, recorder, SLACK, trace } from './fixture';

const f = fixture();

describe('retry now', () => {
  it('reconnect() during a long backoff wait connects at once; after close() it throws SocketEndedError', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const backoff = logged(new ConstantBackoff(10_000));
    const socket = f.socket(proxy.url, { backoff });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);

    socket.reconnect(); // open: nothing to do
    expect(proxy.total).toBe(1);

    proxy.cut('fin');
    await rec.reach('reconnecting', SLACK);
    // A connection shorter than minUptime: the 10 s wait is running.
    await backoff.when(() => backoff.delays.length === 1, SLACK, 'the backoff wait');
    // No attempt during the wait: an attempt never made has no event to await, so a bounded
    // wait (far inside the 10 s), then the count.
    await sleep(200);
    expect(proxy.total).toBe(1);

    const retriedAt = now();
    socket.reconnect();
    socket.reconnect(); // an attempt is in flight: no second one
    const back = await rec.reach('reconnected', 2 * SLACK);
    expect(back.at - retriedAt).toBeLessThan(SLACK);
    expect(proxy.total).toBe(2);
    expect(rec.labels()).toEqual(lostAndBack());

    socket.close();
    await rec.reach('disconnected', SLACK, 5);
    expect(() => socket.reconnect()).toThrow(SocketEndedError);
  });

  it('reconnect() while a handshake hangs does not start a second attempt', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('hang');
    const socket = f.socket(proxy.url, { timeout: 2000 });
    await proxy.when(() => proxy.total === 1, SLACK, 'the attempt');
    socket.reconnect();
    socket.reconnect();
    // A second attempt would be a second accept at the proxy; one never made has no event to
    // await, so a bounded wait (a loopback connect takes about a millisecond), then the count.
    await sleep(100);
    expect(proxy.total).toBe(1);
  });
});

describe('URL provider', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('is called before every attempt; a throw or a rejection is a failed attempt, not a crash', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const plan = ['ok', 'throw', 'reject', 'async', 'ok'];
    let calls = 0;
    const url: UrlSource = () => {
      const step = plan[calls++] ?? 'ok';
      if (step === 'throw') throw new Error('no token yet');
      if (step === 'reject') return Promise.reject(new Error('token service down'));
      if (step === 'async') return sleep(20).then(() => new URL(`${proxy.url}/?token=${calls}`));
      return proxy.url;
    };
    const t = trace();
    const socket = f.socket(url, {
      backoff: new ConstantBackoff(30),
      minUptime: 0,
      WebSocket: t.WebSocket,
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    expect(calls).toBe(1);

    proxy.cut('fin');
    // Immediate retry: the provider throws; 30 ms later it rejects; 30 ms later it resolves.
    await rec.reach('reconnected', 60 + 2 * SLACK);
    expect(calls).toBe(4);
    // Only the URLs that resolved were dialed.
    expect(t.transports.map((x) => x.ws.url)).toEqual([`${proxy.url}/`, `${proxy.url}/?token=4`]);

    proxy.cut('rst');
    await rec.reach('reconnected', 2 * SLACK, 5);
    expect(calls).toBe(5);
    expect(rec.labels()).toEqual([
      'connecting',
      'connected',
      'disconnected(1006)',
      'reconnecting',
      'reconnected',
      'disconnected(1006)',
      'reconnecting',
      'reconnected',
    ]);
    // Node reports an unhandled rejection after the microtasks of the task it happened in;
    // "none" has no event, so a bounded wait of a few tasks, then the check.
    await sleep(20);
    expect(unhandled).toEqual([]);
  });

  it('a provider that fails on the very first attempt: Disconnected(error) → Reconnecting → Reconnected', async () => {
    const server = await f.server();
    let calls = 0;
    const url = () => {
      calls++;
      if (calls === 1) return Promise.reject(new Error('token service down'));
      return server.url;
    };
    const socket = f.socket(url, { backoff: new ConstantBackoff(30) });
    const rec = recorder(socket);
    const failed = await rec.reach('disconnected', SLACK);
    expect((failed.error as Error).message).toBe('token service down');
    await rec.reach('reconnected', 2 * SLACK);
    expect(rec.labels()).toEqual([
      'connecting',
      'disconnected(error: Error)',
      'reconnecting',
      'reconnected',
    ]);
    expect(calls).toBe(2);
    // As above: an unhandled rejection would have been reported by now; there is no event for none.
    await sleep(20);
    expect(unhandled).toEqual([]);
  });
});
