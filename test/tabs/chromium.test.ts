/**
 * The shared socket in real Chromium (the Debian package, driven by playwright-core): several
 * pages of one browser context, served from 127.0.0.1, with the browser's own Web Locks,
 * BroadcastChannel and WebSocket, against a real `ws` server that counts connections on every
 * connection and close event. Each test has a channel and a room of its own.
 */
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { CountingServer } from './support/counting-server';

/** The first step of the pages' backoff (a ConstantBackoff): a takeover must not wait for it. */
const STEP = 2_000;

let server: CountingServer;
let site: Server;
let origin = '';
let browser: Browser;
let context: BrowserContext;
let rooms = 0;

interface Log {
  states: string[];
  roles: string[];
  messages: string[];
}
declare const log: Log;
declare const socket: { send(data: string): boolean; role: { state: string } };

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('./chromium/page.ts', import.meta.url).pathname],
    bundle: true,
    format: 'esm',
    write: false,
    define: { __DEV__: 'true' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  site = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (path === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  server = await new CountingServer().start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Pages behind others keep full-speed timers: takeover delays are what is measured.
    args: [
      ...CHROMIUM_ARGS,
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  context = await browser.newContext();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => site?.close(resolve));
});

/** A room (and channel) of its own, and pages that open on it. */
const scenario = () => {
  const room = `/tabs-${++rooms}`;
  const url = `${origin}/?ws=${encodeURIComponent(server.url + room)}&channel=${room}&backoff=${STEP}`;
  const pages: Page[] = [];
  const errors: unknown[] = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(url);
    await page.waitForFunction(() => typeof log === 'object');
    pages.push(page);
    return page;
  };
  /** Pages whose renderer was crashed on purpose. */
  const crashed = new Set<Page>();
  const live = () => pages.filter((p) => !p.isClosed() && !crashed.has(p));
  const stateOf = (page: Page) => page.evaluate(() => log.states.at(-1));
  /** The pages that say they lead. */
  const leaders = async () => {
    const roles = await Promise.all(live().map((p) => p.evaluate(() => socket.role.state)));
    return live().filter((_, i) => roles[i] === 'leader');
  };
  const leader = async () => {
    const found = await leaders();
    expect(found).toHaveLength(1);
    return found[0] as Page;
  };
  const allIn = (state: string, among = live()) =>
    Promise.all(among.map((p) => p.waitForFunction((s) => log.states.at(-1) === s, state)));
  const allOpen = () =>
    Promise.all(
      live().map((p) =>
        p.waitForFunction(() => ['connected', 'reconnected'].includes(log.states.at(-1) ?? '')),
      ),
    );
  const closeAll = async () => {
    await Promise.all(live().map((p) => p.close()));
    await server.when(() => server.open(room) === 0, 10_000, `${room}: every connection closed`);
  };
  return {
    room,
    pages,
    crashed,
    errors,
    open,
    live,
    stateOf,
    leaders,
    leader,
    allIn,
    allOpen,
    closeAll,
  };
};

