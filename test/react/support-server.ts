import type { AddressInfo } from 'node:net';
import { waitFor } from '@testing-library/react';
import { expect, onTestFinished } from 'vitest';
import WS, { WebSocketServer } from 'ws';
import type { WebSocketImplementation } from '../../src/core/index';

export interface RealServer {
  /** `ws://127.0.0.1:<port>` (append a path to tell connections apart). */
  readonly url: string;
  /** Connections that completed the handshake, ever. */
  total(): number;
  /** Connections open now. */
  open(): number;
  /** Paths of the connections, in order. */
  readonly paths: string[];
  /** Paths of the connections open now. */
  openPaths(): string[];
  /** Kills every open connection without a close frame (1006 at the client). */
  drop(): void;
}

/**
 * A real `ws` server on 127.0.0.1 and an ephemeral port, echoing every message. When the test
 * finishes (after cleanup) it asserts that every connection was closed, then shuts down.
 */
export const startServer = async (): Promise<RealServer> => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as AddressInfo;
  const paths: string[] = [];
  const live = new Map<WS, string>();
  wss.on('connection', (socket, request) => {
    const path = request.url ?? '/';
    paths.push(path);
    live.set(socket, path);
    socket.on('message', (data, binary) => socket.send(data, { binary }));
    socket.on('close', () => live.delete(socket));
  });
  onTestFinished(async () => {
    try {
      await waitFor(() => expect(live.size, 'connections left open at the ws server').toBe(0));
    } finally {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    total: () => paths.length,
    open: () => live.size,
    paths,
    openPaths: () => [...live.values()],
    drop: () => {
      for (const socket of live.keys()) socket.terminate();
    },
  };
};

export const RealSocket: WebSocketImplementation = WS;
