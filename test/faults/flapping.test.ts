import { describe, expect, it } from 'vitest';
import { LinearBackoff } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { until } from '../support/wait';
import { fixture, logged, now, recorder, SLACK, trace } from './fixture';

const f = fixture();
const FLAPS = 100;
/** LinearBackoff(1, +1): the delays sum to 1 + 2 + … + 100 = 5050 ms. */
const DELAYS = Array.from({ length: FLAPS }, (_, i) => i + 1);
const TOTAL_DELAY = DELAYS.reduce((a, b) => a + b, 0);
/** Per flap: a handshake and a close handshake on loopback, generously. */
const PER_FLAP = 30;

describe('flapping server (fault row 18)', () => {
  it(`accepts then closes at once, ${FLAPS} times: the delay keeps growing (minUptime), no tight loop, bounded time`, async () => {
    let flaps = 0;
    const server = await f.server({
      onConnection: (s: ServerSocket) => {
        if (flaps < FLAPS) {
          flaps++;
          s.close(1001, 'flap');
        }
      },
    });
    const t = trace();
    const backoff = logged(new LinearBackoff({ initial: 1, increment: 1 }));
    const startedAt = now();
    const socket = f.socket(server.url, {
      backoff,
      minUptime: 1000,
      giveUpAfter: Number.POSITIVE_INFINITY,
      WebSocket: t.WebSocket,
    });
    const rec = recorder(socket);
    const reconnects = () => rec.steps.filter((s) => s.type === 'reconnected').length;
    await until(
      () => reconnects() === FLAPS,
      TOTAL_DELAY + FLAPS * PER_FLAP + 2 * SLACK,
      `${FLAPS} reconnects`,
    );
    const elapsed = now() - startedAt;
    console.log(
      `flapping: ${FLAPS} accept-then-close cycles in ${elapsed.toFixed(0)} ms (delays sum ${TOTAL_DELAY} ms)`,
    );

    const flap = ['disconnected(1001 flap)', 'reconnecting', 'reconnected'];
    expect(rec.labels()).toEqual([
      'connecting',
      'connected',
      ...Array.from({ length: FLAPS }, () => flap).flat(),
    ]);
    // Never reset: a connection that lived under minUptime is no recovery.
    expect(backoff.resets).toBe(0);
    expect(backoff.delays).toEqual(DELAYS);
    // One attempt per flap, plus the first: no extra dialing.
    const attempts = t.attempts();
    expect(attempts).toHaveLength(FLAPS + 1);
    for (let i = 1; i < attempts.length; i++) {
      const gap = (attempts[i] as number) - (attempts[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual((DELAYS[i - 1] as number) - 1);
    }
    expect(elapsed).toBeGreaterThanOrEqual(TOTAL_DELAY - FLAPS);
    expect(elapsed).toBeLessThan(TOTAL_DELAY + FLAPS * PER_FLAP + SLACK);
    // The last connection stays up.
    expect(server.connections).toHaveLength(1);
    expect(server.totalConnections).toBe(FLAPS + 1);
  }, 30_000);
});
