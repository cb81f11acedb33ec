import { describe, expect, it } from 'vitest';
import { ConstantBackoff, type WebSocket } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { within } from '../support/wait';
import { fixture, lostAndBack, recorder, SLACK, trace } from './fixture';

const f = fixture();

/** Resolves with the next message matching `match`, or rejects after `ms`. */
const nextMessage = (
  socket: WebSocket<string, string>,
  match: (m: string) => boolean,
  ms: number,
): Promise<string> => {
  let stop = () => {};
  return within(
    new Promise<string>((resolve) => {
      stop = socket.messages.subscribe((m) => match(m) && resolve(m));
    }),
    ms,
    'a matching message',
  ).finally(() => stop());
};

describe('onOpen gate across a real outage', () => {
  it('authenticates before queued messages flush, on every connection; a rejected gate is a failed attempt', async () => {
    // The server requires the first message of each connection to be `auth:…`; it answers after
    // 50 ms, so queued messages would overtake the auth if the gate did not hold them.
    const perConnection: string[][] = [];
    const server = await f.server({
      onConnection: (s: ServerSocket) => {
        const received: string[] = [];
        const index = perConnection.push(received) - 1;
        s.on('message', (data) => {
          const text = String(data);
          received.push(text);
          if (received.length !== 1) return;
          if (!text.startsWith('auth:')) s.close(4401, 'unauthenticated');
          // The second connection's auth is refused once (say, an expired token).
          else setTimeout(() => s.send(index === 1 ? 'auth-denied' : 'auth-ok'), 50);
        });
      },
    });
    const proxy = await f.proxy(server);
    let gates = 0;
    const socket: WebSocket<string, string> = f.socket<string, string>(proxy.url, {
      backoff: new ConstantBackoff(50),
      onOpen: async ({ send }) => {
        gates++;
        const reply = nextMessage(socket, (m) => m.startsWith('auth-'), 2000);
        send(`auth:${gates}`);
        if ((await reply) !== 'auth-ok') throw new Error('auth denied');
      },
    });
    const rec = recorder(socket);
    expect(socket.send('m1')).toBe(true);
    expect(socket.send('m2')).toBe(true);
    await rec.reach('connected', 2000);
    await server.when(() => perConnection[0]?.length === 3, SLACK, 'the first flush');
    expect(perConnection[0]).toEqual(['auth:1', 'm1', 'm2']);

    proxy.cut('fin');
    await rec.reach('reconnecting', SLACK);
    expect(socket.send('m3')).toBe(true);
    expect(socket.send('m4')).toBe(true);
    await rec.reach('reconnected', 2000);
    await server.when(() => perConnection[2]?.length === 3, SLACK, 'the second flush');
    // Connection 2: auth refused, nothing flushed there; connection 3: auth, then the queue.
    expect(perConnection[1]).toEqual(['auth:2']);
    expect(perConnection[2]).toEqual(['auth:3', 'm3', 'm4']);
    expect(socket.send('m5')).toBe(true);
    await server.when(() => perConnection[2]?.length === 4, SLACK, 'a direct send');
    expect(perConnection[2]?.[3]).toBe('m5');
    expect(perConnection).toHaveLength(3);
    expect(rec.labels()).toEqual(lostAndBack());
  });
});

describe('send queue across a real outage', () => {
  it('messages sent while reconnecting arrive in order after Reconnected; overflow returns false', async () => {
    const perConnection: string[][] = [];
    const server = await f.server({
      onConnection: (s: ServerSocket) => {
        const received: string[] = [];
        perConnection.push(received);
        s.on('message', (data) => received.push(String(data)));
      },
    });
    const proxy = await f.proxy(server);
    const dropped: string[] = [];
    const t = trace();
    const socket = f.socket<string, string>(proxy.url, {
      WebSocket: t.WebSocket,
      backoff: new ConstantBackoff(50),
      queue: { maxMessages: 5 },
      onDrop: (m) => dropped.push(m),
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    expect(socket.send('before')).toBe(true);
    await server.when(() => perConnection[0]?.length === 1, SLACK, 'the direct send');

    await proxy.refuse('close');
    proxy.cut('rst');
    await rec.reach('reconnecting', SLACK);
    const accepted = Array.from({ length: 7 }, (_, i) => socket.send(`q${i + 1}`));
    expect(accepted).toEqual([true, true, true, true, true, false, false]);
    expect(socket.queued).toEqual(['q1', 'q2', 'q3', 'q4', 'q5']);
    // A real outage: attempts are refused meanwhile (three of them), and the queue waits.
    await t.when(() => t.transports.length >= 1 + 3, 3 * 50 + 2 * SLACK, 'three refused retries');
    await t.when(
      () => t.transports.slice(1, 4).every((x) => x.closedAt !== undefined),
      SLACK,
      'the three retries to be refused',
    );
    expect(t.transports.slice(1, 4).every((x) => x.openedAt === undefined)).toBe(true);
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(socket.queued).toHaveLength(5);

    await proxy.refuse('none');
    await rec.reach('reconnected', 50 + 2 * SLACK);
    expect(socket.send('after')).toBe(true);
    await server.when(() => perConnection[1]?.length === 6, SLACK, 'the flush');
    expect(perConnection).toEqual([['before'], ['q1', 'q2', 'q3', 'q4', 'q5', 'after']]);
    expect(socket.queued).toEqual([]);
    expect(dropped).toEqual([]);
    expect(rec.labels()).toEqual(lostAndBack());
  });

  it('queued messages still waiting at close() are reported to onDrop as closed', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    await proxy.refuse('rst');
    const dropped: [string, string][] = [];
    const socket = f.socket<string, string>(proxy.url, {
      backoff: new ConstantBackoff(50),
      onDrop: (m, reason) => dropped.push([m, reason]),
    });
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(true);
    // Attempts reset by the proxy (two), the messages still waiting in the queue.
    await proxy.when(() => proxy.total >= 2, 50 + 2 * SLACK, 'two reset attempts');
    expect(socket.queued).toEqual(['a', 'b']);
    socket.close();
    expect(dropped).toEqual([
      ['a', 'closed'],
      ['b', 'closed'],
    ]);
    expect(socket.send('c')).toBe(false);
  });
});
