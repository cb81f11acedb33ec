/**
 * Commands from inside callbacks against a real server: the sequences that left v1 stuck in
 * Disconnecting or with a connection open at the server after it had ended.
 */
import { describe, expect, it } from 'vitest';
import { ConstantBackoff, Disconnected } from '../../src/core';
import { fixture, recorder, SLACK, trace } from './fixture';

const f = fixture();

describe('close() inside shouldReconnect, against a real server', () => {
  it.each([false, true])(
    'returning %s: Disconnected, no attempt after it, no connection left open',
    async (answer) => {
      const server = await f.server();
      const t = trace();
      const socket = f.socket(server.url, {
        WebSocket: t.WebSocket,
        backoff: new ConstantBackoff(0),
        minUptime: 0,
        shouldReconnect: () => {
          socket.close(4000, 'stop');
          return answer;
        },
      });
      const rec = recorder(socket);
      await rec.reach('connected', 2 * SLACK);
      const first = await server
        .when(() => server.connections.length === 1, SLACK, 'the connection')
        .then(() => server.connections[0]);
      first?.close(1001, 'restart');
      const end = await rec.reach('disconnected', 2 * SLACK);
      expect(socket.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'stop' }));
      expect(end.code).toBe(4000);
      await expect(socket.connection.firstWhere(() => false)).rejects.toMatchObject({
        code: 'SOCKET_ENDED',
      });
      // The server may see the close first; whatever it saw, nothing is left open and nothing new.
      await server.when(() => server.connections.length === 0, 2 * SLACK, 'no open connection');
      expect(t.transports).toHaveLength(1);
      expect(server.totalConnections).toBe(1);
    },
  );
});
