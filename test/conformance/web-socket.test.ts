// Seed: test/src/web_socket_test.dart (v0.2.1), against a real `ws` server on 127.0.0.1.
// The seed's fixed `ws://localhost:8080` becomes `refused()` (a loopback port held closed for
// the whole test) or a server on an ephemeral port; tests 23/24 restart that server on the same port.
// States are delivered synchronously here, so `record()` right after construction sees
// everything from `Connecting` on, like the seed's early listener.
import { describe, expect, it, vi } from 'vitest';
import {
  type Backoff,
  Connected,
  Connecting,
  type ConnectionState,
  ConstantBackoff,
  Disconnected,
  Disconnecting,
  Reconnected,
  Reconnecting,
  type WebSocket,
} from '../../src/core';
import { collect, harness, record } from '../support/sockets';
import { sleep, within } from '../support/wait';

const closeCode = 4200;
const closeReason = '__reason__';
const { socket: open, server: serve, refused } = harness();

const connected = (socket: WebSocket) =>
  within(
    socket.connection.firstWhere((s) => s.type === 'connected'),
    2000,
    'Connected',
  );
const reconnecting = (socket: WebSocket) =>
  within(
    socket.connection.firstWhere((s) => s.type === 'reconnecting'),
    2000,
    'Reconnecting',
  );

/** The seed's `isDisconnected(whereError: isA<SocketException>(), whereStackTrace: isNotNull)`. */
const expectRefused = (state: unknown): void => {
  expect(state).toBeInstanceOf(Disconnected);
  const { code, reason, error } = state as Disconnected;
  expect(code).toBeUndefined();
  expect(reason).toBeUndefined();
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ code: 'ECONNREFUSED' });
  expect(typeof (error as Error).stack).toBe('string');
};

/**
 * Records `socket` (call it right after construction) through its refused first attempt and
 * checks the seed's [connecting, disconnected(refused), reconnecting]; returns the recording.
 */
const refusedThenReconnecting = async (socket: WebSocket): Promise<ConnectionState[]> => {
  const states = record(socket);
  await reconnecting(socket);
  expect(states).toStrictEqual([new Connecting(), expect.any(Disconnected), new Reconnecting()]);
  expectRefused(states[1]);
  expect(socket.connection.state).toStrictEqual(new Reconnecting());
  return states;
};

/** A backoff whose `next()` returns `delay` and reports each call (the seed's mock backoff). */
const mockBackoff = (delay: number) => {
  let called = () => {};
  const calledOnce = new Promise<void>((resolve) => {
    called = resolve;
  });
  const backoff: Backoff = {
    next: vi.fn(() => {
      called();
      return delay;
    }),
    reset: vi.fn(),
  };
  return { backoff, calledOnce };
};

