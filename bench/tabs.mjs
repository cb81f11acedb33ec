// Tabs: what 10 tabs of one browser cost the server, one connection shared
// (web-socket-client/tabs) vs one connection per tab (the core WebSocket in each), in Chromium.
// The pages (one context, served from 127.0.0.1) load the built dist/tabs.js and dist/index.js as
// they are and run the same client with an app-level heartbeat; a `ws` server in this process
// counts connections and heartbeat frames as they arrive. Then the server drops every connection
// once: the reconnects it takes are counted too. Variants alternate within each run.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { launchChromium, serveStatic } from './browser.mjs';
import {
  barChart,
  DIST_CORE,
  ensureBuilt,
  fmt,
  fmtRange,
  mdTable,
  ROOT,
  sleep,
  standalone,
  summary,
} from './lib.mjs';

export const COMMAND = 'node bench/tabs.mjs';

const DIST_TABS = join(ROOT, 'dist', 'tabs.js');

export const config = (quick) =>
  quick
    ? { tabs: 3, interval: 250, window: 2_000, runs: 1 }
    : { tabs: 10, interval: 1_000, window: 15_000, runs: 3 };

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { WebSocket } from '/index.js';
import { SharedWebSocket } from '/tabs.js';
const q = new URLSearchParams(location.search);
const options = { heartbeat: { interval: Number(q.get('interval')), ping: 'ping', pong: 'pong' } };
const socket = q.get('shared') === '1'
  ? new SharedWebSocket(q.get('ws'), { ...options, channel: q.get('channel') })
  : new WebSocket(q.get('ws'), options);
window.socket = socket;
</script>`;

/** Counts connections (open now, made in all) and heartbeat frames, per room (the URL's path). */
const countingServer = async () => {
  const http = createServer((_q, s) => s.writeHead(404).end());
  const wss = new WebSocketServer({ server: http });
  const rooms = new Map();
  const room = (name) => {
    if (!rooms.has(name)) rooms.set(name, { open: 0, made: 0, maxOpen: 0, pings: 0 });
    return rooms.get(name);
  };
  wss.on('connection', (ws, request) => {
    const r = room((request.url ?? '/').split('?')[0]);
    r.open++;
    r.made++;
    r.maxOpen = Math.max(r.maxOpen, r.open);
    ws.on('error', () => {});
    ws.on('message', (data) => {
      if (String(data) !== 'ping') return;
      r.pings++;
      ws.send('pong');
    });
    ws.on('close', () => r.open--);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `ws://127.0.0.1:${http.address().port}`,
    room,
    dropAll: () => {
      for (const ws of wss.clients) ws.terminate();
    },
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        http.close(resolve);
      }),
  };
};

/** Polls `condition` (a count kept by the server) until it holds; throws after `ms`. */
const until = async (condition, ms, what) => {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
};

let rooms = 0;

