import { describe, expect, it } from 'vitest';
import { ConnectTimeoutError, ConstantBackoff, LinearBackoff } from '../../src/core';
import type { ProxyEvent } from '../support/fault-proxy';
import {
  fixture,
  logged,
  lostAndBack,
  now,
  recorder,
  SLACK,
  type TracedTransport,
  trace,
} from './fixture';

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
      // Four retries, all refused: at 0, 50, 150 and 300 ms after the loss.
      await t.when(() => t.transports.length >= 1 + 4, 300 + 2 * SLACK, 'four refused retries');
      expect(socket.connection.state.type).toBe('reconnecting');

      // A stable connection was lost (minUptime 0): the first retry is immediate, then 50, 100, …
      const retries = t.attempts().slice(1);
      expect((retries[0] as number) - dropped.at).toBeLessThan(SLACK);
      expect(backoff.delays.slice(0, 3)).toEqual([50, 100, 150]);
      // Each retry waited its delay: no tight loop, however long the machine stalls.
      expectSpacedByBackoff(retries, backoff.delays);

      const allowedAt = now();
      await proxy.refuse('none');
      const pending = backoff.delays[backoff.delays.length - 1] as number;
      const back = await rec.reach('reconnected', pending + 2 * SLACK);
      expect(back.at - allowedAt).toBeLessThan(pending + SLACK);
      expect(rec.labels()).toEqual(lostAndBack());
      // 'rst' accepts every attempt (and resets it); 'close' accepts none of the refused ones.
      expect(proxy.total).toBe(mode === 'rst' ? t.transports.length : 2);
    },
  );

  it('refused from the very first attempt: Disconnected(error) → Reconnecting → Reconnected', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('close');
    const t = trace();
    const socket = f.socket(proxy.url, {
      backoff: new ConstantBackoff(50),
      WebSocket: t.WebSocket,
    });
    const rec = recorder(socket);
    const failed = await rec.reach('disconnected', SLACK);
    expect(String((failed.error as Error).message)).toMatch(/ECONNREFUSED/);
    // Refused a few more times (the immediate retry and two after the backoff) before it is allowed.
    await t.when(() => t.transports.length >= 4, 2 * 50 + 2 * SLACK, 'three refused retries');
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
    // The attempt's timer starts with its transport (the first retry: the proxy's first hung
    // connection), before the proxy accepts, however late the accept comes on a loaded machine.
    const attempt = t.transports[1] as TracedTransport;
    expect(aborted.at - attempt.createdAt).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(aborted.at - first.at).toBeLessThan(TIMEOUT + SLACK);
    expect(proxy.open).toBe(0); // the transport was closed, not leaked
    expect(t.transports[1]?.closedAt).toBeDefined();

    // The next attempt, after the backoff.
    await proxy.when(() => hung(1) !== undefined, BACKOFF + 2 * SLACK, 'the next attempt');
    const next = hung(1) as ProxyEvent;
    // Made no sooner than the timeout and then the backoff after the hung one (client clocks).
    const nextAttempt = t.transports[2] as TracedTransport;
    expect(nextAttempt.createdAt - attempt.createdAt).toBeGreaterThanOrEqual(TIMEOUT + BACKOFF - 1);
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
    // Three more attempts, all answered with a 503: the immediate retry and two after a backoff.
    await proxy.when(() => proxy.total >= 4, 2 * 60 + 2 * SLACK, 'three rejected retries');
    expect(socket.connection.state.type).toBe('reconnecting');
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
