import { describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { sleep, until } from '../support/wait';
import { fixture, lostAndBack, now, recorder, SLACK, trace } from './fixture';

const f = fixture();

const INTERVAL = 300;
const TIMEOUT = 300;
const CONNECT_TIMEOUT = 1000;
const BACKOFF = 100;

describe('half-open link / silent partition (fault rows 4, 4b, 5)', () => {
  it('blackhole: detected within interval + timeout without waiting for the dead transport; Reconnected once healed', async () => {
    let pings = 0;
    const server = await f.server({
      onConnection: (s: ServerSocket) => s.on('ping', () => pings++),
    });
    const proxy = await f.proxy(server);
    const t = trace();
    const socket = f.socket(proxy.url, {
      WebSocket: t.WebSocket,
      heartbeat: { interval: INTERVAL, timeout: TIMEOUT },
      timeout: CONNECT_TIMEOUT,
      giveUpAfter: Number.POSITIVE_INFINITY,
      backoff: new ConstantBackoff(BACKOFF),
    });
    const rec = recorder(socket);
    let serverOpenAtLoss = -1;
    socket.connection.subscribe((s) => {
      if (s.type === 'disconnected') serverOpenAtLoss = server.connections.length;
    });
    await rec.reach('connected', 2000);

    // A healthy quiet link is probed and stays up.
    await sleep(2 * INTERVAL + TIMEOUT);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(rec.labels()).toEqual(['connecting', 'connected']);

    const holeAt = now();
    proxy.blackhole(true);
    const dropped = await rec.reach('disconnected', INTERVAL + TIMEOUT + 2 * SLACK);
    expect(dropped.code).toBe(1006);
    expect(dropped.reason).toBe('heartbeat timeout');
    // At least one probe had to go unanswered for `timeout`; at most a full interval before it.
    expect(dropped.at - holeAt).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(dropped.at - holeAt).toBeLessThan(INTERVAL + TIMEOUT + SLACK);

    // Not waited on: the loss was reported before the transport's own close event, and while
    // the server still thought the connection open (no FIN got through; none ever would).
    const dead = t.transports[0];
    expect(dead?.openedAt).toBeDefined();
    expect(serverOpenAtLoss).toBe(1);
    expect(dead?.closedAt === undefined || (dead.closedAt as number) >= dropped.at).toBe(true);
    // Torn down at once (terminate), not after the 10–30 s a polite close takes on a dead link.
    await until(() => dead?.closedAt !== undefined, SLACK, 'the dead transport to be torn down');

    // Still partitioned: attempts are made and time out; the state stays Reconnecting.
    await sleep(CONNECT_TIMEOUT + BACKOFF + 200);
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(t.transports.length).toBeGreaterThanOrEqual(2);

    const healedAt = now();
    proxy.blackhole(false);
    const back = await rec.reach('reconnected', CONNECT_TIMEOUT + BACKOFF + 2 * SLACK);
    expect(back.at - healedAt).toBeLessThan(CONNECT_TIMEOUT + BACKOFF + SLACK);
    expect(rec.labels()).toEqual(lostAndBack('disconnected(1006 heartbeat timeout)'));
  });

  it('a short partition that heals before the timeout: no reconnect, data late but complete and in order', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const socket = f.socket(proxy.url, {
      heartbeat: { interval: INTERVAL, timeout: 1000 },
      backoff: new ConstantBackoff(BACKOFF),
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    proxy.blackhole(true);
    const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
    for (const m of sent) expect(socket.send(m)).toBe(true);
    await sleep(300);
    expect(server.received).toEqual([]);
    proxy.blackhole(false);
    await server.when(() => server.received.length === sent.length, 2000, 'the held messages');
    expect(server.received).toEqual(sent);
    await sleep(INTERVAL);
    expect(rec.labels()).toEqual(['connecting', 'connected']);
    expect(server.totalConnections).toBe(1);
  });
});
