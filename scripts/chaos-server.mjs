/**
 * The demo's chaos server: a real `ws` WebSocket server on loopback that speaks the chaos protocol
 * (scripts/chaos-protocol.mjs). Used by `npm start` (scripts/start.mjs) and by the Vitest
 * globalSetup of the browser and Storybook projects.
 *
 * Besides WebSocket upgrades it answers `GET /stats?room=/path` with
 * `{ "total": connections accepted, "open": connections open }` for that room (all rooms without
 * `room`), with CORS open, so a test in a browser page can count connections at the server.
 *
 * Run alone: `node scripts/chaos-server.mjs [port]` prints the URL and serves until killed.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { handleFrame, RESTART_CODE, roomOf } from './chaos-protocol.mjs';

const CLOSE_GRACE = 1_000;

/** The default for `onError`: on stderr, whatever `log` does. */
const reportError = (error) => console.error(`[chaos] ${error.message}`);

/**
 * Starts the server on `host` (default 127.0.0.1) and `port` (default 0: an ephemeral one).
 * Resolves once it listens.
 *
 * A restart that cannot listen again (another process took the port while it was down) leaves
 * nothing serving, so it must not pass as a log line: `onError` hears it at once (default: on
 * stderr), and `close()` rejects with it, so the test run or `npm start` that owns the server
 * fails with the cause instead of with timeouts elsewhere.
 */
export const startChaosServer = async ({
  host = '127.0.0.1',
  port = 0,
  log = () => {},
  onError = reportError,
} = {}) => {
  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  /** @type {Map<import('ws').WebSocket, import('./chaos-protocol.mjs').ChaosPeer>} */
  const peers = new Map();
  const totals = new Map();
  const sockets = new Set();
  /** @type {import('node:http').Server | undefined} */
  let http;
  let restartTimer;
  let closed = false;
  /** @type {Error | undefined} */
  let failure;

  const hub = {
    *peers(room) {
      for (const peer of peers.values()) if (peer.room === room) yield peer;
    },
    restart(ms) {
      if (!http || closed) return;
      log(`restart: down for ${ms} ms`);
      unlisten();
      for (const ws of peers.keys()) closeGently(ws, RESTART_CODE, 'server restart');
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        listen().then(
          () => log('restart: listening again'),
          (error) => {
            failure ??= new Error(
              `chaos server: could not listen again on ${host}:${port} after a restart (${error.code ?? error.message}); nothing is serving its URL any more`,
              { cause: error },
            );
            onError(failure);
          },
        );
      }, ms);
    },
  };

  const closeGently = (ws, code, reason) => {
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), CLOSE_GRACE).unref();
  };

  wss.on('connection', (ws, request) => {
    const room = roomOf(request.url ?? '/');
    totals.set(room, (totals.get(room) ?? 0) + 1);
    const peer = {
      room,
      send: (data) => ws.readyState === 1 && ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      drop: () => ws.terminate(),
      get open() {
        return ws.readyState === 1;
      },
    };
    peers.set(ws, peer);
    // A client that vanishes mid-frame must not crash the server; its close event still follows.
    ws.on('error', () => {});
    ws.on('close', () => peers.delete(ws));
    ws.on('message', (data, isBinary) => {
      handleFrame(hub, peer, isBinary ? data : data.toString());
    });
  });

  const stats = (room) => {
    let total = 0;
    let open = 0;
    for (const [name, count] of totals) if (room === undefined || name === room) total += count;
    for (const peer of peers.values()) if (room === undefined || peer.room === room) open++;
    return { total, open };
  };

  const onRequest = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://chaos.invalid');
    if (request.method === 'GET' && url.pathname === '/stats') {
      const room = url.searchParams.get('room') ?? undefined;
      response.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'cache-control': 'no-store',
      });
      response.end(JSON.stringify(stats(room)));
      return;
    }
    response.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
    response.end('This is a WebSocket chaos server: connect with ws://.\n');
  };

  const listen = async () => {
    const server = createServer(onRequest);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('upgrade', (request, socket, head) => {
      socket.on('error', () => {});
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
    server.listen(port, host);
    await once(server, 'listening');
    const address = server.address();
    if (address && typeof address === 'object') port = address.port;
    http = server;
  };

  /** Stops accepting at once; connections already made are left to their owners. */
  const unlisten = () => {
    const server = http;
    http = undefined;
    server?.close();
  };

  await listen();
  const url = `ws://${host}:${port}`;

  return {
    /** `ws://host:port`, the same across restarts. */
    url,
    /** `http://host:port`, for `/stats`. */
    httpUrl: `http://${host}:${port}`,
    port,
    stats,
    /** The restart failure `onError` heard, if any. */
    get failure() {
      return failure;
    },
    /**
     * Stops for good: every client terminated, the port released. Rejects with the failure of
     * a restart that could not listen again, if there was one.
     */
    async close() {
      if (!closed) {
        closed = true;
        clearTimeout(restartTimer);
        const server = http;
        unlisten();
        for (const ws of peers.keys()) ws.terminate();
        for (const socket of sockets) socket.destroy();
        if (server) await new Promise((resolve) => server.close(() => resolve(undefined)));
      }
      if (failure) throw failure;
    },
  };
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startChaosServer({
    port: Number(process.argv[2] ?? 0),
    log: (line) => console.log(`[chaos] ${line}`),
    onError: (error) => {
      reportError(error);
      process.exit(1);
    },
  });
  console.log(`chaos server listening on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
