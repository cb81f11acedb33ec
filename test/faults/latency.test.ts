import { describe, expect, it } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { sleep, until } from '../support/wait';
import { fixture, now, recorder, SLACK } from './fixture';

const f = fixture();

describe('high latency (fault row 6)', () => {
  it('latency (300 ms each way) above the heartbeat interval (200) but below its timeout (1000): no false positive', async () => {
    let pings = 0;
    const server = await f.server({
      onConnection: (s: ServerSocket) => {
        s.on('ping', () => pings++);
        s.on('message', (data) => s.send(String(data)));
      },
    });
    const proxy = await f.proxy(server);
    proxy.latency(300);
    const socket = f.socket<string, string>(proxy.url, {
      heartbeat: { interval: 200, timeout: 1000 },
      timeout: 5000,
      backoff: new ConstantBackoff(100),
    });
    const rec = recorder(socket);
    const echoes: string[] = [];
    socket.messages.subscribe((m) => echoes.push(m));
    const connected = await rec.reach('connected', 600 + 2 * SLACK);
    const startedAt = now();
    expect(connected.at).toBeGreaterThanOrEqual(0);

    // Steady traffic for 1.5 s (every 50 ms), then a quiet 1.5 s in which only the heartbeat
    // probes the slow link: every probe's answer comes 600 ms later, inside the 1000 ms timeout.
    const sent: string[] = [];
    for (let i = 0; now() - startedAt < 1500 && i < 100; i++) {
      const m = `n${i}`;
      expect(socket.send(m)).toBe(true);
      sent.push(m);
      await sleep(50);
    }
    await until(() => echoes.length === sent.length, 600 + 2 * SLACK, 'every echo');
    expect(echoes).toEqual(sent);
    const pingsBeforeQuiet = pings;
    await sleep(1500);
    expect(pings - pingsBeforeQuiet).toBeGreaterThanOrEqual(1);
    expect(rec.labels()).toEqual(['connecting', 'connected']);
    expect(server.totalConnections).toBe(1);
  }, 15_000);
});
