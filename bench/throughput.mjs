// Throughput in Node: our client (driving the `ws` client) vs the raw `ws` client, against the
// same loopback echo server (a child process). Ping-pong: send one, await its echo, repeat.
// Pipelined: send a batch of N, await N echoes, repeat. Every loop is bounded by a message count
// and by time; the figure is messages echoed per second. In each run both clients are connected
// and measured in alternating time slices (pages/loops.js), and the ratio ours/raw is taken per
// run; the table shows the median and min–max over runs.
import WS from 'ws';
import {
  barChart,
  DIST_CORE,
  ensureBuilt,
  fmt,
  fmtRange,
  mdTable,
  standalone,
  startEchoServer,
  summary,
} from './lib.mjs';
import { oneRun, opened, ourClient, rawClient } from './pages/loops.js';

export const COMMAND = 'node bench/throughput.mjs';

export const SIZES = [
  { label: '1 B', bytes: 1, batch: 1000 },
  { label: '1 KB', bytes: 1024, batch: 1000 },
  { label: '64 KB', bytes: 64 * 1024, batch: 64 },
];

export const config = (quick) =>
  quick
    ? { runs: 1, ms: 80, slices: 2, warmupMs: 20, maxCount: 20_000 }
    : { runs: 5, ms: 1000, slices: 10, warmupMs: 150, maxCount: 2_000_000 };

const openRaw = async (url) => rawClient(await opened(new WS(url)));

const openOurs = async (Client, url) => {
  const ws = new Client(url, { WebSocket: WS, environment: null });
  await ws.connection.firstWhere((s) => s.type === 'connected');
  return ourClient(ws);
};

/**
 * Every mode × size, `runs` times each: `once(row)` resolves with [raw, ours] messages a second.
 * Shared by the Node and the Chromium benchmark, which differ only in where `once` runs.
 */
export const sampleRows = async (runs, once) => {
  const rows = [];
  for (const mode of ['ping-pong', 'pipelined']) {
    for (const size of SIZES) {
      const ours = [];
      const raw = [];
      const ratio = [];
      for (let i = 0; i < runs; i++) {
        const [r, o] = await once({ mode, bytes: size.bytes, batch: size.batch });
        ours.push(o);
        raw.push(r);
        ratio.push(o / r);
      }
      rows.push({
        mode,
        size: size.label,
        batch: mode === 'pipelined' ? size.batch : 1,
        ours: summary(ours),
        raw: summary(raw),
        ratio: summary(ratio),
      });
    }
  }
  return rows;
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const { WebSocket: Client } = await import(DIST_CORE);
  const cfg = { ...config(flags.quick), ...(flags.runs ? { runs: flags.runs } : {}) };
  const server = await startEchoServer();
  const url = server.url('/echo');
  try {
    const rows = await sampleRows(cfg.runs, (row) =>
      oneRun(
        () => openRaw(url),
        () => openOurs(Client, url),
        row,
        cfg,
      ),
    );
    return { rows, cfg };
  } finally {
    await server.stop();
  }
};

export const render = ({ rows, cfg }, baseline = 'raw `ws` client') =>
  `${mdTable(
    ['Mode', 'Message', 'ours (msg/s)', `${baseline} (msg/s)`, 'ratio ours / raw', 'target ≥ 0.95'],
    rows.map((r) => [
      r.mode + (r.batch > 1 ? ` (${r.batch} in flight)` : ''),
      r.size,
      fmt(r.ours.median),
      fmt(r.raw.median),
      fmtRange(r.ratio),
      r.ratio.median >= 0.95 ? '✅' : '❌',
    ]),
  )}\n\n${cfg.runs} runs per row; in each run both clients are connected and measured for ${cfg.ms} ms each, in ${cfg.slices} alternating slices (after a ${cfg.warmupMs} ms warm-up each). Rates are medians over runs; the ratio is taken per run: median (min–max).`;

export const chart = ({ rows }, title = 'Throughput in Node: ours / raw ws (ratio)') =>
  barChart({
    title,
    subtitle:
      'messages echoed per second, ours divided by the raw client in the same run · dashed: target 0.95',
    groups: ['ping-pong', 'pipelined'].map((mode) => ({
      label: mode,
      bars: rows
        .filter((r) => r.mode === mode)
        .map((r) => ({
          label: r.size,
          value: r.ratio.median,
          min: r.ratio.min,
          max: r.ratio.max,
          ours: true,
          text: `${fmt(r.ratio.median, 2)}×`,
        })),
    })),
    marker: { value: 0.95, label: '0.95' },
    digits: 2,
  });

await standalone(import.meta.url, run, render);
