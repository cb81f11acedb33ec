import { describe, expect, it } from 'vitest';
import { LinearBackoff } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { fixture, logged, now, recorder, trace } from './fixture';

const f = fixture();
const FLAPS = 100;
/** LinearBackoff(1, +1): the delays sum to 1 + 2 + … + 100 = 5050 ms. */
const DELAYS = Array.from({ length: FLAPS }, (_, i) => i + 1);
const TOTAL_DELAY = DELAYS.reduce((a, b) => a + b, 0);

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
    // A twin of each backoff wait: a timer of the same delay, started as the socket is about to
    // start its own (on Disconnected), so it meets the same timer lateness as the socket's, on
    // this machine, at this moment.
    const twins: number[] = [];
    socket.connection.subscribe((state) => {
      const delay = state.type === 'disconnected' ? DELAYS[twins.length] : undefined;
      if (delay === undefined) return;
      const index = twins.push(Number.NaN) - 1;
      const armedAt = now();
      setTimeout(() => {
        twins[index] = now() - armedAt;
      }, delay);
    });
    const reconnects = () => rec.steps.filter((s) => s.type === 'reconnected').length;
    // Bounded so the test ends: the delays plus handshakes, which a loaded machine stretches.
    await rec.when(() => reconnects() === FLAPS, 25_000, `${FLAPS} reconnects`);
    const elapsed = now() - startedAt;
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
    expect(elapsed).toBeGreaterThanOrEqual(TOTAL_DELAY - FLAPS);
    // The wait of each flap: from the close of one connection to the next attempt. It is the
    // backoff's delay (never less), the timer's lateness, and starting an attempt; handshakes,
    // the part a loaded machine stretches most, are not in it. Its twin took the same delay and
    // the same lateness, so what the socket took beyond its twins is its own: its attempt-starting
    // work, 1–5 ms a flap (at most 456 ms in all on nine runs at load averages of 5–16). A doubled
    // delay (5 s more) or an extra wait of 15 ms a flap fails, whatever the load.
    const waits = t.transports.slice(1).map((next, i) => {
      const closedAt = t.transports[i]?.closedAt;
      if (closedAt === undefined) throw new Error(`connection ${i} never closed`);
      return next.createdAt - closedAt;
    });
    waits.forEach((wait, i) => {
      // 1 ms for timer rounding: Node may fire a timer up to 1 ms "early" by performance.now().
      expect(wait).toBeGreaterThanOrEqual((DELAYS[i] as number) - 1);
    });
    expect(twins).toHaveLength(FLAPS);
    const waited = waits.reduce((a, b) => a + b, 0);
    const twinned = twins.reduce((a, b) => a + b, 0);
    console.log(
      `flapping: ${FLAPS} accept-then-close cycles in ${elapsed.toFixed(0)} ms; waits ${waited.toFixed(0)} ms, their twin timers ${twinned.toFixed(0)} ms (delays sum ${TOTAL_DELAY} ms)`,
    );
    expect(waited - twinned).toBeLessThan(FLAPS * 15);
    // The last connection stays up.
    expect(server.connections).toHaveLength(1);
    expect(server.totalConnections).toBe(FLAPS + 1);
  }, 30_000);
});
