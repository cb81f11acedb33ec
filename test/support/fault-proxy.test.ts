import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './fault-proxy';
import { Changes, sleep, within } from './wait';

/** A raw TCP echo server on loopback that counts connections and records how each one ended. */
interface Echo {
  port: number;
  server: Server;
  sockets: Set<Socket>;
  total: number;
  /** How each upstream connection ended: 'end' (FIN), 'reset' (ECONNRESET) or 'close'. */
  endings: string[];
  changes: Changes;
  close(): Promise<void>;
}

const echoServer = async (): Promise<Echo> => {
  const sockets = new Set<Socket>();
  const changes = new Changes();
  const echo: Echo = {
    port: 0,
    server: createServer({ allowHalfOpen: true }, (socket) => {
      echo.total++;
      sockets.add(socket);
      let ending = 'close';
      socket.on('data', (chunk) => socket.write(chunk));
      socket.on('end', () => {
        ending = 'end';
        socket.end();
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        ending = error.code === 'ECONNRESET' ? 'reset' : String(error.code);
      });
      socket.on('close', () => {
        sockets.delete(socket);
        echo.endings.push(ending);
        changes.notify();
      });
      changes.notify();
    }),
    sockets,
    total: 0,
    endings: [],
    changes,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => echo.server.close(() => resolve()));
    },
  };
  echo.server.listen(0, '127.0.0.1');
  await once(echo.server, 'listening');
  echo.port = (echo.server.address() as { port: number }).port;
  return echo;
};

/** A raw client socket that records everything it receives and how it ended. */
interface Client {
  socket: Socket;
  data: string;
  ending: string | undefined;
  connected: Promise<void>;
  closed: Promise<void>;
  changes: Changes;
  /** Resolves once the received text includes `text`. */
  receive(text: string, ms?: number): Promise<void>;
}

const client = (port: number): Client => {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const changes = new Changes();
  const c: Client = {
    socket,
    data: '',
    ending: undefined,
    connected: within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      }),
      2000,
      'connect',
    ),
    closed: within(
      new Promise<void>((resolve) => socket.once('close', () => resolve())),
      5000,
      'close',
    ),
    changes,
    receive: (text, ms = 2000) => changes.when(() => c.data.includes(text), ms, `"${text}"`),
  };
  c.connected.catch(() => {});
  c.closed.catch(() => {});
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    c.data += chunk;
    changes.notify();
  });
  socket.on('end', () => {
    c.ending ??= 'end';
    socket.end();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    c.ending ??= error.code === 'ECONNRESET' ? 'reset' : String(error.code);
  });
  clients.push(c);
  return c;
};

const clients: Client[] = [];
let echo: Echo;
let proxy: FaultProxy;

const setup = async (): Promise<void> => {
  echo = await echoServer();
  proxy = await startFaultProxy(echo.port);
};

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await proxy?.close();
  await echo?.close();
});

