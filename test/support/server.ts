/**
 * Real servers on the loopback interface for tests: a `ws` WebSocket server that can be stopped
 * and restarted on the same port, a port that refuses connections while held, and a TCP server that
 * accepts connections and never answers the upgrade. Everything binds 127.0.0.1 on an ephemeral
 * port unless told otherwise; nothing here talks to anything but loopback.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import {
  type WebSocket as ServerSocket,
  WebSocketServer,
  type ServerOptions as WsServerOptions,
} from 'ws';
import { Changes, within } from './wait';

export type { ServerSocket };

/** A message as the server received it: text frames as strings, binary frames as Buffers. */
export type Received = string | Buffer;

export interface StartServerOptions {
  /** Port to bind; default 0 (ephemeral). */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Runs for every accepted connection, before any of its messages are delivered. */
  onConnection?: (socket: ServerSocket, request: IncomingMessage) => void;
  /** Passed to `ws`: inspect, hold (async form) or refuse upgrades. */
  verifyClient?: WsServerOptions['verifyClient'];
  /** Which offered sub-protocol to accept; default the first offered (as the seed's helper). */
  handleProtocols?: (protocols: Set<string>, request: IncomingMessage) => string | false;
  /** How long `stop()` lets a close handshake that is already under way finish. Default 1000 ms. */
  closeGrace?: number;
}

export interface TestServer {
  /** `ws://host:port`; the same across restarts. */
  readonly url: string;
  readonly port: number;
  readonly wss: WebSocketServer;
  /** True between a (re)start and a stop. */
  readonly listening: boolean;
  /** Server-side sockets that are open right now. */
  readonly connections: readonly ServerSocket[];
  /** Connections accepted since the server was created, across restarts. */
  readonly totalConnections: number;
  /** Every message received, in order, across connections and restarts. */
  readonly received: Received[];
  /** Calls `listener` for every later connection; returns the unsubscribe. */
  onConnection(listener: (socket: ServerSocket, request: IncomingMessage) => void): () => void;
  /** Calls `listener` for every later message; returns the unsubscribe. */
  onMessage(listener: (data: Received, socket: ServerSocket) => void): () => void;
  /** Resolves once `condition` holds, re-checked on every connection, close and message. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
  /** Resolves with the next accepted connection (bounded). */
  nextConnection(ms?: number): Promise<ServerSocket>;
  /**
   * Force-stops: no new connections are accepted at once, every open socket is terminated (one
   * whose close handshake is already under way gets `closeGrace` to finish it), pending upgrades
   * are destroyed. Resolves when the server and all its sockets are closed. Idempotent.
   */
  stop(): Promise<void>;
  /** Listens again on the same port (stopping first if still listening). */
  restart(): Promise<void>;
  /** Stops for good; idempotent; for `afterEach`. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const CLOSED = 3;
const CLOSING = 2;

const firstOffered = (protocols: Set<string>): string | false => {
  for (const protocol of protocols) return protocol;
  return false;
};

const closeEvent = (socket: ServerSocket): Promise<void> =>
  socket.readyState === CLOSED
    ? Promise.resolve()
    : new Promise((resolve) => socket.once('close', () => resolve()));

/** Starts a real `ws` server on loopback. */
export const startServer = async (options: StartServerOptions = {}): Promise<TestServer> => {
  const host = options.host ?? LOOPBACK;
  const grace = options.closeGrace ?? 1000;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    handleProtocols: options.handleProtocols ?? firstOffered,
    ...(options.verifyClient ? { verifyClient: options.verifyClient } : {}),
  });
  const open = new Set<ServerSocket>();
  const raw = new Set<Socket>();
  const received: Received[] = [];
  const connectionListeners = new Set<(socket: ServerSocket, request: IncomingMessage) => void>();
  const messageListeners = new Set<(data: Received, socket: ServerSocket) => void>();
  const changes = new Changes();
  let total = 0;
  let port = options.port ?? 0;
  let http: Server | undefined;
  let disposed = false;

  wss.on('connection', (socket: ServerSocket, request: IncomingMessage) => {
    total++;
    open.add(socket);
    // A client that vanishes mid-frame must not crash the run; its close event still follows.
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      changes.notify();
    });
    socket.on('message', (data, isBinary) => {
      const message: Received = isBinary
        ? Buffer.isBuffer(data)
          ? data
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)])
        : data.toString();
      received.push(message);
      for (const listener of [...messageListeners]) listener(message, socket);
      // After every other 'message' listener (the test's own, added in onConnection) has run.
      queueMicrotask(() => changes.notify());
    });
    options.onConnection?.(socket, request);
    for (const listener of [...connectionListeners]) listener(socket, request);
    changes.notify();
  });

  const listen = async (): Promise<void> => {
    const server = createServer((_request, response) => {
      response.writeHead(426, { Connection: 'close' }).end('Upgrade Required');
    });
    server.on('connection', (socket: Socket) => {
      raw.add(socket);
      socket.on('close', () => raw.delete(socket));
    });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
    server.listen(port, host);
    await once(server, 'listening');
    const address = server.address();
    if (address && typeof address === 'object') port = address.port;
    http = server;
  };

  const stop = async (): Promise<void> => {
    const server = http;
    if (!server) return;
    http = undefined;
    // Unbinds the port at once; the callback runs when every connection is gone.
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(
      [...open].map(async (socket) => {
        const closed = closeEvent(socket);
        if (socket.readyState === CLOSING) await within(closed, grace, 'close').catch(() => {});
        socket.terminate();
        await closed;
      }),
    );
    for (const socket of raw) socket.destroy();
    await serverClosed;
  };

  await listen();

  return {
    get url() {
      return `ws://${host}:${port}`;
    },
    get port() {
      return port;
    },
    wss,
    get listening() {
      return http !== undefined;
    },
    get connections() {
      return [...open];
    },
    get totalConnections() {
      return total;
    },
    received,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    when: (condition, ms, what) => changes.when(condition, ms, what),
    nextConnection(ms = 2000) {
      let stopListening = () => {};
      const next = new Promise<ServerSocket>((resolve) => {
        const listener = (socket: ServerSocket) => resolve(socket);
        connectionListeners.add(listener);
        stopListening = () => connectionListeners.delete(listener);
      });
      return within(next, ms, 'a server connection').finally(stopListening);
    },
    stop,
    async restart() {
      if (disposed) throw new Error('restart() after close(): start a new server instead.');
      await stop();
      await listen();
    },
    async close() {
      disposed = true;
      await stop();
      connectionListeners.clear();
      messageListeners.clear();
      wss.close();
    },
  };
};

