import { describe, expect, it } from 'vitest';
import { type CloseInfo, ConstantBackoff, SocketEndedError } from '../../src/core';
import { collect } from '../support/sockets';
import { sleep, within } from '../support/wait';
import { fixture, logged, lostAndBack, now, recorder, SLACK } from './fixture';

const f = fixture();

/** Fault row 1: the server closes an open connection with a code. */
const CODES = [1000, 1001, 1008, 1011, 1012, 1013, 4000, 4401];
const BACKOFF = 50;

const opened = async () => {
  const server = await f.server();
  const backoff = logged(new ConstantBackoff(BACKOFF));
  return { server, backoff };
};

describe('server closes with a code', () => {
  it.each(CODES)('%i: Disconnected{code} → Reconnecting → Reconnected by default', async (code) => {
    const { server, backoff } = await opened();
    const socket = f.socket(server.url, { backoff });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    await server.when(() => server.connections.length === 1, 2000, 'the server side');

    const closedAt = now();
    server.connections[0]?.close(code, `bye ${code}`);
    const dropped = await rec.reach('disconnected', SLACK);
    const back = await rec.reach('reconnected', BACKOFF + 2 * SLACK);

    expect(rec.labels()).toEqual(lostAndBack(`disconnected(${code} bye ${code})`));
    expect(dropped.at - closedAt).toBeLessThan(SLACK);
    // The connection lived less than minUptime (5 s): no recovery, so the backoff wait applies.
    expect(backoff.delays).toEqual([BACKOFF]);
    expect(back.at - dropped.at).toBeGreaterThanOrEqual(BACKOFF - 1);
    expect(back.at - dropped.at).toBeLessThan(BACKOFF + SLACK);
    expect(server.totalConnections).toBe(2);
  });

  it.each(CODES)(
    '%i with shouldReconnect(code !== 1008 && code < 4000): terminal for 1008 and 4xxx',
    async (code) => {
      const { server, backoff } = await opened();
      const asked: CloseInfo[] = [];
      const socket = f.socket(server.url, {
        backoff,
        shouldReconnect: (close) => {
          asked.push(close);
          return close.code !== 1008 && close.code < 4000;
        },
      });
      const rec = recorder(socket);
      const messages = collect(socket.messages);
      const states = collect(socket.connection);
      await rec.reach('connected', 2000);
      await server.when(() => server.connections.length === 1, 2000, 'the server side');

      const closedAt = now();
      server.connections[0]?.close(code, 'policy');
      const dropped = await rec.reach('disconnected', SLACK);
      expect(dropped.at - closedAt).toBeLessThan(SLACK);
      expect(asked).toEqual([{ code, reason: 'policy' }]);

      if (code === 1008 || code >= 4000) {
        // Terminal: the streams complete, nothing more is attempted, the socket is ended.
        await within(Promise.all([messages, states]), SLACK, 'the streams to complete');
        expect(rec.labels()).toEqual(['connecting', 'connected', `disconnected(${code} policy)`]);
        expect(socket.connection.state.type).toBe('disconnected');
        expect(socket.send('late')).toBe(false);
        expect(() => socket.reconnect()).toThrow(SocketEndedError);
        // An ended socket has nothing left to emit, so there is no event to await for "no
        // attempt": a bounded wait of three backoff delays, then the count.
        await sleep(BACKOFF * 3);
        expect(server.totalConnections).toBe(1);
        expect(backoff.delays).toEqual([]);
      } else {
        await rec.reach('reconnected', BACKOFF + 2 * SLACK);
        expect(rec.labels()).toEqual(lostAndBack(`disconnected(${code} policy)`));
        expect(server.totalConnections).toBe(2);
      }
    },
  );
});