describe('fault proxy', () => {
  it('forwards both ways on loopback and counts open connections', async () => {
    await setup();
    expect(proxy.url).toBe(`ws://127.0.0.1:${proxy.port}`);
    const a = client(proxy.port);
    const b = client(proxy.port);
    await Promise.all([a.connected, b.connected]);
    a.socket.write('hello');
    b.socket.write('world');
    await Promise.all([a.receive('hello'), b.receive('world')]);
    expect(proxy.open).toBe(2);
    expect(proxy.total).toBe(2);
    expect(echo.total).toBe(2);
    a.socket.end();
    await a.closed;
    await proxy.when(() => proxy.open === 1, 2000, 'one connection to close');
    expect(a.ending).toBe('end');
    expect(proxy.events.map((e) => `${e.type}#${e.id}`)).toEqual([
      'accept#1',
      'accept#2',
      'close#1',
    ]);
  });

  it("cut('fin') ends every connection on both sides with a FIN", async () => {
    await setup();
    const a = client(proxy.port);
    const b = client(proxy.port);
    a.socket.write('x');
    b.socket.write('y');
    await Promise.all([a.receive('x'), b.receive('y')]);
    expect(proxy.cut('fin')).toBe(2);
    await Promise.all([a.closed, b.closed]);
    expect([a.ending, b.ending]).toEqual(['end', 'end']);
    await echo.changes.when(() => echo.endings.length === 2, 2000, 'upstream to end');
    expect(echo.endings).toEqual(['end', 'end']);
    await proxy.when(() => proxy.open === 0, 2000, 'no open connection');
    // The proxy still accepts new connections.
    const c = client(proxy.port);
    c.socket.write('again');
    await c.receive('again');
  });

  it("cut('rst') resets every connection on both sides", async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('x');
    await a.receive('x');
    expect(proxy.cut('rst')).toBe(1);
    await a.closed;
    expect(a.ending).toBe('reset');
    await echo.changes.when(() => echo.endings.length === 1, 2000, 'upstream to close');
    expect(echo.endings).toEqual(['reset']);
    await proxy.when(() => proxy.open === 0, 2000, 'no open connection');
  });

  it('blackhole holds traffic both ways without closing, then delivers it in order', async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('before;');
    await a.receive('before;');
    proxy.blackhole(true);
    for (let i = 0; i < 20; i++) a.socket.write(`${i};`);
    // Nothing may arrive: "nothing" has no event, so a bounded wait (loopback takes ~1 ms).
    await sleep(300);
    expect(a.data).toBe('before;');
    expect(a.ending).toBeUndefined();
    expect(a.socket.destroyed).toBe(false);
    expect(proxy.open).toBe(1);
    // New connections are caught in the partition too: accepted, nothing gets through.
    const b = client(proxy.port);
    await b.connected;
    b.socket.write('b;');
    await sleep(100); // as above: a bounded wait for nothing to arrive
    expect(b.data).toBe('');
    proxy.blackhole(false);
    const expected = `before;${Array.from({ length: 20 }, (_, i) => `${i};`).join('')}`;
    await a.receive(expected);
    expect(a.data).toBe(expected);
    await b.receive('b;');
  });

  it('blackhole holds a FIN too: the other side learns of the close only when it lifts', async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('x');
    await a.receive('x');
    proxy.blackhole(true);
    a.socket.destroy();
    // The upstream must not learn of the close: no event for that, so a bounded wait.
    await sleep(200);
    expect(echo.sockets.size).toBe(1);
    proxy.blackhole(false);
    await echo.changes.when(() => echo.sockets.size === 0, 2000, 'the upstream side to close');
  });

  it("refuse('close') stops listening (ECONNREFUSED); 'none' listens again on the same port", async () => {
    await setup();
    const port = proxy.port;
    await proxy.refuse('close');
    const a = client(port);
    await expect(a.connected).rejects.toThrow(/ECONNREFUSED/);
    await proxy.refuse('none');
    expect(proxy.port).toBe(port);
    const b = client(port);
    b.socket.write('back');
    await b.receive('back');
  });

  it("refuse('close') leaves current connections alone", async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('1');
    await a.receive('1');
    await proxy.refuse('close');
    a.socket.write('2');
    await a.receive('12');
  });

  it("refuse('rst') accepts and resets at once; nothing reaches the target", async () => {
    await setup();
    await proxy.refuse('rst');
    const a = client(proxy.port);
    await a.closed;
    expect(a.ending).toBe('reset');
    expect(proxy.total).toBe(1);
    expect(echo.total).toBe(0);
  });

  it("refuse('hang') accepts and never answers; the count drops when the client goes", async () => {
    await setup();
    await proxy.refuse('hang');
    const a = client(proxy.port);
    await a.connected;
    a.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    // No answer and no close may come: neither has an event, so a bounded wait.
    await sleep(300);
    expect(a.data).toBe('');
    expect(a.ending).toBeUndefined();
    expect(proxy.open).toBe(1);
    expect(echo.total).toBe(0);
    a.socket.destroy();
    await proxy.when(() => proxy.open === 0, 2000, 'the hung connection to close');
    expect(proxy.events.map((e) => `${e.type}:${e.mode}`)).toEqual(['accept:hang', 'close:hang']);
  });

  it("refuse('http503') answers an upgrade request with a 503 and closes", async () => {
    await setup();
    await proxy.refuse('http503');
    const a = client(proxy.port);
    a.socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    await a.closed;
    expect(a.data).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(a.ending).toBe('end');
    expect(echo.total).toBe(0);
  });

  it('latency delays each direction by its own amount', async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('warm;');
    await a.receive('warm;');
    const roundTrip = async (text: string) => {
      const start = performance.now();
      a.socket.write(text);
      await a.receive(text);
      return performance.now() - start;
    };
    // Each bound is the delay the proxy adds (less 5 ms of timer rounding) or, above, that delay
    // plus the 400 ms a loaded machine may add; with no latency a round trip stays below one
    // direction's delay, which is what a latency left in place would cost at least.
    const LATENCY = 300;
    proxy.latency(LATENCY, 'up');
    const up = await roundTrip('up;');
    proxy.latency(0, 'up');
    proxy.latency(LATENCY, 'down');
    const down = await roundTrip('down;');
    proxy.latency(LATENCY);
    const both = await roundTrip('both;');
    proxy.latency(0);
    const none = await roundTrip('none;');
    expect(up).toBeGreaterThanOrEqual(LATENCY - 5);
    expect(up).toBeLessThan(LATENCY + 400);
    expect(down).toBeGreaterThanOrEqual(LATENCY - 5);
    expect(down).toBeLessThan(LATENCY + 400);
    expect(both).toBeGreaterThanOrEqual(2 * LATENCY - 5);
    expect(both).toBeLessThan(2 * LATENCY + 400);
    expect(none).toBeLessThan(LATENCY - 5);
  });

  it('latency is FIFO: lowering it never lets a later chunk overtake an earlier one', async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('warm;');
    await a.receive('warm;');
    let expected = 'warm;';
    for (let i = 0; i < 30; i++) {
      proxy.latency(i % 2 ? 0 : 100 - i * 3);
      a.socket.write(`${i};`);
      expected += `${i};`;
      await sleep(2);
    }
    proxy.latency(0);
    await a.receive(expected);
    expect(a.data).toBe(expected);
  });

  it('close() destroys every connection and stops listening', async () => {
    await setup();
    const a = client(proxy.port);
    a.socket.write('x');
    await a.receive('x');
    const port = proxy.port;
    await proxy.close();
    await a.closed;
    await echo.changes.when(() => echo.sockets.size === 0, 2000, 'the upstream side to close');
    const b = client(port);
    await expect(b.connected).rejects.toThrow(/ECONNREFUSED/);
    await proxy.close(); // idempotent
  });
});