export interface RefusedPort {
  /** `ws://127.0.0.1:port` */
  readonly url: string;
  readonly port: number;
  /** Lets go of the port; idempotent. */
  close(): Promise<void>;
}

/**
 * A loopback port that refuses every connection (ECONNREFUSED) for as long as it is held, and that
 * no one can listen on meanwhile. A port bound and released at once could be taken by another
 * process before the test dials it; this one is the local end of a loopback connection this
 * process keeps open. The kernel picked it for the connect, so the socket holding it has no
 * SO_REUSEADDR and any bind to it fails with EADDRINUSE; nothing listens on it, so a SYN to it
 * is answered with a reset. (Node cannot bind a port without listening, and libuv sets
 * SO_REUSEADDR on every socket it binds itself, which lets another listener in.)
 * As with any closed port in the ephemeral range, the kernel may, about once in 28,000 connects,
 * give a connect to it that same port as its source: a TCP self-connect, not a refusal. The
 * tests that need ECONNREFUSED look at a first attempt, where that chance is negligible.
 */
export const refusedPort = async (): Promise<RefusedPort> => {
  const anchor = createTcpServer();
  anchor.listen(0, LOOPBACK);
  await once(anchor, 'listening');
  const accepted = once(anchor, 'connection') as Promise<[Socket]>;
  const address = anchor.address();
  if (!address || typeof address !== 'object') throw new Error('No port was bound.');
  const holder = connect({ host: LOOPBACK, port: address.port });
  await within(once(holder, 'connect'), 2000, 'the port holder to connect');
  const [peer] = await within(accepted, 2000, 'the port holder to be accepted');
  // Stops listening at once (its callback would wait for `peer`): only the holder's port matters.
  anchor.close();
  const port = holder.localPort;
  if (holder.localAddress !== LOOPBACK || !port) throw new Error('The holder is not on loopback.');
  for (const socket of [holder, peer]) {
    socket.on('error', () => {});
    socket.unref();
  }
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${LOOPBACK}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = Promise.all(
          [holder, peer].map((socket) => (socket.closed ? undefined : once(socket, 'close'))),
        );
        holder.resetAndDestroy(); // a reset, so the port is not left in TIME_WAIT
        peer.destroy();
        await closed;
      })();
      return closing;
    },
  };
};

export interface HungServer {
  readonly url: string;
  readonly port: number;
  readonly server: TcpServer;
  /** TCP sockets accepted and not yet closed. */
  readonly open: number;
  /** TCP sockets accepted since start. */
  readonly total: number;
  /** Resolves once `condition` holds, re-checked whenever a socket is accepted or closes. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
  /** Destroys every socket and closes the server; idempotent. */
  close(): Promise<void>;
}

/**
 * A TCP server on loopback that accepts connections, reads and discards whatever comes, and never
 * answers: a WebSocket handshake against it hangs until someone gives up.
 */
export const hungServer = async (): Promise<HungServer> => {
  const sockets = new Set<Socket>();
  const changes = new Changes();
  let total = 0;
  const server = createTcpServer((socket) => {
    total++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      changes.notify();
    });
    socket.resume(); // consume the upgrade request, so the peer's FIN is seen
    changes.notify();
  });
  server.listen(0, LOOPBACK);
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('No port was bound.');
  const port = address.port;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${LOOPBACK}:${port}`,
    port,
    server,
    get open() {
      return sockets.size;
    },
    get total() {
      return total;
    },
    when: (condition, ms, what) => changes.when(condition, ms, what),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
};