describe('WebSocket', () => {
  describe('protocol', () => {
    it('is empty when client is disconnected', async () => {
      // The seed never closes this socket; the harness closes it after the test.
      const socket = open(await refused());
      expect(socket.protocol).toBe('');
    });

    it('is empty when client is connected with no protocol', async () => {
      const server = await serve();
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = record(socket);
      await connected(socket);
      expect(states).toStrictEqual([new Connecting(), new Connected()]);
      expect(socket.connection.state).toStrictEqual(new Connected());
      expect(socket.protocol).toBe('');
    });

    it('uses correct protocol when client is connected', async () => {
      const server = await serve();
      const socket = open(server.url, {
        backoff: new ConstantBackoff(0),
        protocols: ['test-protocol'],
      });
      const states = record(socket);
      await connected(socket);
      expect(states).toStrictEqual([new Connecting(), new Connected()]);
      expect(socket.protocol).toBe('test-protocol');
    });
  });

  describe('connection', () => {
    it('emits [connecting, disconnected, reconnecting] when not able to establish a connection', async () => {
      // Default backoff (jittered here, §4): only its first, immediate retry matters.
      const socket = open(await refused());
      await refusedThenReconnecting(socket);
    });

    it('emits [connecting, disconnected, reconnecting] when not able to establish a connection with retry', async () => {
      const { backoff, calledOnce } = mockBackoff(0);
      const socket = open(await refused(), { backoff });
      const states = await refusedThenReconnecting(socket);
      await within(calledOnce, 2000, 'backoff.next()');
      // Failed retries emit nothing: still one Reconnecting.
      expect(socket.connection.state).toStrictEqual(new Reconnecting());
      expect(states).toHaveLength(3);
    });

    it('emits [connecting, disconnected] when not able to establish a connection due to timeout', async () => {
      const { backoff } = mockBackoff(0);
      const socket = open(await refused(), { backoff, timeout: 0 });
      // `collect` ends when the connection stream completes: the seed's `emitsDone`.
      const states = await collect(socket.connection);
      const timedOut = new Disconnected({ code: 1006, reason: 'connection timeout' });
      expect(states).toStrictEqual([new Connecting(), timedOut]);
      expect(socket.connection.state).toStrictEqual(timedOut);
      expect(() => socket.close()).not.toThrow();
      expect(socket.connection.state).toStrictEqual(timedOut);
    });

    it('emits [connecting, disconnected, reconnecting, disconnected] when not able to establish a connection due to timeout with retry', async () => {
      const { backoff } = mockBackoff(50);
      const socket = open(await refused(), { backoff, timeout: 50 });
      const states = await collect(socket.connection);
      const timedOut = new Disconnected({ code: 1006, reason: 'connection timeout' });
      expect(states).toStrictEqual([
        new Connecting(),
        expect.any(Disconnected),
        new Reconnecting(),
        timedOut,
      ]);
      expectRefused(states[1]);
      expect(socket.connection.state).toStrictEqual(timedOut);
    });

    it('emits [connecting, connected] when able to establish a connection', async () => {
      const server = await serve();
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = record(socket);
      await connected(socket);
      expect(states).toStrictEqual([new Connecting(), new Connected()]);
      expect(socket.connection.state).toStrictEqual(new Connected());
    });

    it('emits [connecting, disconnected, reconnecting, reconnected] when able to establish a connection after retries', async () => {
      const server = await serve();
      await server.stop(); // its port is now closed, and ours to listen on again
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = await refusedThenReconnecting(socket);

      await server.restart();
      // The seed sleeps 100 ms and then checks; here the event itself is awaited (bounded).
      await within(
        socket.connection.firstWhere((s) => s.type === 'reconnected'),
        2000,
        'Reconnected',
      );
      expect(socket.connection.state).toStrictEqual(new Reconnected());
      expect(states.slice(3)).toStrictEqual([new Reconnected()]);
    });

    it('emits [connecting, connected, reconnecting, reconnected] when able to re-establish a connection', async () => {
      const server = await serve();
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = record(socket);
      await connected(socket);
      expect(socket.connection.state).toStrictEqual(new Connected());

      const [channel] = server.connections;
      channel?.close(closeCode, closeReason);
      await server.stop();
      await reconnecting(socket);
      expect(states).toStrictEqual([
        new Connecting(),
        new Connected(),
        new Disconnected({ code: closeCode, reason: closeReason }),
        new Reconnecting(),
      ]);
      expect(socket.connection.state).toStrictEqual(new Reconnecting());

      const later = record(socket); // a new subscription: replay first
      await server.restart();
      await within(
        socket.connection.firstWhere((s) => s.type === 'reconnected'),
        2000,
        'Reconnected',
      );
      expect(later).toStrictEqual([new Reconnecting(), new Reconnected()]);
      expect(socket.connection.state).toStrictEqual(new Reconnected());
    });

    it('emits [connecting, connected, disconnecting, disconnected] when close is called after establishing a connection', async () => {
      const server = await serve();
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = record(socket);
      await connected(socket);

      socket.close(closeCode, closeReason);
      // The seed awaits the server's close; here the final state itself is awaited.
      await within(
        socket.connection.firstWhere((s) => s.type === 'disconnected'),
        2000,
        'Disconnected',
      );
      const closed = new Disconnected({ code: closeCode, reason: closeReason });
      expect(states).toStrictEqual([
        new Connecting(),
        new Connected(),
        new Disconnecting(),
        closed,
      ]);
      expect(socket.connection.state).toStrictEqual(closed);
    });
  });

  describe('messages', () => {
    it('emits nothing when connection is closed', async () => {
      const socket = open(await refused(), { backoff: new ConstantBackoff(0) });
      const messages: unknown[] = [];
      socket.messages.subscribe((message) => messages.push(message));
      // The seed asserts that nothing arrives: there is no event to await, so it sleeps
      // (100 ms there; 50 ms is plenty against a refused port and keeps the suite fast).
      await sleep(50);
      socket.close();
      await sleep(50);
      expect(messages).toEqual([]);
    });

    it('emits messages when connection is open', async () => {
      const server = await serve({
        onConnection: (channel) => {
          channel.send('ping');
          channel.send('pong');
        },
      });
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const messages: unknown[] = [];
      let gotTwo = () => {};
      const two = new Promise<void>((resolve) => {
        gotTwo = resolve;
      });
      socket.messages.subscribe((message) => {
        messages.push(message);
        if (messages.length === 2) gotTwo();
      });
      const states = record(socket);
      await connected(socket);
      expect(states).toStrictEqual([new Connecting(), new Connected()]);
      // The seed sleeps 100 ms; here the second message itself is awaited (bounded).
      await within(two, 2000, 'two messages');
      expect(messages).toEqual(['ping', 'pong']);
    });

    it('ignores messages when socket is closed', async () => {
      let socket: WebSocket | undefined;
      const server = await serve({
        onConnection: (channel) => {
          channel.send('ping');
          channel.send('pong');
          // Runs before the client has read the server's 101, so the client is still Connecting.
          socket?.close();
        },
      });
      socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const messages = collect(socket.messages);
      const states = await within(collect(socket.connection), 2000, 'the socket to end');
      // As the seed (0.2.1): no Connected, no Disconnecting. Unlike the seed, close() also
      // aborts the connect in flight (DESIGN §4), so no socket is leaked either.
      expect(states).toStrictEqual([new Connecting(), new Disconnected()]);
      expect(await within(messages, 2000, 'the messages to end')).toEqual([]);
    });
  });

  describe('send', () => {
    it('does nothing when connection is closed', async () => {
      const socket = open(await refused(), { backoff: new ConstantBackoff(0) });
      // The seed's send returns void and silently drops; ours never throws for state reasons
      // and returns a boolean: true here, because the default send queue holds the message.
      let sent: boolean | undefined;
      expect(() => {
        sent = socket.send('ping');
      }).not.toThrow();
      expect(sent).toBe(true);
      socket.close();
      expect(socket.send('ping')).toBe(false); // after close(): dropped, reported, no throw
    });

    it('sends message when connection is open', async () => {
      const server = await serve();
      const socket = open(server.url, { backoff: new ConstantBackoff(0) });
      const states = record(socket);
      await connected(socket);
      expect(states).toStrictEqual([new Connecting(), new Connected()]);
      // Ours returns true when written (the seed's send returns void).
      expect(socket.send('ping')).toBe(true);
      expect(socket.send('pong')).toBe(true);
      // The seed sleeps 100 ms; here the server's receipt itself is awaited (bounded).
      await server.when(() => server.received.length >= 2, 2000, 'two messages at the server');
      expect(server.received).toEqual(['ping', 'pong']);
    });
  });

  describe('close', () => {
    it('does nothing when connection is closed', async () => {
      const socket = open(await refused());
      await refusedThenReconnecting(socket);

      expect(() => socket.close()).not.toThrow();
      // A new subscription sees the replayed final state, then the stream completes.
      expect(await collect(socket.connection)).toStrictEqual([new Disconnected()]);
      expect(socket.connection.state).toStrictEqual(new Disconnected());
    });

    it('does nothing when called in rapid succession', async () => {
      const socket = open(await refused());
      const states = record(socket);
      await reconnecting(socket);
      expect(socket.connection.state).toStrictEqual(new Reconnecting());

      expect(() => {
        socket.close();
        socket.close();
        socket.close();
      }).not.toThrow();
      expect(await collect(socket.connection)).toStrictEqual([new Disconnected()]);
      expect(socket.connection.state).toStrictEqual(new Disconnected());
      // One Disconnected only, emitted synchronously by the first close() (DESIGN §4).
      expect(states).toStrictEqual([
        new Connecting(),
        expect.any(Disconnected),
        new Reconnecting(),
        new Disconnected(),
      ]);
    });
  });
});
