// Memory and handles, in Node with --expose-gc (the module re-launches itself with the flag).
//   1. reconnect cycles: one client against a server that closes every connection right after
//      it opens; ConstantBackoff(0), minUptime 0, giveUpAfter Infinity.
//   2. create/close: a new client per cycle, connect, close, await closed.
//   3. React: mount/unmount a <WebSocketProvider> (with a child using useConnectionState,
//      useMessages and useSend) in jsdom, waiting for Connected each time.
// Baseline for each: the same cycles with a raw `ws` client (for 3, a component that opens a ws
// in useEffect and closes it in the cleanup). The echo server is a child process, so its heap
// and handles are not counted.
//
// A leak is growth that scales with the cycle count, so the heap (heapUsed after 3 forced GCs) is
// read at two cycle counts after a warm-up, A and B (2,000 and 10,000), and the figure is the
// growth per cycle between them: (heap at B − heap at A) / (B − A). One-off costs (code compiled,
// caches filled) land before A. Noise is measured, not assumed: per scenario it is the spread
// (max − min) over the runs of the raw baseline's growth per cycle, and at least the heap's own
// resolution (the largest difference between two readings taken back to back, with nothing in
// between, divided by B − A). Target: ours − raw, per run, within that noise.
// Handles are process._getActiveHandles().length and process.getActiveResourcesInfo().length.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WS from 'ws';
import {
  barChart,
  DIST_CORE,
  DIST_REACT,
  ensureBuilt,
  fmt,
  fmtRange,
  isMain,
  mdTable,
  sleep,
  standalone,
  startEchoServer,
  summary,
} from './lib.mjs';

export const COMMAND = 'node --expose-gc bench/memory.mjs';
export const NODE_FLAGS = ['--expose-gc', '--no-flush-bytecode'];

