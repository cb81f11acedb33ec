import type { Data, Transport, TransportEvent, WebSocketImplementation } from '../../../src/core';
import type { TabHub } from './tab-hub';

type Handler = ((event: TransportEvent) => void) | null;

/** One connection as the server sees it: who dialed, what it received, whether it is still up. */
export class FakeConnection implements Transport {
  readyState = 0;
  protocol = '';
  binaryType = 'blob';
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  readonly received: Data[] = [];
  constructor(
    readonly server: FakeServer,
    readonly tab: string,
    readonly url: string,
  ) {}

  send(data: Data): void {
    if (this.readyState === 0) throw new Error('InvalidStateError: still connecting');
    if (this.readyState !== 1) return;
    this.received.push(data);
    this.server.heard(this, data);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    // The closing handshake: the server answers in a task of its own.
    this.server.hub.later(() => this.end(code ?? 1005, reason ?? ''), this.tab);
  }

  /** The connection is over at the server; the client hears `close` unless its tab is dead. */
  end(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.server.closed(this);
    this.onclose?.({ code, reason });
  }
}

/**
 * A scripted WebSocket server for simulated tabs: each tab dials through its own implementation
 * (`implementationFor`), connections open a task after they are made (when `accepting`), and the
 * server counts every connection that is not over yet, and the most there ever were at once.
 */
export class FakeServer {
  readonly connections: FakeConnection[] = [];
  /** Connections not over yet (connecting, open or closing). */
  live = 0;
  maxLive = 0;
  accepting = true;
  /** False: connections never answer (a hung handshake). */
  answering = true;
  /** The sub-protocol the server picks. */
  protocol = '';
  /** Echo every frame back to its sender (else the test reads `received`). */
  echo = false;
  constructor(readonly hub: TabHub) {}

  implementationFor(tab: string): WebSocketImplementation {
    const server = this;
    return class {
      constructor(url: string) {
        const connection = new FakeConnection(server, tab, url);
        server.connections.push(connection);
        server.live++;
        server.maxLive = Math.max(server.maxLive, server.live);
        server.hub.later(() => server.#answer(connection), tab);
        // biome-ignore lint/correctness/noConstructorReturn: the instance is the server's connection
        return connection;
      }
    } as unknown as WebSocketImplementation;
  }

  /** Connections that are open now. */
  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.readyState === 1);
  }

  /** Sends `data` to every open connection. */
  broadcast(data: Data): void {
    for (const c of this.open) c.onmessage?.({ data });
  }

  /** Every frame every connection received, in order. */
  get frames(): Data[] {
    return this.connections.flatMap((c) => c.received);
  }

  /** The server drops every connection (a restart): 1006 at the clients. */
  dropAll(): void {
    for (const c of this.connections) if (c.readyState < 3) c.end(1006, '');
  }

  /**
   * The server closes every connection: its close frame arrives, so each is CLOSING (a write is
   * refused) until the handshake ends in a task of its own, 1000 at the client.
   */
  closeAll(): void {
    for (const c of this.connections) {
      if (c.readyState !== 1) continue;
      c.readyState = 2;
      this.hub.later(() => c.end(1000, ''), c.tab);
    }
  }

  /** The tab's process is gone: its connections end at the server, and nobody hears of it. */
  kill(tab: string): void {
    for (const c of this.connections) {
      if (c.tab !== tab || c.readyState === 3) continue;
      c.onopen = c.onmessage = c.onclose = c.onerror = null;
      c.end(1006, '');
    }
  }

  heard(connection: FakeConnection, data: Data): void {
    if (this.echo) this.hub.later(() => connection.onmessage?.({ data }), connection.tab);
  }

  closed(_connection: FakeConnection): void {
    this.live--;
  }

  #answer(connection: FakeConnection): void {
    if (connection.readyState !== 0 || !this.answering) return;
    if (this.accepting) {
      connection.readyState = 1;
      connection.protocol = this.protocol;
      connection.onopen?.({});
    } else {
      connection.onerror?.({});
      connection.end(1006, '');
    }
  }
}
