import { type Client, WebSocket as MockWebSocket, Server } from 'mock-socket';
import type { WebSocketImplementation } from 'web-socket-client';
import {
  type ChaosHub,
  type ChaosPeer,
  handleFrame,
  RESTART_CODE,
} from '../../scripts/chaos-protocol.mjs';

/** Where the in-page server "listens"; nothing leaves the page. */
export const MOCK_ORIGIN = 'ws://chaos.mock';

/**
 * The chaos server inside the page, for a static Storybook with no server behind it: mock-socket
 * servers (one per room, as mock-socket binds exact URLs) driven by the same protocol module as
 * the real `ws` server. Clients must use mock-socket's WebSocket, injected through the
 * `WebSocket` option; the page's global WebSocket is left alone (`mock: false`).
 */
export class MockChaos implements ChaosHub {
  readonly WebSocket = MockWebSocket as unknown as WebSocketImplementation;
  private readonly servers = new Map<string, Server | null>();
  private readonly clients = new Map<Client, ChaosPeer>();
  private readonly totals = new Map<string, number>();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  /** The URL of `room` (a path such as "/chat"), listening from now on. */
  url(room: string): string {
    if (!this.servers.has(room)) this.servers.set(room, this.restartTimer ? null : this.bind(room));
    return `${MOCK_ORIGIN}${room}`;
  }

  *peers(room: string): Iterable<ChaosPeer> {
    for (const peer of this.clients.values()) if (peer.room === room) yield peer;
  }

  /** What the real server's GET /stats answers: connections accepted in `room`, and open now. */
  stats(room: string): { total: number; open: number } {
    let open = 0;
    for (const peer of this.peers(room)) if (peer.open) open++;
    return { total: this.totals.get(room) ?? 0, open };
  }

  restart(ms: number): void {
    if (this.restartTimer) return;
    for (const [room, server] of this.servers) {
      // Unbinds first, then closes every client of the room at once.
      server?.close({ code: RESTART_CODE, reason: 'server restart', wasClean: true });
      this.servers.set(room, null);
    }
    this.clients.clear();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      for (const room of this.servers.keys()) this.servers.set(room, this.bind(room));
    }, ms);
  }

  private bind(room: string): Server {
    const server = new Server(`${MOCK_ORIGIN}${room}`, { mock: false });
    server.on('connection', (client) => {
      this.totals.set(room, (this.totals.get(room) ?? 0) + 1);
      const peer: ChaosPeer = {
        room,
        send: (data) => client.readyState === 1 && client.send(data),
        close: (code, reason) => client.close({ code, reason, wasClean: true }),
        drop: () => client.close({ code: 1006, reason: '', wasClean: false }),
        get open() {
          return client.readyState === 1;
        },
      };
      this.clients.set(client, peer);
      client.on('message', (data) => handleFrame(this, peer, data));
      client.on('close', () => this.clients.delete(client));
    });
    return server;
  }
}
