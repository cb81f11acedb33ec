/**
 * A server that answers the upgrade with an HTTP status (401 for a bad token, 403, 503): the
 * status reaches shouldRetry (ws exposes it), so an app can stop on 401 instead of retrying
 * until the budget runs out.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConstantBackoff, type FailureInfo, HandshakeRejectedError } from '../../src/core';
import { fixture, label, recorder, SLACK } from './fixture';

const f = fixture();

describe('handshake answered with an HTTP status (fault row 12)', () => {
  it('401: shouldRetry sees the status and ends the socket; nothing reaches the server', async () => {
    let refused = 0;
    const server = await f.server({
      verifyClient: (_info, done) => {
        refused++;
        done(false, 401, 'Unauthorized');
      },
    });
    const shouldRetry = vi.fn((failure: FailureInfo) => failure.status !== 401);
    const socket = f.socket(server.url, { backoff: new ConstantBackoff(10), shouldRetry });
    const rec = recorder(socket);
    const end = await rec.reach('disconnected', 2 * SLACK);
    expect(end.error).toBeInstanceOf(HandshakeRejectedError);
    expect(end.error).toMatchObject({ code: 'HANDSHAKE_REJECTED', status: 401 });
    await expect(socket.connection.firstWhere(() => false)).rejects.toMatchObject({
      code: 'SOCKET_ENDED',
    });
    expect(rec.labels()).toEqual(['connecting', 'disconnected(error: HandshakeRejectedError)']);
    expect(shouldRetry).toHaveBeenCalledTimes(1);
    expect(refused).toBe(1);
    expect(server.totalConnections).toBe(0);
  });

  it('503 then accepted: retried (the default), Reconnected once the server lets it in', async () => {
    let refusals = 2;
    const server = await f.server({
      verifyClient: (_info, done) => (refusals-- > 0 ? done(false, 503) : done(true)),
    });
    const statuses: (number | undefined)[] = [];
    const socket = f.socket(server.url, {
      backoff: new ConstantBackoff(10),
      shouldRetry: ({ status }) => {
        statuses.push(status);
        return true;
      },
    });
    const rec = recorder(socket);
    await rec.reach('reconnected', 4 * SLACK);
    expect(statuses).toEqual([503, 503]);
    expect(rec.labels().map((l) => l.replace(/\(.*\)/, ''))).toEqual([
      'connecting',
      'disconnected',
      'reconnecting',
      'reconnected',
    ]);
    expect(label(rec.steps[1] as never)).toBe('disconnected(error: HandshakeRejectedError)');
    expect(server.totalConnections).toBe(1);
  });
});
