import { waitFor } from '@testing-library/react';
import { type Client, WebSocket as MockWebSocket, Server } from 'mock-socket';
import { expect, onTestFinished } from 'vitest';
import type { WebSocketImplementation } from '../../src/core/index';

let next = 0;

/** mock-socket's client, as the core's `options.WebSocket`. */
export const MockSocket: WebSocketImplementation = MockWebSocket;

export interface MockServer {
  readonly url: string;
  readonly server: Server;
  /** Every connection that reached the server (its `connection` event), in order. */
  readonly connections: Client[];
  /** Connection attempts seen (accepted or refused). */
  attempts(): number;
  /** Connections currently open at the server. */
  open(): number;
  /** The newest connection; throws when there is none. */
  last(): Client;
  /** Sends each value, synchronously, from the server to every open connection. */
  send(...data: string[]): void;
  /** Messages the server received, in order. */
  readonly received: string[];
  /** Whether the server accepts connection attempts (mock-socket's `verifyClient`). */
  accept: boolean;
  /** Options every test socket needs: mock-socket's client and no browser online/visibility signals. */
  readonly options: { WebSocket: WebSocketImplementation; environment: null };
}

/**
 * A mock-socket server on a URL of its own. When the test finishes (after its `afterEach`
 * cleanup has unmounted everything) it asserts that no connection was left open, then stops.
 */
export const mockServer = (name = 'socket'): MockServer => {
  const url = `ws://mock.test/${name}-${++next}`;
  let attempts = 0;
  const received: string[] = [];
  const connections: Client[] = [];
  const mock: MockServer = {
    url,
    server: undefined as unknown as Server,
    connections,
    received,
    accept: true,
    attempts: () => attempts,
    open: () => mock.server.clients().filter((c) => c.readyState === MockWebSocket.OPEN).length,
    last: () => {
      const client = connections[connections.length - 1];
      if (!client) throw new Error(`no connection reached ${url}`);
      return client;
    },
    send: (...data) => {
      for (const client of mock.server.clients()) {
        if (client.readyState !== MockWebSocket.OPEN) continue;
        for (const d of data) client.send(d);
      }
    },
    options: { WebSocket: MockSocket, environment: null },
  };
  const server = new Server(url, {
    mock: false,
    verifyClient: () => {
      attempts++;
      return mock.accept;
    },
  });
  (mock as { server: Server }).server = server;
  server.on('connection', (client) => {
    connections.push(client);
    client.on('message', (data) => received.push(String(data)));
  });
  onTestFinished(async () => {
    try {
      await waitFor(() =>
        expect(server.clients(), `connections left open at ${url}`).toHaveLength(0),
      );
    } finally {
      server.stop();
    }
  });
  return mock;
};
