// The seed's leaks (seed-behaviour §5.1 and §5.6), fixed per DESIGN §4 and proven at real
// loopback servers: open sockets are counted on the server side, and timers by injecting a
// counting scheduler (real timers, so the network underneath stays real).
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BinaryExponentialBackoff,
  Connecting,
  ConnectTimeoutError,
  ConstantBackoff,
  Disconnected,
  Reconnecting,
} from '../../src/core';
import { type HungServer, hungServer } from '../support/server';
import { collect, harness, record } from '../support/sockets';
import { countingScheduler } from '../support/timers';
import { within } from '../support/wait';

const { socket: open, server: serve, refused } = harness();
const hung: HungServer[] = [];
const hang = async (): Promise<HungServer> => {
  const server = await hungServer();
  hung.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(hung.splice(0).map((server) => server.close()));
});

/** Delays the socket asked for that are not the per-attempt connect timeout. */
const waits = (delays: readonly number[], timeout = 60_000): number[] =>
  delays.filter((delay) => delay !== timeout);

describe('leaks', () => {
  it('close() during a hung handshake closes the TCP socket and leaves no timer', async () => {
    const server = await hang();
    const timers = countingScheduler();
    const socket = open(server.url, { scheduler: timers });
    await server.when(() => server.open === 1, 2000, 'the handshake to reach the hung server');
    expect(timers.live).toBe(1); // the attempt's connect timeout

    socket.close();
    expect(socket.connection.state).toStrictEqual(new Disconnected());
    expect(timers.live).toBe(0);
    await server.when(() => server.open === 0, 2000, 'the hung server to see the client go');
    expect(server.total).toBe(1);
  });

  it('a timed-out attempt has its transport closed', async () => {
    const server = await hang();
    const timers = countingScheduler();
    // A large backoff: after the immediate retry also times out, the client sits in a long wait,
    // during which no attempt may still hold a socket at the server.
    const socket = open(server.url, {
      scheduler: timers,
      timeout: 200,
      backoff: new ConstantBackoff(60_000),
    });
    const states = record(socket);
    await server.when(
      () => server.total === 2 && server.open === 0,
      3000,
      'two timed-out attempts, both closed',
    );
    expect(states).toStrictEqual([new Connecting(), expect.any(Disconnected), new Reconnecting()]);
    expect((states[1] as Disconnected).error).toBeInstanceOf(ConnectTimeoutError);
    expect(waits(timers.delays, 200)).toEqual([60_000]);
    expect(timers.live).toBe(1); // the backoff wait, nothing else

    socket.close();
    expect(timers.live).toBe(0);
    expect(server.open).toBe(0);
    expect(server.total).toBe(2);
  });

  it('a timed-out attempt that gives up at once has its transport closed', async () => {
    const server = await hang();
    const timers = countingScheduler();
    const socket = open(server.url, { scheduler: timers, timeout: 200, giveUpAfter: 0 });
    const states = await within(collect(socket.connection), 2000, 'the socket to give up');
    expect(states).toStrictEqual([
      new Connecting(),
      new Disconnected({ code: 1006, reason: 'connection timeout' }),
    ]);
    await server.when(() => server.open === 0, 2000, 'the hung server to see the client go');
    expect(server.total).toBe(1);
    socket.close();
    expect(timers.live).toBe(0);
  });

  it('close() while the first attempt is in flight leaves no connection when the upgrade completes later', async () => {
    let complete: (accept: boolean) => void = () => {};
    let held: (request: IncomingMessage) => void = () => {};
    const upgrade = new Promise<IncomingMessage>((resolve) => {
      held = resolve;
    });
    const server = await serve({
      verifyClient: (info, callback) => {
        complete = callback;
        held(info.req);
      },
    });
    const timers = countingScheduler();
    const socket = open(server.url, { scheduler: timers });
    const states = record(socket);
    const request = await within(upgrade, 2000, 'the upgrade request');
    const tcpClosed = new Promise((resolve) => request.socket.once('close', resolve));

    socket.close();
    expect(timers.live).toBe(0);
    // Now the server completes the upgrade, as the seed's connect would go on to do. The server
    // may not have read the client's FIN yet (a held upgrade socket is paused), so it may accept
    // and only then see the peer gone: either way no connection may stay open.
    complete(true);
    await within(tcpClosed, 2000, 'the server-side TCP socket to close');
    await server.when(() => server.connections.length === 0, 2000, 'no open server connection');
    expect(states).toStrictEqual([new Connecting(), new Disconnected()]);
    expect(timers.live).toBe(0);
  });

  it('close() after the server accepted but before the client opened closes that connection', async () => {
    const timers = countingScheduler();
    let close = () => {};
    const server = await serve({ onConnection: () => close() });
    const socket = open(server.url, { scheduler: timers });
    close = () => socket.close();
    const states = await within(collect(socket.connection), 2000, 'the socket to end');
    expect(states).toStrictEqual([new Connecting(), new Disconnected()]);
    await server.when(
      () => server.connections.length === 0,
      2000,
      'the server connection to close',
    );
    expect(server.totalConnections).toBe(1);
    expect(timers.live).toBe(0);
  });

  it('two sockets built without a backoff do not share backoff state', async () => {
    // The default jitter with random() = 0.5 leaves the default sequence exact: 100, 200, 400, …
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const next = vi.spyOn(BinaryExponentialBackoff.prototype, 'next');
    try {
      const url = await refused();
      const a = countingScheduler();
      open(url, { scheduler: a });
      await a.when(() => waits(a.delays).length >= 2, 2000, 'two waits of the first socket');

      const b = countingScheduler();
      open(url, { scheduler: b });
      await b.when(() => waits(b.delays).length >= 2, 2000, 'two waits of the second socket');
      await a.when(() => waits(a.delays).length >= 3, 2000, 'a third wait of the first socket');

      // A shared instance would hand the second socket 400 next, and push the first past 400.
      expect(waits(a.delays).slice(0, 3)).toEqual([100, 200, 400]);
      expect(waits(b.delays).slice(0, 2)).toEqual([100, 200]);
      expect(new Set(next.mock.contexts).size).toBe(2);
    } finally {
      random.mockRestore();
      next.mockRestore();
    }
  });

  it('a normal open/close cycle leaves no server connection and no timer', async () => {
    const server = await serve();
    const timers = countingScheduler();
    const socket = open(server.url, { scheduler: timers });
    await within(
      socket.connection.firstWhere((s) => s.type === 'connected'),
      2000,
      'Connected',
    );
    expect(timers.live).toBe(0); // no heartbeat configured: nothing runs while open

    socket.close(1000, 'done');
    await within(
      socket.connection.firstWhere((s) => s.type === 'disconnected'),
      2000,
      'Disconnected',
    );
    await server.when(
      () => server.connections.length === 0,
      2000,
      'the server connection to close',
    );
    expect(server.totalConnections).toBe(1);
    expect(timers.live).toBe(0);
  });
});
