// Reconnect latency, in Node with the `ws` client wrapped to timestamp every transport it builds.
//   1. Server back up → Reconnected. The server (in this process, so its listen() callback can be
//      timed) goes down while our client is connected; the client retries with ConstantBackoff(d).
//      After a while the server listens again on the same port. total = listen() callback →
//      Reconnected; of that, the backoff wait = listen → the successful attempt's transport was
//      built (≤ d), and net = the rest. Baseline: a raw `ws` client with the same retry loop
//      (a new socket every d ms), measured the same way, samples alternating with ours.
//   2. `online` signal → attempt started. The client waits a long backoff (60 s) against a closed
//      port; an injected environment then reports offline, then online. latency = the online
//      listener call → the new transport's constructor entered. Floor: the same two timestamps
//      around a direct constructor call.
import { createServer } from 'node:http';
import WS, { WebSocketServer } from 'ws';
import {
  barChart,
  DIST_CORE,
  ensureBuilt,
  fmt,
  fmtRange,
  mdTable,
  percentile,
  sleep,
  standalone,
  summary,
} from './lib.mjs';

export const COMMAND = 'node bench/latency.mjs';

export const config = (quick) =>
  quick
    ? { reconnectSamples: 3, backoff: 10, onlineSamples: 20 }
    : { reconnectSamples: 40, backoff: 10, onlineSamples: 500 };

/** A `ws` client that timestamps its construction (before any work) and its close. */
const wrapped = () => {
  const built = [];
  let closed = 0;
  class Timed extends WS {
    constructor(...args) {
      const t = performance.now();
      super(...args);
      built.push(t);
      this.on('error', () => {});
      this.once('close', () => {
        closed++;
      });
    }
  }
  return { Timed, built, closed: () => closed };
};

const listen = (port = 0) =>
  new Promise((resolve, reject) => {
    const http = createServer((_q, s) => s.writeHead(404).end());
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws) => ws.on('error', () => {}));
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      const at = performance.now();
      resolve({
        at,
        port: http.address().port,
        close: () =>
          new Promise((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            http.closeAllConnections?.();
            http.close(() => done());
          }),
      });
    });
  });

const until = async (test, ms = 10_000) => {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await sleep(1);
  }
};

// ---- 1. server back up → Reconnected ------------------------------------------------------

/** Our client: { built, reconnectedAt(), stop() } once connected. */
const oursClient = async (core, url, cfg) => {
  const { Timed, built } = wrapped();
  let at = 0;
  const ws = new core.WebSocket(url, {
    WebSocket: Timed,
    environment: null,
    backoff: new core.ConstantBackoff(cfg.backoff),
    giveUpAfter: Number.POSITIVE_INFINITY,
  });
  ws.connection.subscribe((s) => {
    if (s.type === 'reconnected' || s.type === 'connected') at = performance.now();
  });
  await until(() => at > 0);
  at = 0;
  return {
    built,
    retrying: () => ws.connection.state.type === 'reconnecting',
    reconnectedAt: () => at,
    stop: async () => {
      ws.close();
      await until(() => ws.connection.state.type === 'disconnected').catch(() => {});
    },
  };
};

/** The baseline: a raw `ws` client with the same retry loop (every d ms, new socket each time). */
const rawClient = async (url, cfg) => {
  const built = [];
  let at = 0;
  let stopped = false;
  let open = false;
  let current;
  const dial = () => {
    const t = performance.now();
    const c = new WS(url);
    current = c;
    built.push(t);
    c.on('error', () => {});
    c.on('open', () => {
      open = true;
      at = performance.now();
    });
    c.on('close', () => {
      open = false;
      if (!stopped) setTimeout(dial, cfg.backoff);
    });
  };
  dial();
  await until(() => at > 0);
  at = 0;
  return {
    built,
    retrying: () => !open,
    reconnectedAt: () => at,
    stop: async () => {
      stopped = true;
      current.terminate();
    },
  };
};

/**
 * Each sample: a fresh client (ours and the raw baseline alternating) connects; the server goes
 * down; after some failed attempts it listens again on the same port; the client reconnects.
 */
const reconnect = async (core, cfg) => {
  let server = await listen();
  const port = server.port;
  const url = `ws://127.0.0.1:${port}/`;
  const samples = { ours: [], raw: [] };
  try {
    for (let i = 0; i < cfg.reconnectSamples * 2; i++) {
      const kind = i % 2 ? 'raw' : 'ours';
      const c = kind === 'ours' ? await oursClient(core, url, cfg) : await rawClient(url, cfg);
      await server.close();
      await until(c.retrying);
      // Let it fail a few attempts, landing the return at a random point of its backoff cycle.
      await sleep(cfg.backoff * 3 + Math.random() * cfg.backoff * 2);
      server = await listen(port);
      await until(() => c.reconnectedAt() > 0);
      const done = c.reconnectedAt();
      const listenAt = server.at;
      // The attempt that succeeded: the last transport built before the reconnect.
      const attemptAt = c.built.filter((t) => t <= done).at(-1);
      samples[kind].push({
        total: done - listenAt,
        wait: Math.max(0, attemptAt - listenAt),
        net: done - Math.max(attemptAt, listenAt),
      });
      await c.stop();
    }
  } finally {
    await server.close();
  }
  return samples;
};

// ---- 2. online signal → attempt started ---------------------------------------------------

