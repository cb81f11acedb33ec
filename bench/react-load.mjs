// React under load, in Chromium (real animation frames), React 19 in production mode:
// a burst of N messages, and a sustained stream at R msg/s for T seconds, pushed by the loopback
// server into (a) a component using our useMessages({ limit: 10000 }), (b) one using
// react-use-websocket's useWebSocket (lastMessage), and (c) a plain WebSocket that only counts
// (the floor: no React). Renders are counted in the component body; "lost" is frames that arrived
// at the socket but never reached what the component saw; main-thread time is Chromium's
// TaskDuration (CDP Performance.getMetrics) over the window from the command to settled.
// Each run uses a fresh page; the variants' order rotates between runs.
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchChromium, serveStatic } from './browser.mjs';
import {
  BENCH,
  barChart,
  ensureBuilt,
  fmt,
  fmtRange,
  mdTable,
  ROOT,
  standalone,
  startEchoServer,
  summary,
} from './lib.mjs';

export const COMMAND = 'node bench/react-load.mjs';

export const config = (quick) =>
  quick
    ? { runs: 1, burst: 1000, rate: 1000, streamMs: 300, maxMs: 10_000 }
    : { runs: 3, burst: 10_000, rate: 5000, streamMs: 2000, maxMs: 60_000 };

const VARIANTS = [
  { id: 'ours', label: 'web-socket-client useMessages', ours: true },
  { id: 'ours-frame', label: 'web-socket-client useMessages, throttle 0', ours: true },
  { id: 'ruw', label: 'react-use-websocket lastMessage' },
  { id: 'raw', label: 'plain WebSocket, no React (floor)' },
];

const bundlePage = async () => {
  const out = await build({
    entryPoints: [join(BENCH, 'pages', 'react-load.jsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    write: false,
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  return out.outputFiles[0].contents;
};

const metric = (metrics, name) => metrics.find((m) => m.name === name)?.value ?? 0;

const one = async (browser, origin, variant, url, scenario) => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
    await page.evaluate(([w, u]) => window.mount(w, u), [variant, url]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const before = (await cdp.send('Performance.getMetrics')).metrics;
    const r = await page.evaluate((s) => window.load(s), scenario);
    const after = (await cdp.send('Performance.getMetrics')).metrics;
    if (errors.length) throw errors[0];
    const d = (name) => (metric(after, name) - metric(before, name)) * 1000;
    return { ...r, taskMs: d('TaskDuration'), scriptMs: d('ScriptDuration') };
  } finally {
    await page.close();
  }
};

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const cfg = { ...config(flags.quick), ...(flags.runs ? { runs: flags.runs } : {}) };
  const js = await bundlePage();
  const server = await startEchoServer();
  const site = await serveStatic({
    '/': '<!doctype html><meta charset="utf-8"><title>bench</title><div id="root"></div><script type="module" src="/page.js"></script>',
    '/page.js': js,
  });
  const browser = await launchChromium();
  const url = server.url('/push');
  const scenarios = [
    {
      id: 'burst',
      label: `burst of ${fmt(cfg.burst)}`,
      command: `burst ${cfg.burst}`,
      expected: cfg.burst,
      maxMs: cfg.maxMs,
    },
    {
      id: 'stream',
      label: `${fmt(cfg.rate)} msg/s for ${cfg.streamMs / 1000} s`,
      command: `stream ${cfg.rate} ${cfg.streamMs}`,
      expected: Math.round((cfg.rate * cfg.streamMs) / 1000),
      maxMs: cfg.maxMs + cfg.streamMs,
    },
  ];
  const rows = [];
  try {
    for (const s of scenarios) {
      const samples = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
      for (let i = 0; i < cfg.runs; i++) {
        // Rotate the order so no variant always runs first (cold) or last.
        const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length]);
        for (const v of order) {
          samples[v.id].push(
            await one(browser, site.origin, v.id, url, {
              command: s.command,
              expected: s.expected,
              maxMs: s.maxMs,
            }),
          );
        }
      }
      for (const v of VARIANTS) {
        const xs = samples[v.id];
        rows.push({
          scenario: s.id,
          scenarioLabel: s.label,
          sent: s.expected,
          variant: v.id,
          label: v.label,
          ours: !!v.ours,
          renders: summary(xs.map((x) => x.renders)),
          lost: summary(xs.map((x) => s.expected - x.observed)),
          arrived: summary(xs.map((x) => x.arrived)),
          inOrder: xs.every((x) => x.inOrder),
          timedOut: xs.some((x) => x.timedOut),
          taskMs: summary(xs.map((x) => x.taskMs)),
          scriptMs: summary(xs.map((x) => x.scriptMs)),
          arrivedMs: summary(xs.map((x) => x.arrivedMs)),
        });
      }
    }
  } finally {
    await browser.close();
    await site.close();
    await server.stop();
  }
  return { rows, cfg };
};

export const render = ({ rows, cfg }) => {
  const table = mdTable(
    [
      'Scenario',
      'Component',
      'renders',
      'RUW renders / ours',
      'lost (of sent)',
      'main-thread ms (TaskDuration)',
      'of which script ms',
      'last frame arrived after (ms)',
    ],
    rows.map((r) => {
      const ruw = rows.find((x) => x.scenario === r.scenario && x.variant === 'ruw');
      return [
        r.scenarioLabel,
        (r.ours ? `**${r.label}**` : r.label) + (r.timedOut ? ' (timed out)' : ''),
        r.variant === 'raw' ? '—' : fmtRange(r.renders, 0),
        r.ours ? `${fmt(ruw.renders.median / Math.max(1, r.renders.median), 0)}×` : '',
        `${fmtRange(r.lost, 0)} of ${fmt(r.sent)}${r.ours && !r.inOrder ? ' (out of order!)' : ''}`,
        fmtRange(r.taskMs, 0),
        fmtRange(r.scriptMs, 0),
        fmtRange(r.arrivedMs, 0),
      ];
    }),
  );
  return `${table}\n\nChromium, React 19 production build, ${cfg.runs} runs (fresh page each, order rotated): median (min–max). Targets: ≥ 100× fewer renders than react-use-websocket, 0 lost. The first row of each scenario is \`useMessages\` as shipped (default \`throttle\` 30 ms); the "throttle 0" row renders on every animation frame that has news.`;
};

export const chart = ({ rows }) =>
  barChart({
    title: 'React under load: renders (log scale)',
    subtitle: 'renders of the receiving component while the messages arrive and settle',
    groups: [...new Set(rows.map((r) => r.scenario))].map((id) => ({
      label: rows.find((r) => r.scenario === id).scenarioLabel,
      bars: rows
        .filter((r) => r.scenario === id && r.variant !== 'raw')
        .map((r) => ({
          label: r.label,
          value: Math.max(1, r.renders.median),
          min: Math.max(1, r.renders.min),
          max: Math.max(1, r.renders.max),
          ours: r.ours,
          text: `${fmt(r.renders.median)} renders · ${fmt(r.taskMs.median)} ms main thread`,
        })),
    })),
    log: true,
  });

await standalone(import.meta.url, run, render);
