import { describe, expect, it } from 'vitest';
import { ConnectTimeoutError, ConstantBackoff, LinearBackoff } from '../../src/core';
import type { ProxyEvent } from '../support/fault-proxy';
import { sleep } from '../support/wait';
import { fixture, logged, lostAndBack, now, recorder, SLACK, trace } from './fixture';

const f = fixture();

/** Consecutive attempts are never closer than the delay the backoff handed out between them. */
const expectSpacedByBackoff = (attempts: number[], delays: number[]) => {
  for (let i = 1; i < attempts.length; i++) {
    const gap = (attempts[i] as number) - (attempts[i - 1] as number);
    // 1 ms for timer rounding: Node may fire a timer up to 1 ms "early" by performance.now().
    expect(gap).toBeGreaterThanOrEqual((delays[i - 1] as number) - 1);
  }
};

describe('connection refused / reset during handshake (fault rows 9, 10)', () => {
  it.each(['close', 'rst'] as const)(
    "refuse('%s'): Reconnecting goes on with backoff, no tight loop; recovers when allowed",
    async (mode) => {
      const server = await f.server();
      const proxy = await f.proxy(server);
      const t = trace();
      const backoff = logged(new LinearBackoff({ initial: 50, increment: 50 }));
      const socket = f.socket(proxy.url, { backoff, WebSocket: t.WebSocket, minUptime: 0 });
      const rec = recorder(socket);
      await rec.reach('connected', 2000);

      await proxy.refuse(mode);
      proxy.cut('fin');
      const dropped = await rec.reach('disconnected', SLACK);
      await sleep(700);
      expect(socket.connection.state.type).toBe('reconnecting');

      // A stable connection was lost (minUptime 0): the first retry is immediate, then 50, 100, …
      const retries = t.attempts().slice(1);
      expect((retries[0] as number) - dropped.at).toBeLessThan(SLACK);
      expect(retries.length).toBeGreaterThanOrEqual(3);
      expect(retries.length).toBeLessThanOrEqual(6); // at 0, 50, 150, 300, 500 (, 750) ms
      expect(backoff.delays.slice(0, 4)).toEqual([50, 100, 150, 200]);
      expectSpacedByBackoff(retries, backoff.delays);
      if (mode === 'rst') expect(proxy.total).toBe(1 + retries.length);

      const allowedAt = now();
      await proxy.refuse('none');
      const pending = backoff.delays[backoff.delays.length - 1] as number;
      const back = await rec.reach('reconnected', pending + 2 * SLACK);
      expect(back.at - allowedAt).toBeLessThan(pending + SLACK);
      expect(rec.labels()).toEqual(lostAndBack());
    },
  );

  it('refused from the very first attempt: Disconnected(error) → Reconnecting → Reconnected', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('close');
    const socket = f.socket(proxy.url, { backoff: new ConstantBackoff(50) });
    const rec = recorder(socket);
    const failed = await rec.reach('disconnected', SLACK);
    expect(String((failed.error as Error).message)).toMatch(/ECONNREFUSED/);
    await sleep(200);
    await proxy.refuse('none');
    await rec.reach('reconnected', 50 + 2 * SLACK);
    expect(rec.labels()).toEqual([
      'connecting',
      'disconnected(error: Error)',
      'reconnecting',
      'reconnected',
    ]);
  });
});

