/**
 * A loopback TCP proxy that injects network faults between a client and a server: cut every
 * connection (FIN or RST), blackhole traffic without closing anything (a half-open link), refuse
 * new connections in several ways, and delay each direction. It listens on 127.0.0.1 and only
 * ever connects to 127.0.0.1.
 *
 * Every byte goes through one FIFO pipe per direction and connection; an end of stream (FIN) or
 * a reset travels through the same pipe, so it never overtakes the data sent before it. Latency
 * holds each chunk until `received + latency`, and never releases a chunk before the one ahead
 * of it, so lowering the latency cannot reorder anything.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Changes } from './wait';

export type CutMode = 'fin' | 'rst';

/**
 * How new connections are treated:
 * - 'none': forwarded to the target (normal operation);
 * - 'close': the proxy stops listening, so connects are refused (ECONNREFUSED);
 * - 'rst': accepted, then reset at once;
 * - 'hang': accepted and read, never forwarded nor answered (a hung handshake);
 * - 'http503': the request is answered with `HTTP/1.1 503 Service Unavailable`, then closed.
 */
export type RefuseMode = 'none' | 'close' | 'rst' | 'hang' | 'http503';

/** 'up': client → server; 'down': server → client. */
export type Direction = 'up' | 'down' | 'both';

export interface ProxyEvent {
  type: 'accept' | 'close';
  /** Connection number, from 1, in order of acceptance. */
  id: number;
  /** How the connection was treated when it was accepted. */
  mode: Exclude<RefuseMode, 'close'>;
  /** `performance.now()` */
  at: number;
}

export interface FaultProxy {
  /** The proxy's own port; the same across `refuse('close')` and back. */
  readonly port: number;
  /** `ws://127.0.0.1:port` */
  readonly url: string;
  /** Client connections accepted and not yet closed (forwarded, hung or being refused). */
  readonly open: number;
  /** Client connections accepted since start. */
  readonly total: number;
  /** Accept and close events, in order. */
  readonly events: readonly ProxyEvent[];
  readonly refusing: RefuseMode;
  readonly blackholed: boolean;
  /**
   * Cuts every current connection on both sides: 'fin' ends them (`socket.end()`), 'rst' resets
   * them (`socket.resetAndDestroy()`). Data still held in the proxy is discarded. Returns how many
   * connections were cut.
   */
  cut(mode: CutMode): number;
  /**
   * While on, nothing is forwarded in either direction, on current and new connections alike, and
   * nothing is closed: a silent partition. Data and ends are held, in order, and delivered when it
   * is lifted (as TCP would, retransmitting after a short partition).
   */
  blackhole(on: boolean): void;
  /** How new connections are treated from now on; current connections are not touched. */
  refuse(mode: RefuseMode): Promise<void>;
  /** Delays every later chunk by `ms` in `direction` (default both), FIFO-preserving. */
  latency(ms: number, direction?: Direction): void;
  /** Resolves once `condition` holds, re-checked on every accept and close. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
  /** Destroys every connection and stops listening; idempotent. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const END = Symbol('end');
const RESET = Symbol('reset');
type Item = Buffer | typeof END | typeof RESET;

const RESPONSE_503 =
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nService Unavailable';

/** One direction of one connection. */
class Pipe {
  private readonly items: { item: Item; at: number }[] = [];
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private done = false;

  constructor(
    private readonly to: Socket,
    private readonly delay: () => number,
    private readonly held: () => boolean,
    /** Called once the end has been delivered (or everything discarded): nothing more to pump. */
    private readonly finished: (pipe: Pipe) => void,
  ) {}

  push(item: Item): void {
    if (this.done) return;
    // Never released before the item ahead of it: FIFO even when the latency drops.
    this.last = Math.max(performance.now() + this.delay(), this.last);
    this.items.push({ item, at: this.last });
    if (item !== END && item !== RESET) this.pump();
    else {
      this.done = true;
      this.pump();
    }
  }

  /** Delivers what is due, unless blackholed; re-arms for the next item. */
  pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held()) return;
    const now = performance.now();
    while (this.items.length) {
      const head = this.items[0] as { item: Item; at: number };
      if (head.at > now) {
        this.timer = setTimeout(() => this.pump(), Math.ceil(head.at - now));
        return;
      }
      this.items.shift();
      const to = this.to;
      if (to.destroyed) continue;
      if (head.item === END) to.end();
      else if (head.item === RESET) to.resetAndDestroy();
      else if (!to.writableEnded) to.write(head.item);
    }
    if (this.done) this.finished(this);
  }

  /** Drops everything held and forwards nothing more. */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items.length = 0;
    this.done = true;
    this.finished(this);
  }
}

interface Link {
  id: number;
  client: Socket;
}

