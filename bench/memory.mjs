// Memory and handles, in Node with --expose-gc (the module re-launches itself with the flag).
//   1. reconnect cycles: one client against a server that closes every connection right after
//      it opens; ConstantBackoff(0), minUptime 0, giveUpAfter Infinity. Heap growth while the
//      socket lives (snapshot after the warm-up cycles vs after the last), then close: heap and
//      handles retained vs before the socket existed.
//   2. create/close: a new client per cycle, connect, close, await closed.
//   3. React: mount/unmount a <WebSocketProvider> (with a child using useConnectionState,
//      useMessages and useSend) in jsdom, waiting for Connected each time.
// Baseline for each: the same cycles with a raw `ws` client (for 3, a component that opens a ws
// in useEffect and closes it in the cleanup). The echo server is a child process, so its heap
// and handles are not counted. heapUsed after 3 forced GCs; handles are
// process._getActiveHandles().length and process.getActiveResourcesInfo().length.
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

export const config = (quick) =>
  quick
    ? { runs: 1, reconnect: 100, createClose: 100, react: 30, warmup: 20 }
    : { runs: 3, reconnect: 10_000, createClose: 10_000, react: 1000, warmup: 200 };

const heap = async () => {
  for (let i = 0; i < 3; i++) {
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

// ---- 1. reconnect cycles ------------------------------------------------------------------

/**
 * Reconnect cycles of one long-lived client. `start(opened)` creates it and calls `opened(close)`
 * on every open; after the last cycle `close` is called to end it. Heap after the warm-up opens
 * and after the last one; heap and handles retained vs before the client existed.
 */
const reconnectCycles = async (cfg, start) => {
  const base = handles();
  const heap0 = await heap();
  let n = 0;
  let atWarmup = 0;
  let atEnd = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    start(async (close) => {
      n++;
      if (n === cfg.warmup) atWarmup = await heap();
      if (n === cfg.warmup + cfg.reconnect) {
        atEnd = await heap();
        close();
        resolve();
      }
    });
  });
  const ms = performance.now() - t0;
  await settle(base);
  return {
    ms,
    cycles: cfg.reconnect,
    grow: atEnd - atWarmup,
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

/** Sequential cycles of an async `cycle`; heap after warm-up and after all, handles vs before. */
const loop = async (cycle, cycles, warmup) => {
  const base = handles();
  const heap0 = await heap();
  const t0 = performance.now();
  for (let i = 0; i < warmup; i++) await cycle();
  await settle(base);
  const atWarmup = await heap();
  for (let i = 0; i < cycles; i++) await cycle();
  const ms = performance.now() - t0;
  await settle(base);
  const atEnd = await heap();
  return {
    ms,
    cycles,
    grow: atEnd - atWarmup,
    retained: atEnd - heap0,
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
    // A discarded pass with small counts first: one-time costs (module code, JIT, ws and React
    // internals) land there instead of on whichever client is measured first.
    const small = { ...cfg, reconnect: 20, warmup: 5 };
    await reconnectOurs(core, closeUrl, small);
    await reconnectRaw(closeUrl, small);
    await loop(createCloseOurs(core), 20, 5);
    await loop(createCloseRaw, 20, 5);
    await loop(react.ours, 10, 5);
    await loop(react.raw, 10, 5);
    if (flags.only) {
      for (const k of Object.keys(results)) if (!flags.only.includes(k)) delete results[k];
    }
    for (let i = 0; i < cfg.runs; i++) {
      const first = i % 2 === 0;
      const pair = async (ours, raw) => {
        const a = first ? await ours() : await raw();
        const b = first ? await raw() : await ours();
        return first ? { ours: a, raw: b } : { ours: b, raw: a };
      };
      results.reconnect?.push(
        await pair(
          () => reconnectOurs(core, closeUrl, cfg),
          () => reconnectRaw(closeUrl, cfg),
        ),
      );
      results.createClose?.push(
        await pair(
          () => loop(createCloseOurs(core), cfg.createClose, cfg.warmup),
          () => loop(createCloseRaw, cfg.createClose, cfg.warmup),
        ),
      );
      results.react?.push(
        await pair(
          () => loop(react.ours, cfg.react, cfg.warmup),
          () => loop(react.raw, cfg.react, cfg.warmup),
        ),
      );
    }
  } finally {
    await server.stop();
  }
  const rows = [
    { id: 'reconnect', label: `${fmt(cfg.reconnect)} reconnect cycles (server closes on open)` },
    { id: 'createClose', label: `${fmt(cfg.createClose)} × create, connect, close` },
    { id: 'react', label: `${fmt(cfg.react)} × mount/unmount provider (jsdom)` },
  ]
    .filter((r) => results[r.id])
    .map((r) => {
      const xs = results[r.id];
      const pick = (who, f) => summary(xs.map((x) => f(x[who])));
      const side = (who) => ({
        grow: pick(who, (x) => x.grow / 1024),
        retained: pick(who, (x) => x.retained / 1024),
        handles: pick(who, (x) => x.leakedHandles.handles),
        resources: pick(who, (x) => x.leakedHandles.resources),
        perCycleUs: pick(who, (x) => (x.ms * 1000) / (x.cycles + cfg.warmup)),
      });
      const extra = summary(xs.map((x) => (x.ours.grow - x.raw.grow) / 1024));
      return { ...r, ours: side('ours'), raw: side('raw'), extra };
    });
  return { rows, cfg };
};

export const render = ({ rows, cfg }) => {
  const table = mdTable(
    [
      'Cycles',
      'heap growth, ours (KiB)',
      'heap growth, raw `ws` (KiB)',
      'ours − raw (KiB)',
      'retained after close, ours / raw (KiB)',
      'handles left, ours / raw',
      'µs per cycle, ours / raw',
      'target: ours − raw < 1 MB, 0 handles',
    ],
    rows.map((r) => {
      const ok = r.extra.median < 1024 && r.ours.handles.max <= 0 && r.ours.resources.max <= 0;
      return [
        r.label,
        fmtRange(r.ours.grow, 0),
        fmtRange(r.raw.grow, 0),
        fmtRange(r.extra, 0),
        `${fmt(r.ours.retained.median)} / ${fmt(r.raw.retained.median)}`,
        `${fmt(r.ours.handles.max)} / ${fmt(r.raw.handles.max)} (resources ${fmt(r.ours.resources.max)} / ${fmt(r.raw.resources.max)})`,
        `${fmt(r.ours.perCycleUs.median)} / ${fmt(r.raw.perCycleUs.median)}`,
        ok ? '✅' : '❌',
      ];
    }),
  );
  return `${table}

Node ${process.version} with \`--expose-gc --no-flush-bytecode\` (V8 otherwise frees unused bytecode at unpredictable GCs, which swings heapUsed by ±1 MB). ${cfg.runs} runs, ours and raw alternating first; median (min–max). **Growth**: heapUsed after the last cycle minus after ${cfg.warmup} warm-up cycles, each after 3 forced GCs (for reconnect cycles the socket is still alive at both points). **ours − raw**: per run, the growth the library adds over the same cycles with a raw \`ws\` client (the environment itself grows: V8 code and caches, ws, jsdom). It includes the V8 code compiled for the library's own functions, a one-off cost; a leak shows up as growth that scales with the cycle count. **Retained**: after everything is closed and settled, minus before the first cycle. **Handles**: the largest count left over (after minus before) of \`process._getActiveHandles()\`; "resources" is \`process.getActiveResourcesInfo()\`. Negative figures are GC noise.`;
};

export const chart = ({ rows }) =>
  barChart({
    title: 'Memory: heap growth over the cycles (KiB)',
    subtitle: 'heapUsed after forced GC, last cycle minus warm-up · dashed: the 1 MB target',
    unit: ' KiB',
    groups: rows.map((r) => ({
      label: r.label,
      bars: [
        {
          label: 'web-socket-client',
          value: Math.max(0, r.ours.grow.median),
          min: Math.max(0, r.ours.grow.min),
          max: Math.max(0, r.ours.grow.max),
          ours: true,
          text: `${fmt(r.ours.grow.median)} KiB`,
        },
        {
          label: 'raw ws',
          value: Math.max(0, r.raw.grow.median),
          min: Math.max(0, r.raw.grow.min),
          max: Math.max(0, r.raw.grow.max),
          text: `${fmt(r.raw.grow.median)} KiB`,
        },
      ],
    })),
    marker: { value: 1024, label: '1 MB' },
  });

await standalone(import.meta.url, run, render);