const measure = async (context, site, server, cfg, shared) => {
  const name = `/tabs-${shared ? 'shared' : 'per-tab'}-${++rooms}`;
  const counts = server.room(name);
  const url = `${site.origin}/?ws=${encodeURIComponent(server.url + name)}&shared=${shared ? 1 : 0}&channel=${name}&interval=${cfg.interval}`;
  const pages = await Promise.all(Array.from({ length: cfg.tabs }, () => context.newPage()));
  try {
    await Promise.all(pages.map((page) => page.goto(url)));
    const opened = (page) =>
      page.waitForFunction(() =>
        ['connected', 'reconnected'].includes(socket.connection.state.type),
      );
    await Promise.all(pages.map(opened));
    await until(() => counts.open === (shared ? 1 : cfg.tabs), 10_000, 'every tab connected');
    // Steady state: a window of heartbeats, nothing else on the wire.
    const pings = counts.pings;
    const made = counts.made;
    const t = performance.now();
    await sleep(cfg.window);
    const minutes = (performance.now() - t) / 60_000;
    const steady = {
      open: counts.open,
      madeDuring: counts.made - made,
      pingsPerMinute: (counts.pings - pings) / minutes,
    };
    // One outage: the server drops every connection; how many come back.
    const before = counts.made;
    server.dropAll();
    await until(() => counts.open === (shared ? 1 : cfg.tabs), 10_000, 'every tab reconnected');
    await Promise.all(pages.map(opened));
    return { ...steady, reconnects: counts.made - before, maxOpen: counts.maxOpen };
  } finally {
    await Promise.all(pages.map((page) => page.close()));
  }
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build || !existsSync(DIST_TABS));
  const cfg = { ...config(flags.quick), ...(flags.runs ? { runs: flags.runs } : {}) };
  const server = await countingServer();
  const site = await serveStatic({
    '/': PAGE,
    '/index.js': () => readFileSync(DIST_CORE),
    '/tabs.js': () => readFileSync(DIST_TABS),
  });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const samples = { shared: [], perTab: [] };
    for (let i = 0; i < cfg.runs; i++) {
      // Alternating which goes first: the machine's load drifts.
      const order = i % 2 ? [true, false] : [false, true];
      for (const shared of order) {
        samples[shared ? 'shared' : 'perTab'].push(
          await measure(context, site, server, cfg, shared),
        );
      }
    }
    const row = (id, list) => ({
      id,
      open: summary(list.map((s) => s.open)),
      maxOpen: summary(list.map((s) => s.maxOpen)),
      madeDuring: summary(list.map((s) => s.madeDuring)),
      pingsPerMinute: summary(list.map((s) => s.pingsPerMinute)),
      reconnects: summary(list.map((s) => s.reconnects)),
    });
    const perRun = (key) =>
      summary(samples.shared.map((s, i) => s[key] / (samples.perTab[i]?.[key] ?? Number.NaN)));
    return {
      cfg,
      chromium: browser.version(),
      rows: [row('shared', samples.shared), row('per-tab', samples.perTab)],
      ratio: { pingsPerMinute: perRun('pingsPerMinute'), reconnects: perRun('reconnects') },
    };
  } finally {
    await browser.close();
    await site.close();
    await server.close();
  }
};

export const render = (result) => {
  const { cfg, rows, ratio } = result;
  const label = {
    shared: '**`SharedWebSocket`** (web-socket-client/tabs)',
    'per-tab': 'a `WebSocket` in each tab (baseline)',
  };
  return `${mdTable(
    [
      `${cfg.tabs} tabs of one browser`,
      'connections open at the server',
      'most open at once',
      'heartbeat frames / minute at the server',
      'connections made after one drop',
    ],
    rows.map((r) => [
      label[r.id],
      fmtRange(r.open, 0),
      fmtRange(r.maxOpen, 0),
      fmtRange(r.pingsPerMinute, 0),
      fmtRange(r.reconnects, 0),
    ]),
  )}\n\nShared / per tab, per run: heartbeat frames ${fmtRange(ratio.pingsPerMinute, 3)}×, reconnects after a drop ${fmtRange(ratio.reconnects, 3)}×. ${cfg.tabs} pages of one Chromium context load the built \`dist/index.js\` and \`dist/tabs.js\` from 127.0.0.1 and open the same URL with \`heartbeat: { interval: ${cfg.interval}, ping: 'ping', pong: 'pong' }\` (an app-level ping after ${fmt(cfg.interval)} ms without a frame; the server answers "pong"), every other option the default. A \`ws\` server in the benchmark's process counts on its own events: connections, and "ping" frames over a ${fmt(cfg.window / 1000)} s window of steady state, scaled to a minute. Then it terminates every connection once and counts the connections made until every tab is open again. ${cfg.runs} run${cfg.runs > 1 ? 's' : ''}, the two variants alternating: median (min–max).`;
};

export const chart = (result) =>
  barChart({
    title: `${result.cfg.tabs} tabs: heartbeat frames per minute at the server`,
    subtitle: `app-level heartbeat every ${fmt(result.cfg.interval)} ms of silence; one connection shared vs one per tab`,
    groups: [
      {
        label: '',
        bars: result.rows.map((r) => ({
          label: r.id === 'shared' ? 'shared (one connection)' : 'per tab (baseline)',
          value: r.pingsPerMinute.median,
          min: r.pingsPerMinute.min,
          max: r.pingsPerMinute.max,
          ours: r.id === 'shared',
          text: `${fmt(r.pingsPerMinute.median)} / min · ${fmt(r.open.median)} connection${r.open.median === 1 ? '' : 's'}`,
        })),
      },
    ],
  });

await standalone(import.meta.url, run, render);