/** Starts a proxy on an ephemeral loopback port, forwarding to `127.0.0.1:targetPort`. */
export const startFaultProxy = async (targetPort: number): Promise<FaultProxy> => {
  /** Links whose client socket is not closed yet: what `open` counts and `cut` cuts. */
  const links = new Set<Link>();
  /** Pipes that may still hold something: a pipe outlives its link while blackholed. */
  const pipes = new Set<Pipe>();
  /** Every upstream socket not yet closed. */
  const upstreams = new Set<Socket>();
  const events: ProxyEvent[] = [];
  const changes = new Changes();
  const delays = { up: 0, down: 0 };
  let mode: RefuseMode = 'none';
  let holding = false;
  let total = 0;
  let port = 0;
  let server: Server | undefined;
  let closed = false;

  const held = () => holding;
  const pipesOf = new WeakMap<Link, Pipe[]>();

  const forward = (link: Link): void => {
    const { client } = link;
    const upstream = connect({ host: LOOPBACK, port: targetPort, allowHalfOpen: true });
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    const finished = (pipe: Pipe) => pipes.delete(pipe);
    const up = new Pipe(upstream, () => delays.up, held, finished);
    const down = new Pipe(client, () => delays.down, held, finished);
    pipes.add(up);
    pipes.add(down);
    pipesOf.set(link, [up, down]);
    client.on('data', (chunk: Buffer) => up.push(chunk));
    client.on('end', () => up.push(END));
    client.on('error', () => up.push(RESET));
    client.on('close', () => up.push(END));
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    upstream.on('end', () => down.push(END));
    upstream.on('error', () => down.push(RESET));
    upstream.on('close', () => down.push(END));
  };

  const accept = (client: Socket): void => {
    if (closed) {
      client.destroy();
      return;
    }
    const treatment = mode === 'close' ? 'none' : mode;
    const link: Link = { id: ++total, client };
    links.add(link);
    events.push({ type: 'accept', id: link.id, mode: treatment, at: performance.now() });
    client.on('error', () => {});
    client.on('close', () => {
      links.delete(link);
      events.push({ type: 'close', id: link.id, mode: treatment, at: performance.now() });
      changes.notify();
    });
    changes.notify();
    switch (treatment) {
      case 'none':
        return forward(link);
      case 'rst':
        client.resetAndDestroy();
        return;
      case 'hang':
        client.resume(); // read and discard, so the peer's FIN is seen
        client.on('end', () => client.end());
        return;
      case 'http503': {
        let head = '';
        client.on('end', () => client.end());
        client.on('data', (chunk: Buffer) => {
          if (client.writableEnded) return;
          head += chunk.toString('latin1');
          if (head.includes('\r\n\r\n')) client.end(RESPONSE_503);
        });
        return;
      }
    }
  };

  const listen = async (): Promise<void> => {
    // The port was released a moment ago by `unlisten`; rebinding it may need a few tries.
    for (let tries = 1; ; tries++) {
      const next = createServer({ allowHalfOpen: true }, accept);
      try {
        next.listen(port, LOOPBACK);
        await once(next, 'listening');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || tries >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      const address = next.address();
      if (address && typeof address === 'object') port = address.port;
      server = next;
      return;
    }
  };

  /** Stops accepting at once; connections already accepted live on. */
  const unlisten = async (): Promise<void> => {
    const current = server;
    if (!current) return;
    server = undefined;
    current.close();
    // `close`'s callback waits for every accepted connection; the port itself goes at once.
    await new Promise((resolve) => setImmediate(resolve));
  };

  await listen();

  let closing: Promise<void> | undefined;

  return {
    get port() {
      return port;
    },
    get url() {
      return `ws://${LOOPBACK}:${port}`;
    },
    get open() {
      return links.size;
    },
    get total() {
      return total;
    },
    events,
    get refusing() {
      return mode;
    },
    get blackholed() {
      return holding;
    },
    cut(how) {
      const count = links.size;
      for (const pipe of [...pipes]) pipe.discard();
      for (const socket of [...[...links].map((link) => link.client), ...upstreams]) {
        if (socket.destroyed) continue;
        if (how === 'rst') socket.resetAndDestroy();
        else {
          socket.end();
          // The peer answers a FIN with its own; if it never does, do not keep the socket.
          setTimeout(() => socket.destroy(), 2000).unref();
        }
      }
      return count;
    },
    blackhole(on) {
      holding = on;
      if (!on) for (const pipe of [...pipes]) pipe.pump();
    },
    async refuse(next) {
      if (closed) throw new Error('refuse() after close()');
      mode = next;
      if (next === 'close') await unlisten();
      else if (!server) await listen();
    },
    latency(ms, direction = 'both') {
      if (direction !== 'down') delays.up = ms;
      if (direction !== 'up') delays.down = ms;
    },
    when: (condition, ms, what) => changes.when(condition, ms, what),
    close() {
      closing ??= (async () => {
        closed = true;
        holding = false;
        for (const pipe of [...pipes]) pipe.discard();
        for (const link of links) link.client.destroy();
        for (const upstream of upstreams) upstream.destroy();
        await unlisten();
      })();
      return closing;
    },
  };
};