describe('a SharedWebSocket in Chromium, several pages of one context', () => {
  it('5 pages: one connection; every server message reaches all 5; each page’s sends arrive once, in order', async () => {
    const s = scenario();
    for (let i = 0; i < 5; i++) await s.open();
    await s.allIn('connected');
    expect(server.in(s.room)).toHaveLength(1);
    expect(server.maxOpen(s.room)).toBe(1);
    await s.leader();

    for (let i = 1; i <= 10; i++) server.broadcast(s.room, `server ${i}`);
    const expected = Array.from({ length: 10 }, (_, i) => `server ${i + 1}`);
    await Promise.all(
      s.pages.map((p) => p.waitForFunction((n) => log.messages.length >= n, expected.length)),
    );
    for (const page of s.pages) expect(await page.evaluate(() => log.messages)).toEqual(expected);

    // Every page sends 20 at once; they interleave on the one connection.
    const sent = await Promise.all(
      s.pages.map((page, p) =>
        page.evaluate((p) => {
          const out: boolean[] = [];
          for (let n = 1; n <= 20; n++) out.push(socket.send(`page ${p}: ${n}`));
          return out;
        }, p),
      ),
    );
    expect(sent.flat().every(Boolean)).toBe(true);
    const [connection] = server.in(s.room);
    await server.when(() => (connection?.received.length ?? 0) >= 100, 10_000, '100 frames');
    const received = connection?.received ?? [];
    expect(received).toHaveLength(100);
    for (let p = 0; p < 5; p++) {
      expect(received.filter((m) => m.startsWith(`page ${p}:`))).toEqual(
        Array.from({ length: 20 }, (_, n) => `page ${p}: ${n + 1}`),
      );
    }
    expect(s.errors).toEqual([]);
    await s.closeAll();
  }, 60_000);

  for (const how of ['closed', 'crashed'] as const) {
    it(`the leader page ${how}: one new connection within the first backoff step, every page reconnected`, async () => {
      const s = scenario();
      for (let i = 0; i < 5; i++) await s.open();
      await s.allIn('connected');
      const leader = await s.leader();
      const before = server.in(s.room).length;
      const at = performance.now();
      if (how === 'closed') await leader.close();
      else {
        s.crashed.add(leader);
        const cdp = await context.newCDPSession(leader);
        // The renderer dies on the spot; the call itself never answers.
        cdp.send('Page.crash').catch(() => {});
      }
      await server.when(() => server.in(s.room).length === before + 1, STEP, 'a new connection');
      const latency = (server.in(s.room).at(-1)?.openedAt ?? 0) - at;
      const others = s.pages.filter((p) => p !== leader);
      await s.allIn('reconnected', others);
      expect(server.maxOpen(s.room)).toBe(1);
      expect(server.open(s.room)).toBe(1);
      // A page going away says so (1001); a crashed one cannot (1006, from the new leader).
      const code = how === 'closed' ? 1001 : 1006;
      for (const page of others) {
        expect((await page.evaluate(() => log.states)).slice(0, 5)).toEqual([
          'connecting',
          'connected',
          `disconnected ${code}`,
          'reconnecting',
          'reconnected',
        ]);
      }
      await s.leader();
      // The new connection carries the others' sends and frames.
      server.broadcast(s.room, 'after');
      await Promise.all(others.map((p) => p.waitForFunction(() => log.messages.includes('after'))));
      console.info(
        `leader ${how}: new connection after ${latency.toFixed(0)} ms (step ${STEP} ms)`,
      );
      expect(s.errors).toEqual([]);
      if (how === 'crashed') {
        await leader.close();
      }
      await s.closeAll();
    }, 60_000);
  }

  it('50 rapid open/close cycles of pages: never two connections at once, nothing open at the end', async () => {
    const s = scenario();
    for (let i = 0; i < 3; i++) await s.open();
    for (let cycle = 0; cycle < 50; cycle++) {
      // Open one, close one: the oldest, or every third time the leader.
      const opened = s.open();
      const live = s.live();
      const victim = cycle % 3 === 0 ? ((await s.leaders())[0] ?? live[0]) : live[0];
      await Promise.all([opened, victim?.close()]);
    }
    await s.allOpen();
    await s.leader();
    // A connection given up in the last cycle may still be in TCP's teardown: wait for its end.
    await server.when(() => server.open(s.room) === 1, 5_000, 'one connection left open');
    const cs = server.in(s.room);
    const gaps = cs.slice(1).map((c, i) => c.openedAt - (cs[i]?.closedAt ?? 0));
    expect(server.maxOpen(s.room)).toBe(1);
    const clean = cs.filter((c) => c.code === 1000).length;
    console.info(
      `50 cycles: ${cs.length} connections in turn, at most 1 at once; smallest gap between one closing and the next opening ${Math.min(...gaps).toFixed(1)} ms; ${clean} closed with 1000 by a leaving page, the rest by the browser`,
    );
    expect(s.errors).toEqual([]);
    await s.closeAll();
    expect(server.open(s.room)).toBe(0);
    // 19–35 s on a busy 2-core machine: new pages are what it spends its time on.
  }, 90_000);
});
