import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WS from 'ws';
import { deadUrl, type HungServer, hungServer, startServer, type TestServer } from './server';
import { within } from './wait';

const servers: TestServer[] = [];
const hung: HungServer[] = [];
const clients: WS[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(hung.splice(0).map((server) => server.close()));
});

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

  it('deadUrl refuses connections and hungServer accepts TCP but never answers', async () => {
    const dead = client(await deadUrl());
    const [error] = await within(once(dead, 'error'), 2000, 'a refused connect');
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });

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
