/**
 * Thundering herd, on the shipped retry path: N real `WebSocket` clients (the class is passed in:
 * the test hands over src/core's, the benchmark dist's) connect to one scripted server on a
 * virtual clock, stay up a minute, and lose it at once; the server is back `down` ms later. The
 * clients retry exactly as the socket does, with its default backoff unless one is given, and
 * `Math.random` is a seeded PRNG for the run, so the default jitter is repeatable. Only the public
 * API is used. The first attempt that reaches the server at or after its return succeeds (server
 * capacity is not modelled).
 *
 * Used by test/faults/herd.test.ts and bench/herd.mjs.
 */
import type { Backoff, ConnectionState, WebSocket, WebSocketOptions } from '../../src/core';
import { mulberry32 } from './random';
import { ScriptedNetwork } from './scripted-network';
import { VirtualClock } from './virtual-clock';

export { mulberry32 };

/** How long every client has been connected when the server goes: a stable connection. */
export const UPTIME = 60_000;
/** One-way network latency of the scripted network: a handshake's fate arrives this late. */
export const LATENCY = 1;

export interface HerdOptions {
  /** The client class under test: `WebSocket` from src/core or from dist. */
  WebSocket: typeof WebSocket;
  /** Default 10,000. */
  clients?: number;
  /** How long the server stays down, in ms. Default 10,000. */
  down?: number;
  /** Bucket width for the peak. Default 100 ms. */
  bucket?: number;
  /** A fresh backoff per client. Default: none passed, so the socket's own default applies. */
  backoff?: (() => Backoff) | undefined;
  /** Seed of the PRNG that stands in for `Math.random` during the run. Default 1. */
  seed?: number;
  /** Passed as the `giveUpAfter` option when given. */
  giveUpAfter?: number | undefined;
  /** Passed as the `timeout` option when given. */
  timeout?: number | undefined;
}

export interface HerdResult {
  clients: number;
  down: number;
  bucket: number;
  /** Most connections the server accepted in one bucket after the drop. */
  peak: number;
  /** Start of the busiest bucket, in ms after the drop. */
  peakAt: number;
  /** Time from the server's return to each client's `Reconnected`, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** Connect attempts after the drop, successful or not. */
  attempts: number;
  /** Clients that ended `Disconnected` (gave up). */
  gaveUp: number;
  /** Clients `Reconnected` at the end. */
  back: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number)
    : 0;

const isOpen = (state: ConnectionState) =>
  state.type === 'connected' || state.type === 'reconnected';

export const simulateHerd = async (options: HerdOptions): Promise<HerdResult> => {
  const { WebSocket: Client, backoff, giveUpAfter, timeout } = options;
  const clients = options.clients ?? 10_000;
  const down = options.down ?? 10_000;
  const bucket = options.bucket ?? 100;
  const random = Math.random;
  // The default backoff's jitter reads Math.random: seeded for the run, restored after.
  Math.random = mulberry32(options.seed ?? 1);
  try {
    const clock = new VirtualClock();
    const network = new ScriptedNetwork(clock, LATENCY);
    const socketOptions: WebSocketOptions = {
      WebSocket: network.WebSocket,
      scheduler: clock,
      environment: null,
    };
    if (giveUpAfter !== undefined) socketOptions.giveUpAfter = giveUpAfter;
    if (timeout !== undefined) socketOptions.timeout = timeout;

    // Counted from the drop until the outage has played out.
    let dropAt = Number.POSITIVE_INFINITY;
    let counting = true;
    const reconnectedAt = new Map<WebSocket, number>();
    // Sockets whose state moved in the current instant. A loss passes through a transient
    // Disconnected on its way to Reconnecting, so what a socket ended the instant in is what counts.
    const moved = new Set<WebSocket>();
    const unsettled = new Set<WebSocket>();
    const sockets: WebSocket[] = [];
    for (let i = 0; i < clients; i++) {
      const socket = new Client('ws://herd.test/', {
        ...socketOptions,
        ...(backoff ? { backoff: backoff() } : {}),
      });
      socket.connection.subscribe((state) => {
        if (!counting || clock.now() < dropAt) return;
        if (state.type === 'reconnected') reconnectedAt.set(socket, clock.now());
        moved.add(socket);
      });
      sockets.push(socket);
      unsettled.add(socket);
    }
    const settled = (): boolean => {
      for (const socket of moved) {
        const type = socket.connection.state.type;
        if (type === 'reconnected' || type === 'disconnected') unsettled.delete(socket);
      }
      moved.clear();
      return unsettled.size === 0;
    };

    await clock.run(UPTIME);
    const connected = sockets.filter((s) => isOpen(s.connection.state)).length;
    if (connected !== clients) throw new Error(`only ${connected} of ${clients} connected`);

    dropAt = clock.now();
    const attemptsBefore = network.attempts;
    const acceptedBefore = network.accepted.length;
    network.up = false;
    clock.setTimeout(() => {
      network.up = true;
    }, down);
    network.drop();
    // Everyone reconnects or gives up; a bound in virtual time so a stuck client cannot spin.
    await clock.run(dropAt + down + 10 * 60_000, settled);
    if (!settled()) throw new Error(`${unsettled.size} clients neither came back nor gave up`);

    const back = sockets.filter((s) => s.connection.state.type === 'reconnected').length;
    const gaveUp = sockets.filter((s) => s.connection.state.type === 'disconnected').length;
    const waits = sockets
      .filter((s) => s.connection.state.type === 'reconnected')
      .map((s) => (reconnectedAt.get(s) as number) - (dropAt + down));
    const attempts = network.attempts - attemptsBefore;
    const buckets = new Map<number, number>();
    for (const at of network.accepted.slice(acceptedBefore)) {
      const b = Math.floor((at - dropAt) / bucket);
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }

    counting = false;
    for (const socket of sockets) socket.close();
    await clock.run();
    const left = sockets.filter((s) => s.connection.state.type !== 'disconnected').length;
    if (left || network.open.size || clock.live) {
      throw new Error(
        `after close(): ${left} sockets not disconnected, ${network.open.size} connections open, ${clock.live} timers live`,
      );
    }

    let peak = 0;
    let peakAt = 0;
    for (const [b, count] of buckets) {
      if (count > peak || (count === peak && b * bucket < peakAt)) {
        peak = count;
        peakAt = b * bucket;
      }
    }
    waits.sort((a, b) => a - b);
    return {
      clients,
      down,
      bucket,
      peak,
      peakAt,
      p50: percentile(waits, 0.5),
      p99: percentile(waits, 0.99),
      max: waits[waits.length - 1] ?? 0,
      attempts,
      gaveUp,
      back,
    };
  } finally {
    Math.random = random;
  }
};