// Re-launch with --expose-gc when run directly without it.
if (isMain(import.meta.url) && typeof globalThis.gc !== 'function') {
  const r = spawnSync(
    process.execPath,
    [...NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

/** Heap readings at `a` and `b` cycles after `warmup` cycles, for every scenario. */
export const config = (quick) =>
  quick ? { runs: 1, warmup: 20, a: 40, b: 100 } : { runs: 3, warmup: 200, a: 2000, b: 10_000 };

/** Forced GCs per heap reading; the smoke run (--quick) proves only that the code runs: one. */
let GCS = 3;

const heap = async () => {
  for (let i = 0; i < GCS; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
};

const handles = () => ({
  handles: process._getActiveHandles().length,
  resources: process.getActiveResourcesInfo().length,
});

/** Waits (at most `ms`) until the handle count is back to `base`, for sockets closing lazily. */
const settle = async (base, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const h = handles();
    if (h.handles <= base.handles && h.resources <= base.resources) break;
    await sleep(20);
  }
  await sleep(50);
};

// ---- measuring ------------------------------------------------------------------------------

/**
 * Two readings of the heap back to back: the later is the reading, their difference shows the
 * resolution of a reading (nothing ran in between but the GCs).
 */
const reading = async (cycles) => {
  const first = await heap();
  const second = await heap();
  return { cycles: cycles(), heap: second, jitter: Math.abs(second - first) };
};

/**
 * The same, synchronously: taken inside a socket callback, so the reading sits at one exact point
 * of the cycle and nothing else runs meanwhile (the client keeps cycling otherwise).
 */
const readingNow = (cycles) => {
  const once = () => {
    for (let i = 0; i < GCS; i++) globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const first = once();
  const second = once();
  return { cycles: cycles(), heap: second, jitter: Math.abs(second - first) };
};

const growth = (atA, atB) => ({
  perCycle: (atB.heap - atA.heap) / (atB.cycles - atA.cycles),
  jitter: Math.max(atA.jitter, atB.jitter),
  grow: atB.heap - atA.heap,
});

// ---- 1. reconnect cycles ------------------------------------------------------------------

/**
 * Reconnect cycles of one long-lived client. `start(opened)` creates it and calls `opened(close)`
 * on every open; after the last cycle `close` is called to end it. The heap is read inside the
 * open callback of the `a`-th and the `b`-th open after the warm-up, so both readings sit at the
 * same point of a cycle; heap and handles retained are taken against before the client existed.
 */
const reconnectCycles = async (cfg, start) => {
  const base = handles();
  const heap0 = await heap();
  let n = 0;
  let atA;
  let atB;
  const t0 = performance.now();
  await new Promise((resolve) => {
    start((close) => {
      n++;
      if (n === cfg.warmup + cfg.a) atA = readingNow(() => n - cfg.warmup);
      if (n === cfg.warmup + cfg.b) {
        atB = readingNow(() => n - cfg.warmup);
        close();
        resolve();
      }
    });
  });
  const ms = performance.now() - t0;
  await settle(base);
  return {
    ms,
    cycles: n,
    ...growth(atA, atB),
    retained: (await heap()) - heap0,
    leakedHandles: diff(handles(), base),
  };
};

const reconnectOurs = (core, url, cfg) =>
  reconnectCycles(cfg, (opened) => {
    const ws = new core.WebSocket(url, {
      WebSocket: WS,
      environment: null,
      backoff: new core.ConstantBackoff(0),
      minUptime: 0,
      giveUpAfter: Number.POSITIVE_INFINITY,
    });
    ws.connection.subscribe((s) => {
      if (s.type === 'connected' || s.type === 'reconnected') opened(() => ws.close());
    });
  });

const reconnectRaw = (url, cfg) =>
  reconnectCycles(cfg, (opened) => {
    let done = false;
    const dial = () => {
      const ws = new WS(url);
      ws.on('error', () => {});
      ws.on('open', () =>
        opened(() => {
          done = true;
          ws.close();
        }),
      );
      ws.on('close', () => {
        if (!done) dial();
      });
    };
    dial();
  });

const diff = (a, b) => ({ handles: a.handles - b.handles, resources: a.resources - b.resources });

// ---- 2. create / close --------------------------------------------------------------------

const createCloseOurs = (core) => async () => {
  const ws = new core.WebSocket(URL_ECHO, { WebSocket: WS, environment: null });
  await ws.connection.firstWhere((s) => s.type === 'connected');
  ws.close();
  await ws.connection.firstWhere((s) => s.type === 'disconnected');
};

const createCloseRaw = async () => {
  const ws = new WS(URL_ECHO);
  ws.on('error', () => {});
  await new Promise((r) => ws.once('open', r));
  await new Promise((r) => {
    ws.once('close', r);
    ws.close();
  });
};

let URL_ECHO = '';

/**
 * Sequential cycles of an async `cycle`: the heap at `a` and `b` cycles after the warm-up (each
 * after the sockets closed so far have settled), handles against before.
 */
const loop = async (cycle, cfg) => {
  const base = handles();
  const heap0 = await heap();
  const t0 = performance.now();
  let n = 0;
  const until = async (count) => {
    while (n < count) {
      await cycle();
      n++;
    }
  };
  await until(cfg.warmup + cfg.a);
  await settle(base);
  const atA = await reading(() => n - cfg.warmup);
  await until(cfg.warmup + cfg.b);
  const ms = performance.now() - t0;
  await settle(base);
  const atB = await reading(() => n - cfg.warmup);
  return {
    ms,
    cycles: n,
    ...growth(atA, atB),
    retained: atB.heap - heap0,
    leakedHandles: diff(handles(), base),
  };
};

// ---- 3. React in jsdom --------------------------------------------------------------------

const setupDom = async () => {
  const { JSDOM } = await import('jsdom');
  const dom = new JSDOM('<!doctype html><div id="root"></div>', { pretendToBeVisual: true });
  const w = dom.window;
  globalThis.window = w;
  globalThis.document = w.document;
  globalThis.requestAnimationFrame = w.requestAnimationFrame.bind(w);
  globalThis.cancelAnimationFrame = w.cancelAnimationFrame.bind(w);
  globalThis.HTMLElement = w.HTMLElement;
  return dom;
};

const reactCycles = async (url) => {
  process.env.NODE_ENV = 'production';
  const React = await import('react');
  const { createRoot } = await import('react-dom/client');
  const lib = await import(DIST_REACT);
  const h = React.createElement;
  const options = { WebSocket: WS, environment: null };

  // biome-ignore lint/correctness/noComponentHookFactories: made once, after React is imported (in production mode)
  function Child({ onConnected }) {
    const state = lib.useConnectionState();
    const messages = lib.useMessages({ limit: 100 });
    lib.useSend();
    React.useEffect(() => {
      if (state.type === 'connected') onConnected();
    }, [state, onConnected]);
    return h('div', null, messages.length);
  }

  // biome-ignore lint/correctness/noComponentHookFactories: made once, like Child
  function Raw({ onConnected }) {
    React.useEffect(() => {
      const ws = new WS(url);
      ws.onerror = () => {};
      ws.onopen = () => onConnected();
      return () => ws.close();
    }, [onConnected]);
    return h('div', null, 'raw');
  }

  const container = document.getElementById('root');
  const cycle = (kind) => async () => {
    const root = createRoot(container);
    await new Promise((onConnected) => {
      root.render(
        kind === 'ours'
          ? h(lib.WebSocketProvider, { url, options }, h(Child, { onConnected }))
          : h(Raw, { onConnected }),
      );
    });
    root.unmount();
  };
  return { ours: cycle('ours'), raw: cycle('raw') };
};

// ---- orchestration ------------------------------------------------------------------------

const SCENARIOS = [
  { id: 'reconnect', label: 'reconnect cycles (server closes on open)' },
  { id: 'createClose', label: 'create, connect, close' },
  { id: 'react', label: 'mount/unmount provider (jsdom)' },
];

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const cfg = { ...config(flags.quick), ...(flags.runs ? { runs: flags.runs } : {}) };
  const core = await import(DIST_CORE);
  const server = await startEchoServer();
  URL_ECHO = server.url('/echo');
  const closeUrl = server.url('/close');
  const results = { reconnect: [], createClose: [], react: [] };
  try {
    await setupDom();
    const react = await reactCycles(URL_ECHO);
    const clients = (c) => ({
      reconnect: {
        ours: () => reconnectOurs(core, closeUrl, c),
        raw: () => reconnectRaw(closeUrl, c),
      },
      createClose: {
        ours: () => loop(createCloseOurs(core), c),
        raw: () => loop(createCloseRaw, c),
      },
      react: { ours: () => loop(react.ours, c), raw: () => loop(react.raw, c) },
    });
    // A discarded pass with small counts first: one-time costs (module code, JIT, ws and React
    // internals) land there instead of on whichever client is measured first.
    if (flags.quick) GCS = 1;
    else {
      for (const pair of Object.values(clients({ warmup: 5, a: 10, b: 20 }))) {
        await pair.ours();
        await pair.raw();
      }
    }
    if (flags.only) {
      for (const k of Object.keys(results)) if (!flags.only.includes(k)) delete results[k];
    }
    const measured = clients(cfg);
    for (let i = 0; i < cfg.runs; i++) {
      const first = i % 2 === 0 ? 'ours' : 'raw';
      const second = first === 'ours' ? 'raw' : 'ours';
      for (const id of Object.keys(results)) {
        const pair = measured[id];
        const run = { [first]: await pair[first]() };
        run[second] = await pair[second]();
        results[id].push(run);
      }
    }
  } finally {
    await server.stop();
  }
  const rows = SCENARIOS.filter((r) => results[r.id]).map((r) => {
    const xs = results[r.id];
    const pick = (who, f) => summary(xs.map((x) => f(x[who])));
    const side = (who) => ({
      perCycle: pick(who, (x) => x.perCycle),
      grow: pick(who, (x) => x.grow / 1024),
      retained: pick(who, (x) => x.retained / 1024),
      handles: pick(who, (x) => x.leakedHandles.handles),
      resources: pick(who, (x) => x.leakedHandles.resources),
      perCycleUs: pick(who, (x) => (x.ms * 1000) / x.cycles),
    });
    // Per run: what ours adds per cycle over the raw client measured beside it.
    const extra = summary(xs.map((x) => x.ours.perCycle - x.raw.perCycle));
    const raw = xs.map((x) => x.raw.perCycle);
    const resolution =
      Math.max(...xs.flatMap((x) => [x.ours.jitter, x.raw.jitter])) / (cfg.b - cfg.a);
    const noise = Math.max(Math.max(...raw) - Math.min(...raw), resolution);
    const ours = side('ours');
    const ok = extra.median <= noise && ours.handles.max <= 0 && ours.resources.max <= 0;
    return { ...r, ours, raw: side('raw'), extra, noise, resolution, ok };
  });
  return { rows, cfg };
};

const bytes = (s) => fmtRange(s, 1);

export const render = ({ rows, cfg }) => {
  const table = mdTable(
    [
      'Cycles',
      'growth per cycle, ours (B)',
      'growth per cycle, raw `ws` (B)',
      'ours − raw, per run (B per cycle)',
      'noise (B per cycle)',
      `heap growth ${fmt(cfg.a)} → ${fmt(cfg.b)}, ours / raw (KiB)`,
      'retained after close, ours / raw (KiB)',
      'handles left, ours / raw',
      'µs per cycle, ours / raw',
      'target: ours − raw ≤ noise, 0 handles',
    ],
    rows.map((r) => [
      r.label,
      bytes(r.ours.perCycle),
      bytes(r.raw.perCycle),
      bytes(r.extra),
      fmt(r.noise, 1),
      `${fmt(r.ours.grow.median)} / ${fmt(r.raw.grow.median)}`,
      `${fmt(r.ours.retained.median)} / ${fmt(r.raw.retained.median)}`,
      `${fmt(r.ours.handles.max)} / ${fmt(r.raw.handles.max)} (resources ${fmt(r.ours.resources.max)} / ${fmt(r.raw.resources.max)})`,
      `${fmt(r.ours.perCycleUs.median)} / ${fmt(r.raw.perCycleUs.median)}`,
      cfg.smoke ? 'no verdict: smoke counts' : r.ok ? '✅' : '❌',
    ]),
  );
  return `${table}

Node ${process.version} with \`--expose-gc --no-flush-bytecode\` (V8 otherwise frees unused bytecode at unpredictable GCs, which swings heapUsed by ±1 MB). ${cfg.runs} run${cfg.runs > 1 ? 's' : ''}, ours and raw alternating first; median (min–max). **Growth per cycle**: heapUsed (after 3 forced GCs) at ${fmt(cfg.b)} cycles minus at ${fmt(cfg.a)}, both after ${fmt(cfg.warmup)} warm-up cycles, divided by the cycles in between: one-off costs (code compiled, caches filled) land before the first reading, and what is left is growth that scales with the cycle count, a leak. For reconnect cycles the socket is alive at both readings, which are taken synchronously inside the open callback of the ${fmt(cfg.a)}th and the ${fmt(cfg.b)}th reconnect, so both sit at the same point of a cycle. **ours − raw**: per run, against the raw \`ws\` client measured beside it (the environment itself may drift: V8 code and caches, ws, jsdom). **Noise**: the spread (max − min) over the runs of the raw client's growth per cycle, a client that holds nothing; at least the heap's resolution, the largest difference between two readings taken back to back divided by the ${fmt(cfg.b - cfg.a)} cycles (${rows.map((r) => `${fmt(r.resolution, 2)} B`).join(', ')} here). A leak of 100 B per cycle would show as about 100 B in the ours − raw column, above the noise (an array of 8 numbers leaked on purpose per reconnect, about 120 B, showed as 122 B against a noise of 2 B). **Retained**: after everything is closed and settled, minus before the first cycle. **Handles**: the largest count left over (after minus before) of \`process._getActiveHandles()\`; "resources" is \`process.getActiveResourcesInfo()\`. Negative figures are GC noise.`;
};

export const chart = ({ rows }) =>
  barChart({
    title: 'Memory: heap growth per cycle (bytes)',
    subtitle:
      'heapUsed after forced GC, between two cycle counts, per cycle · whiskers: min–max over runs',
    unit: ' B',
    digits: 1,
    groups: rows.map((r) => ({
      label: r.label,
      bars: [
        {
          label: 'web-socket-client',
          value: Math.max(0, r.ours.perCycle.median),
          min: Math.max(0, r.ours.perCycle.min),
          max: Math.max(0, r.ours.perCycle.max),
          ours: true,
          text: `${fmt(r.ours.perCycle.median, 1)} B (noise ${fmt(r.noise, 1)} B)`,
        },
        {
          label: 'raw ws',
          value: Math.max(0, r.raw.perCycle.median),
          min: Math.max(0, r.raw.perCycle.min),
          max: Math.max(0, r.raw.perCycle.max),
          text: `${fmt(r.raw.perCycle.median, 1)} B`,
        },
      ],
    })),
  });

await standalone(import.meta.url, run, render);
