import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Counted {
  readonly room: string;
  readonly socket: WebSocket;
  readonly openedAt: number;
  closedAt: number | undefined;
  /** The close code the server heard (1005: none; 1006: no close frame). */
  code: number | undefined;
  readonly received: string[];
}

/**
 * A real `ws` server on 127.0.0.1 that counts connections per room (the URL's path) on every
 * connection and close event, so "never two at once" is checked continuously, not by sampling.
 * "At once" counts the connections still OPEN when a new one arrives: one whose close frame came
 * (CLOSING) was given up by its tab, and only TCP's teardown is left, which takes a loaded
 * machine anything from a few to a hundred milliseconds more. A crashed tab sends no close frame,
 * so its connection counts until the socket is gone.
 */
export class CountingServer {
  readonly connections: Counted[] = [];
  readonly #maxOpen = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  #http: Server | undefined;
  url = '';

  async start(): Promise<this> {
    const http = createServer((_request, response) => response.writeHead(404).end());
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, request) => {
      const room = (request.url ?? '/').split('?')[0] as string;
      const counted: Counted = {
        room,
        socket,
        openedAt: performance.now(),
        closedAt: undefined,
        code: undefined,
        received: [],
      };
      this.connections.push(counted);
      const held = this.in(room).filter((c) => c.socket.readyState === c.socket.OPEN).length;
      this.#maxOpen.set(room, Math.max(this.#maxOpen.get(room) ?? 0, held));
      socket.on('error', () => {});
      socket.on('message', (data) => {
        counted.received.push(String(data));
        this.#changed();
      });
      socket.on('close', (code) => {
        counted.closedAt = performance.now();
        counted.code = code;
        this.#changed();
      });
      this.#changed();
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const address = http.address();
    this.url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    this.#http = http;
    return this;
  }

  in(room: string): Counted[] {
    return this.connections.filter((c) => c.room === room);
  }

  open(room: string): number {
    return this.in(room).filter((c) => c.closedAt === undefined).length;
  }

  /** The most connections of `room` that were OPEN at once, ever (see above). */
  maxOpen(room: string): number {
    return this.#maxOpen.get(room) ?? 0;
  }

  broadcast(room: string, data: string): void {
    for (const c of this.in(room)) if (c.closedAt === undefined) c.socket.send(data);
  }

  /** Resolves when `condition` holds, checked on every server event; rejects after `ms`. */
  when(condition: () => boolean, ms: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`not within ${ms} ms: ${what}`));
      }, ms);
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    const http = this.#http;
    if (http) await new Promise((resolve) => http.close(resolve));
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
