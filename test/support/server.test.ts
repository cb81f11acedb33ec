import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import WS from 'ws';
import {
  type HungServer,
  hungServer,
  type RefusedPort,
  refusedPort,
  startServer,
  type TestServer,
} from './server';
import { within } from './wait';

const servers: TestServer[] = [];
const hung: HungServer[] = [];
const held: RefusedPort[] = [];
const clients: WS[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(hung.splice(0).map((server) => server.close()));
  await Promise.all(held.splice(0).map((port) => port.close()));
});

/** Tries to listen on `port` at `host` in this process: 'listening' or the error code. */
const listenHere = async (port: number, host: string): Promise<string> => {
  const server = createServer();
  try {
    server.listen(port, host);
    await once(server, 'listening');
    return 'listening';
  } catch (error) {
    return String((error as NodeJS.ErrnoException).code);
  } finally {
    server.close();
  }
};

/** The same from another process, as a parallel test run would. */
const listenElsewhere = async (port: number, host: string): Promise<string> => {
  const script = `const s = require('node:net').createServer();
    s.on('error', (e) => { console.log(e.code); process.exit(0); });
    s.listen(${port}, '${host}', () => { console.log('listening'); s.close(); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    timeout: 10_000,
  });
  return stdout.trim();
};

const client = (url: string, protocols?: string[]): WS => {
  const ws = new WS(url, protocols);
  ws.on('error', () => {});
  clients.push(ws);
  return ws;
};

const opened = (ws: WS): Promise<unknown> => within(once(ws, 'open'), 2000, 'the client to open');
const closed = (ws: WS): Promise<unknown> => within(once(ws, 'close'), 2000, 'the client to close');

describe('test server helper', () => {
  it('binds an ephemeral loopback port, counts connections and records messages', async () => {
    const server = await startServer();
    servers.push(server);
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);

    const a = client(server.url, ['first', 'second']);
    await opened(a);
    expect(a.protocol).toBe('first');
    const b = client(server.url);
    await opened(b);
    expect(b.protocol).toBe('');
    expect(server.connections).toHaveLength(2);
    expect(server.totalConnections).toBe(2);

    a.send('hello');
    b.send(Buffer.from([1, 2]));
    await server.when(() => server.received.length === 2, 2000, 'two messages');
    expect(server.received).toContainEqual('hello');
    expect(server.received).toContainEqual(Buffer.from([1, 2]));

    a.close();
    await server.when(() => server.connections.length === 1, 2000, 'one connection to close');
    expect(server.totalConnections).toBe(2);
  });

  it('stops (terminating clients) and restarts on the same port', async () => {
    const server = await startServer();
    servers.push(server);
    const port = server.port;
    const first = client(server.url);
    await opened(first);

    const firstClosed = closed(first);
    await server.stop();
    await firstClosed;
    expect(server.listening).toBe(false);
    expect(server.connections).toHaveLength(0);

    const refused = client(server.url);
    const error = await within(once(refused, 'error'), 2000, 'a refused connect');
    expect(error[0]).toMatchObject({ code: 'ECONNREFUSED' });

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.listening).toBe(true);
    const second = client(server.url);
    await opened(second);
    expect(server.connections).toHaveLength(1);
    expect(server.totalConnections).toBe(2);
  });

  it('refusedPort refuses every connection on loopback, and no one can listen on it until closed', async () => {
    const port = await refusedPort();
    held.push(port);
    expect(port.url).toBe(`ws://127.0.0.1:${port.port}`);
    for (let i = 0; i < 3; i++) {
      const dead = client(port.url);
      const [error] = await within(once(dead, 'error'), 2000, 'a refused connect');
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    }
    for (const host of ['127.0.0.1', '0.0.0.0']) {
      expect(await listenHere(port.port, host)).toBe('EADDRINUSE');
      expect(await listenElsewhere(port.port, host)).toBe('EADDRINUSE');
    }
    // The control: once let go, the port can be taken (nothing left in TIME_WAIT either).
    await port.close();
    expect(await listenHere(port.port, '127.0.0.1')).toBe('listening');
  });

  it('hungServer accepts TCP but never answers', async () => {
    const server = await hungServer();
    hung.push(server);
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await server.when(() => server.open === 1, 2000, 'the hung server to accept');
    expect(server.total).toBe(1);
    socket.destroy();
    await server.when(() => server.open === 0, 2000, 'the hung server to see the close');
    expect(server.total).toBe(1);
  });
});
