import { describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { sleep } from '../support/wait';
import { fixture, inbox, now, recorder, SLACK, type TracedTransport, trace } from './fixture';

const f = fixture();

describe('high latency (fault row 6)', () => {
  it('latency (300 ms each way) above the heartbeat interval (200) but below its timeout (1000): no false positive', async () => {
    const server = await f.server({
      onConnection: (s: ServerSocket) => s.on('message', (data) => s.send(String(data))),
    });
    const proxy = await f.proxy(server);
    proxy.latency(300);
    const t = trace();
    const socket = f.socket<string, string>(proxy.url, {
      WebSocket: t.WebSocket,
      heartbeat: { interval: 200, timeout: 1000 },
      timeout: 5000,
      backoff: new ConstantBackoff(100),
    });
    const rec = recorder(socket);
    const echoes = inbox(socket);
    const connected = await rec.reach('connected', 600 + 2 * SLACK);
    const startedAt = now();
    expect(connected.at).toBeGreaterThanOrEqual(0);

    // Steady traffic for 1.5 s (every 50 ms: the pacing of a sender, not a window anything is
    // counted in), then a quiet link that only the heartbeat probes: every probe's answer comes
    // 600 ms later, inside the 1000 ms timeout.
    const sent: string[] = [];
    for (let i = 0; now() - startedAt < 1500 && i < 100; i++) {
      const m = `n${i}`;
      expect(socket.send(m)).toBe(true);
      sent.push(m);
      await sleep(50);
    }
    await echoes.when(() => echoes.values.length === sent.length, 600 + 2 * SLACK, 'every echo');
    expect(echoes.values).toEqual(sent);
    // Two probes of the quiet link answered (the second is sent only once the first was): each
    // pong took the 600 ms round trip, and none was taken for a dead link.
    const live = t.transports[0] as TracedTransport;
    const quietAt = now();
    await t.when(
      () => live.pongs.filter((at) => at > quietAt).length >= 2,
      2 * (200 + 1000) + 2 * SLACK,
      'two pongs on the quiet link',
    );
    expect(rec.labels()).toEqual(['connecting', 'connected']);
    expect(t.transports).toHaveLength(1);
    expect(server.totalConnections).toBe(1);
  }, 15_000);
});