const online = async (core, cfg) => {
  const { Timed, built, closed } = wrapped();
  // A port with nothing listening: every attempt is refused at once.
  const probe = await listen();
  const port = probe.port;
  await probe.close();
  const url = `ws://127.0.0.1:${port}/`;
  let isOnline = true;
  let signal = () => {};
  const environment = {
    online: () => isOnline,
    subscribe: (listener) => {
      signal = listener;
      return () => {};
    },
  };
  const ws = new core.WebSocket(url, {
    WebSocket: Timed,
    environment,
    backoff: new core.ConstantBackoff(60_000),
    giveUpAfter: Number.POSITIVE_INFINITY,
  });
  // First attempt refused → one immediate retry → refused → now waiting 60 s.
  await until(() => built.length === 2 && closed() === 2);
  await sleep(5);
  const samples = [];
  try {
    for (let i = 0; i < cfg.onlineSamples; i++) {
      const n = built.length;
      isOnline = false;
      signal('offline');
      isOnline = true;
      const t0 = performance.now();
      signal('online');
      const latency = built[n] - t0;
      if (built.length !== n + 1) throw new Error('the online signal did not start an attempt');
      // Baseline: the constructor called directly.
      const b0 = performance.now();
      const direct = new Timed(url);
      const baseline = built[n + 1] - b0;
      direct.terminate();
      samples.push({ latency, baseline });
      // Wait for our attempt to be refused: the client is back in its 60 s wait.
      await until(() => closed() >= n + 2);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    ws.close();
  }
  return samples;
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const cfg = config(flags.quick);
  const core = await import(DIST_CORE);
  const r = await reconnect(core, cfg);
  const o = await online(core, cfg);
  const dist = (xs) => ({ ...summary(xs), p90: percentile(xs, 0.9), p99: percentile(xs, 0.99) });
  return {
    cfg,
    reconnect: Object.fromEntries(
      ['ours', 'raw'].map((k) => [
        k,
        {
          total: dist(r[k].map((x) => x.total)),
          wait: dist(r[k].map((x) => x.wait)),
          net: dist(r[k].map((x) => x.net)),
        },
      ]),
    ),
    // Sample i of ours and of raw ran back to back (they alternate): their ratio, per pair.
    netRatio: summary(r.ours.map((x, i) => x.net / r.raw[i].net)),
    online: {
      latency: dist(o.map((x) => x.latency * 1000)),
      baseline: dist(o.map((x) => x.baseline * 1000)),
    },
  };
};

const row = (name, d, unit, digits) => [
  name,
  `${fmt(d.median, digits)} ${unit}`,
  `${fmt(d.p90, digits)} ${unit}`,
  `${fmt(d.min, digits)}–${fmt(d.max, digits)} ${unit}`,
  fmt(d.runs),
];

export const render = ({ cfg, reconnect: r, netRatio, online: o }) => {
  const t1 = mdTable(
    ['Server back up → reconnected', 'median', 'p90', 'min–max', 'samples'],
    [
      row('**ours: listen() callback → `Reconnected`**', r.ours.total, 'ms', 2),
      row(
        `ours: of which backoff wait (listen → the successful attempt began; ConstantBackoff(${cfg.backoff}))`,
        r.ours.wait,
        'ms',
        2,
      ),
      row('**ours: net (attempt began, or listen if later → `Reconnected`)**', r.ours.net, 'ms', 2),
      row('raw `ws` + same retry loop: listen() → open', r.raw.total, 'ms', 2),
      row('raw: of which retry wait', r.raw.wait, 'ms', 2),
      row('raw: net (attempt began, or listen if later → open)', r.raw.net, 'ms', 2),
    ],
  );
  const t2 = mdTable(
    ['`online` signal → attempt started', 'median', 'p90', 'min–max', 'samples'],
    [
      row(
        '**online listener called → new transport constructed** (while waiting a 60 s backoff)',
        o.latency,
        'µs',
        1,
      ),
      row(
        'measurement floor: timestamp, then `new WebSocket(url)` (ws) called directly → constructor entered',
        o.baseline,
        'µs',
        1,
      ),
    ],
  );
  return `${t1}\n\nNet ratio ours / raw, per pair of samples taken back to back: **${fmtRange(netRatio, 2)}×** (median (min–max) over ${fmt(netRatio.runs)} pairs).\n\n${t2}\n\nIn Node with the \`ws\` client. Table 1: ${cfg.reconnectSamples} server restarts per client, ours and the raw baseline alternating, each with a fresh client whose first connection after the restart meets the same cold server. Table 2: one sample per offline → online pair.`;
};

export const chart = ({ reconnect: r }) =>
  barChart({
    title: 'Reconnect latency: server back up → reconnected (ms)',
    subtitle: 'median, whiskers min–max over samples; net = total minus the backoff wait',
    unit: ' ms',
    digits: 2,
    groups: [
      {
        label: 'total (listen → reconnected)',
        bars: [
          {
            label: 'web-socket-client',
            value: r.ours.total.median,
            min: r.ours.total.min,
            max: r.ours.total.max,
            ours: true,
            text: `${fmt(r.ours.total.median, 2)} ms`,
          },
          {
            label: 'raw ws + retry loop',
            value: r.raw.total.median,
            min: r.raw.total.min,
            max: r.raw.total.max,
            text: `${fmt(r.raw.total.median, 2)} ms`,
          },
        ],
      },
      {
        label: 'net (attempt → reconnected)',
        bars: [
          {
            label: 'web-socket-client',
            value: r.ours.net.median,
            min: r.ours.net.min,
            max: r.ours.net.max,
            ours: true,
            text: `${fmt(r.ours.net.median, 2)} ms`,
          },
          {
            label: 'raw ws + retry loop',
            value: r.raw.net.median,
            min: r.raw.net.min,
            max: r.raw.net.max,
            text: `${fmt(r.raw.net.median, 2)} ms`,
          },
        ],
      },
    ],
  });

await standalone(import.meta.url, run, render);
