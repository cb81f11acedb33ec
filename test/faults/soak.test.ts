/**
 * Chaos soak: random proxy faults (cuts, short blackholes, refusals of every kind, latency)
 * while a client with the queue and a heartbeat sends numbered messages at a steady rate.
 * Bounded: SOAK_MS of chaos (default 3000), then a bounded settle and close. SOAK_SEED picks
 * the fault sequence (timing still varies from run to run).
 *
 * Delivery is at-most-once across reconnects, by design: a message handed to a transport that
 * then dies may be lost. So the check is an account of every number: received (in order, once),
 * or refused by `send`, or reported to `onDrop`, or handed to a transport that later died.
 * Nothing accepted may vanish inside the client, and nothing handed to the last, cleanly closed
 * transport may be missing.
 */
import { describe, expect, it } from 'vitest';
import { BinaryExponentialBackoff, isOpen, withJitter } from '../../src/core';
import type { RefuseMode } from '../support/fault-proxy';
import { mulberry32 } from '../support/herd';
import { countingScheduler } from '../support/timers';
import { sleep, until, within } from '../support/wait';
import { fixture, now, recorder, trace } from './fixture';

const f = fixture();
const SOAK_MS = Number(process.env.SOAK_MS ?? 3000);
const SEED = Number(process.env.SOAK_SEED ?? 20_240_601);
const SEND_EVERY = 10;

interface Sent {
  n: number;
  /** The state was open when `send` was called (handed straight to the transport). */
  open: boolean;
  accepted: boolean;
}

describe('chaos soak', () => {
  it(
    `random faults for ${SOAK_MS} ms: every message accounted for; nothing left running after close()`,
    async () => {
      const random = mulberry32(SEED);
      const server = await f.server();
      const proxy = await f.proxy(server);
      const timers = countingScheduler();
      const t = trace();
      const dropped = new Map<number, string>();
      const socket = f.socket<string, string>(proxy.url, {
        WebSocket: t.WebSocket,
        scheduler: timers,
        heartbeat: { interval: 200, timeout: 300 },
        timeout: 500,
        giveUpAfter: Number.POSITIVE_INFINITY,
        minUptime: 500,
        backoff: withJitter(new BinaryExponentialBackoff({ initial: 20, maximumStep: 4 }), {
          random,
        }),
        queue: { maxMessages: 30 },
        onDrop: (m, reason) => dropped.set(Number(m), reason),
      });
      const rec = recorder(socket);
      await rec.reach('connected', 2000);

      // The sender: one numbered message every 10 ms, recording what `send` said.
      const sends: Sent[] = [];
      let sending = true;
      const sender = (async () => {
        for (let n = 0; sending && n < 100_000; n++) {
          const open = isOpen(socket.connection.state);
          sends.push({ n, open, accepted: socket.send(String(n)) });
          await sleep(SEND_EVERY);
        }
      })();

      // The chaos monkey.
      const faults: string[] = [];
      const startedAt = now();
      while (now() - startedAt < SOAK_MS) {
        const pick = random();
        const span = 100 + Math.floor(random() * 400);
        if (pick < 0.15) {
          faults.push(`cut fin (${proxy.cut('fin')})`);
        } else if (pick < 0.3) {
          faults.push(`cut rst (${proxy.cut('rst')})`);
        } else if (pick < 0.5) {
          faults.push(`blackhole ${span} ms`);
          proxy.blackhole(true);
          await sleep(span);
          proxy.blackhole(false);
        } else if (pick < 0.7) {
          const modes: RefuseMode[] = ['close', 'rst', 'hang', 'http503'];
          const mode = modes[Math.floor(random() * modes.length)] as RefuseMode;
          faults.push(`refuse ${mode} ${span} ms`);
          await proxy.refuse(mode);
          // Some cut too, so the refusal meets a reconnect.
          if (random() < 0.5) proxy.cut('fin');
          await sleep(span);
          await proxy.refuse('none');
        } else if (pick < 0.85) {
          const ms = Math.floor(random() * 80);
          faults.push(`latency ${ms} ms for ${span} ms`);
          proxy.latency(ms);
          await sleep(span);
          proxy.latency(0);
        } else {
          faults.push(`calm ${span} ms`);
          await sleep(span);
        }
        await sleep(50 + Math.floor(random() * 150));
      }
      sending = false;
      await sender;

      // Heal everything and let the socket settle: open, queue flushed.
      proxy.blackhole(false);
      proxy.latency(0);
      await proxy.refuse('none');
      await until(
        () => isOpen(socket.connection.state) && socket.queued.length === 0,
        5000,
        'the socket to settle',
      );
      const last = t.transports[t.transports.length - 1];
      socket.close();
      await within(
        socket.connection.firstWhere((s) => s.type === 'disconnected'),
        3000,
        'the close',
      );

      // ---- the account ----
      const received = server.received.map((m) => Number(m));
      for (let i = 1; i < received.length; i++) {
        expect(received[i]).toBeGreaterThan(received[i - 1] as number); // in order, no duplicate
      }
      const got = new Set(received);
      const handedTo = new Map<number, number>(); // message → the transport it was handed to
      for (const transport of t.transports) {
        for (const m of transport.sent) {
          expect(handedTo.has(Number(m))).toBe(false); // handed once: never replayed
          handedTo.set(Number(m), transport.index);
        }
      }
      let lostInTransit = 0;
      let lostQueued = 0;
      for (const s of sends) {
        if (!s.accepted) {
          expect(got.has(s.n)).toBe(false);
          continue;
        }
        if (dropped.has(s.n)) {
          expect(got.has(s.n)).toBe(false);
          continue;
        }
        // Accepted and not dropped: it must have reached a transport, never vanished in the client.
        const transport = handedTo.get(s.n);
        expect(transport, `message ${s.n} accepted but never handed to a transport`).toBeDefined();
        if (got.has(s.n)) continue;
        // Not received: only a transport that died may have lost it, never the last clean one.
        expect(transport).not.toBe(last?.index);
        if (s.open) lostInTransit++;
        else lostQueued++;
      }
      for (const m of last?.sent ?? []) expect(got.has(Number(m))).toBe(true);
      expect(received.every((n) => sends[n]?.accepted)).toBe(true);

      const reconnects = rec.steps.filter((s) => s.type === 'reconnected').length;
      const rejected = sends.filter((s) => !s.accepted).length;
      console.log(
        `soak ${SOAK_MS} ms, seed ${SEED}: ${faults.length} faults, ${reconnects} reconnects, ` +
          `${t.transports.length} transports; ${sends.length} sent: ${received.length} received, ` +
          `${rejected} refused by send (queue full), ${dropped.size} dropped (onDrop), ` +
          `${lostInTransit} lost with a dying transport (sent while open), ` +
          `${lostQueued} lost with a dying transport (flushed from the queue)\n  faults: ${faults.join(', ')}`,
      );
      expect(faults.length).toBeGreaterThan(3);
      expect(received.length).toBeGreaterThan(0);

      // ---- nothing left running ----
      await proxy.when(() => proxy.open === 0, 3000, 'no open connection at the proxy');
      await server.when(() => server.connections.length === 0, 3000, 'no open server socket');
      expect(timers.live).toBe(0);
      expect((socket.messages as unknown as { size: number }).size).toBe(0);
      expect((socket.connection as unknown as { emitter: { size: number } }).emitter.size).toBe(0);
      for (const transport of t.transports) {
        expect(transport.ws.readyState).toBe(3);
        expect(transport.closedAt).toBeDefined();
      }
    },
    SOAK_MS + 30_000,
  );
});
