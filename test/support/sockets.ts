/**
 * Sockets for tests against real servers: each one is built with the `ws` client and closed after
 * the test, and each server started through the harness is closed too, so nothing leaks from one
 * test into the next.
 */
import { afterEach } from 'vitest';
import WS from 'ws';
import {
  type Connection,
  type ConnectionState,
  type Data,
  type Subscribable,
  WebSocket,
  type WebSocketOptions,
} from '../../src/core';
import {
  type RefusedPort,
  refusedPort,
  type StartServerOptions,
  startServer,
  type TestServer,
} from './server';
import { within } from './wait';

/** Records every state the socket passes through, starting with the current one. */
export const record = (socket: { readonly connection: Connection }): ConnectionState[] => {
  const states: ConnectionState[] = [];
  socket.connection.subscribe((state) => states.push(state));
  return states;
};

/**
 * Everything a subscribable yields until it completes (the seed's "done"). Subscribes at once, so
 * call it before the awaited events can happen; bound it with the test timeout or `within`.
 */
export const collect = async <T>(source: Subscribable<T>): Promise<T[]> => {
  const values: T[] = [];
  for await (const value of source) values.push(value);
  return values;
};

export interface Harness {
  /** A socket using `ws`, closed after the test. */
  socket<In = Data, Out = Data>(
    url: string,
    options?: WebSocketOptions<In, Out>,
  ): WebSocket<In, Out>;
  /** A `ws` server on an ephemeral loopback port, closed after the test. */
  server(options?: StartServerOptions): Promise<TestServer>;
  /** The URL of a loopback port that refuses connections until the test ends (`refusedPort`). */
  refused(): Promise<string>;
}

/**
 * Registers one `afterEach` that closes every socket, server and refused port the test made, then waits
 * (bounded) until each socket has really ended.
 */
export const harness = (): Harness => {
  const sockets = new Set<WebSocket<never, never>>();
  const servers = new Set<TestServer>();
  const refused = new Set<RefusedPort>();
  afterEach(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([...servers, ...refused].map((server) => server.close()));
    await within(
      Promise.all(
        [...sockets].map((socket) =>
          socket.connection.firstWhere((s) => s.type === 'disconnected'),
        ),
      ),
      2000,
      'every socket to end',
    );
    sockets.clear();
    servers.clear();
    refused.clear();
  });
  return {
    socket<In = Data, Out = Data>(url: string, options: WebSocketOptions<In, Out> = {}) {
      const socket = new WebSocket<In, Out>(url, { WebSocket: WS, ...options });
      sockets.add(socket as unknown as WebSocket<never, never>);
      return socket;
    },
    async server(options) {
      const server = await startServer(options);
      servers.add(server);
      return server;
    },
    async refused() {
      const port = await refusedPort();
      refused.add(port);
      return port.url;
    },
  };
};