describe('connect hangs (fault row 13)', () => {
  const TIMEOUT = 300;
  const BACKOFF = 100;

  it('a hung handshake ends at `timeout` with the transport closed, then the next attempt is made', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const t = trace();
    const socket = f.socket(proxy.url, {
      timeout: TIMEOUT,
      giveUpAfter: Number.POSITIVE_INFINITY,
      backoff: logged(new ConstantBackoff(BACKOFF)),
      WebSocket: t.WebSocket,
      minUptime: 0,
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);

    await proxy.refuse('hang');
    proxy.cut('fin');
    await rec.reach('reconnecting', SLACK);
    const hung = (n: number) =>
      proxy.events.filter((e) => e.type === 'accept' && e.mode === 'hang')[n];
    await proxy.when(() => hung(0) !== undefined, SLACK, 'the hung attempt');
    const first = hung(0) as ProxyEvent;
    const closeOf = (id: number) => proxy.events.find((e) => e.type === 'close' && e.id === id);
    await proxy.when(() => closeOf(first.id) !== undefined, TIMEOUT + 2 * SLACK, 'the abort');
    const aborted = closeOf(first.id) as ProxyEvent;
    // The attempt's timer started a moment before the proxy accepted, so at most TIMEOUT here.
    expect(aborted.at - first.at).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(aborted.at - first.at).toBeLessThan(TIMEOUT + SLACK);
    expect(proxy.open).toBe(0); // the transport was closed, not leaked
    expect(t.transports[1]?.closedAt).toBeDefined();

    // The next attempt, after the backoff.
    await proxy.when(() => hung(1) !== undefined, BACKOFF + 2 * SLACK, 'the next attempt');
    const next = hung(1) as ProxyEvent;
    expect(next.at - aborted.at).toBeGreaterThanOrEqual(BACKOFF - 5);
    expect(next.at - aborted.at).toBeLessThan(BACKOFF + SLACK);
    expect(socket.connection.state.type).toBe('reconnecting');

    const allowedAt = now();
    await proxy.refuse('none');
    const back = await rec.reach('reconnected', TIMEOUT + BACKOFF + 2 * SLACK);
    expect(back.at - allowedAt).toBeLessThan(TIMEOUT + BACKOFF + SLACK);
    expect(rec.labels()).toEqual(lostAndBack());
    // Every hung attempt was closed; only the live connection is left.
    await proxy.when(() => proxy.open === 1, SLACK, 'only the live connection');
  });

  it('the very first attempt hangs: Disconnected(ConnectTimeoutError) at `timeout`', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('hang');
    const startedAt = now();
    const socket = f.socket(proxy.url, {
      timeout: TIMEOUT,
      giveUpAfter: Number.POSITIVE_INFINITY,
      backoff: new ConstantBackoff(BACKOFF),
    });
    const rec = recorder(socket);
    const failed = await rec.reach('disconnected', TIMEOUT + 2 * SLACK);
    expect(failed.error).toBeInstanceOf(ConnectTimeoutError);
    expect(failed.at - startedAt).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(failed.at - startedAt).toBeLessThan(TIMEOUT + SLACK);
    await proxy.refuse('none');
    await rec.reach('reconnected', TIMEOUT + BACKOFF + 2 * SLACK);
    expect(rec.labels()).toEqual([
      'connecting',
      'disconnected(error: ConnectTimeoutError)',
      'reconnecting',
      'reconnected',
    ]);
  });
});

describe('handshake rejected with 503 (fault row 12)', () => {
  it('a 503 is a failed attempt: retried with backoff, Reconnected when the server is back', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('http503');
    const t = trace();
    const backoff = logged(new ConstantBackoff(60));
    const socket = f.socket(proxy.url, { backoff, WebSocket: t.WebSocket });
    const rec = recorder(socket);
    const failed = await rec.reach('disconnected', SLACK);
    expect(String((failed.error as Error).message)).toMatch(/503/);
    await sleep(400);
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(proxy.total).toBeGreaterThanOrEqual(3);
    expect(proxy.total).toBeLessThanOrEqual(400 / 60 + 2);
    expect(server.totalConnections).toBe(0);
    // The first failure is followed by an immediate retry (as the seed), then the backoff.
    expect((t.attempts()[1] as number) - (t.attempts()[0] as number)).toBeLessThan(SLACK);
    expectSpacedByBackoff(t.attempts().slice(1), backoff.delays);

    const allowedAt = now();
    await proxy.refuse('none');
    const back = await rec.reach('reconnected', 60 + 2 * SLACK);
    expect(back.at - allowedAt).toBeLessThan(60 + SLACK);
    expect(rec.labels()).toEqual([
      'connecting',
      'disconnected(error: HandshakeRejectedError)',
      'reconnecting',
      'reconnected',
    ]);
    expect(failed.error).toMatchObject({ code: 'HANDSHAKE_REJECTED', status: 503 });
  });
});
