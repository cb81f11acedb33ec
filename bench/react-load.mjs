// React under load, in Chromium (real animation frames), React 19 in production mode:
// a burst of N messages, and a sustained stream at R msg/s for T seconds, pushed by the loopback
// server into (a) a component using our useMessages({ limit: 10000 }), (b) one using
// react-use-websocket's useWebSocket (lastMessage), (c) react-use-websocket at its best (no
// lastMessage, onMessage batched per animation frame), and (d) a plain WebSocket that only counts
// (the floor: no React). Renders are counted in the component body; "lost" is frames that arrived
// at the socket but never reached what the component saw; main-thread time is Chromium's
// TaskDuration (CDP Performance.getMetrics) over the window from the command to settled.
// Each run uses a fresh page per variant; the variants' order rotates between runs, and every
// ratio is taken within one run (each variant against ours measured in the same run).
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
    : { runs: 5, burst: 10_000, rate: 5000, streamMs: 2000, maxMs: 60_000 };

const VARIANTS = [
  { id: 'ours', label: 'web-socket-client useMessages', ours: true },
  { id: 'ours-frame', label: 'web-socket-client useMessages, throttle 0', ours: true },
  { id: 'ruw', label: 'react-use-websocket lastMessage' },
  {
    id: 'ruw-batched',
    label: 'react-use-websocket, filter: () => false + onMessage batched per frame',
    short: 'react-use-websocket, batched by hand',
  },
  { id: 'raw', label: 'plain WebSocket, no React (floor)' },
];

/** Per run i: f(variant's run i) / f(ours' run i), as a summary over the runs. */
const perRun = (xs, ours, f) => summary(xs.map((x, i) => f(x) / Math.max(1e-9, f(ours[i]))));

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
  const chromium = browser.version();
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
        const ours = samples.ours;
        rows.push({
          scenario: s.id,
          scenarioLabel: s.label,
          sent: s.expected,
          variant: v.id,
          label: v.label,
          short: v.short ?? v.label,
          ours: !!v.ours,
          renders: summary(xs.map((x) => x.renders)),
          lost: summary(xs.map((x) => s.expected - x.observed)),
          arrived: summary(xs.map((x) => x.arrived)),
          inOrder: xs.every((x) => x.inOrder),
          timedOut: xs.some((x) => x.timedOut),
          taskMs: summary(xs.map((x) => x.taskMs)),
          scriptMs: summary(xs.map((x) => x.scriptMs)),
          arrivedMs: summary(xs.map((x) => x.arrivedMs)),
          frames: summary(xs.map((x) => x.frames)),
          // The bound a per-frame batcher keeps: one render per frame while arriving, plus one.
          withinFrames: xs.filter((x) => x.renders <= x.frames + 1).length,
          runs: xs.length,
          // Renders and main-thread time against ours in the same run.
          rendersVsOurs: perRun(xs, ours, (x) => Math.max(1, x.renders)),
          taskVsOurs: perRun(xs, ours, (x) => x.taskMs),
        });
      }
    }
  } finally {
    await browser.close();
    await site.close();
    await server.stop();
  }
  return { rows, cfg, chromium };
};

export const render = ({ rows, cfg }) => {
  const table = mdTable(
    [
      'Scenario',
      'Component',
      'renders',
      'renders ÷ ours (per run)',
      'lost (of sent)',
      'main-thread ms (TaskDuration)',
      'main thread ÷ ours (per run)',
      'of which script ms',
      'animation frames while arriving',
      'last frame arrived after (ms)',
    ],
    rows.map((r) => [
      r.scenarioLabel,
      (r.ours ? `**${r.label}**` : r.label) + (r.timedOut ? ' (timed out)' : ''),
      r.variant === 'raw' ? '—' : fmtRange(r.renders, 0),
      r.variant === 'ours' || r.variant === 'raw' ? '' : `${fmtRange(r.rendersVsOurs, 2)}×`,
      `${fmtRange(r.lost, 0)} of ${fmt(r.sent)}${r.inOrder ? '' : ' (out of order!)'}`,
      fmtRange(r.taskMs, 0),
      r.variant === 'ours' ? '' : `${fmtRange(r.taskVsOurs, 2)}×`,
      fmtRange(r.scriptMs, 0),
      fmtRange(r.frames, 0) +
        (r.ours || r.variant === 'ruw-batched'
          ? `; renders ≤ frames + 1 in ${r.withinFrames}/${r.runs} runs`
          : ''),
      fmtRange(r.arrivedMs, 0),
    ]),
  );
  return `${table}\n\nChromium, React 19 production build, ${cfg.runs} run${cfg.runs > 1 ? 's' : ''} (a fresh page per variant, the order rotated): median (min–max). A ratio is taken within each run (the variant's figure over ours, measured in the same run), then summarised. Targets: 0 lost; at least 100× fewer renders than react-use-websocket's \`lastMessage\`; renders within the animation frames that passed while the messages arrived, plus one. The first row of each scenario is \`useMessages\` as shipped (default \`throttle\` 30 ms: at most one render per frame and per 30 ms); the "throttle 0" row renders on every animation frame that has news. The hand-batched react-use-websocket row is the fair comparison, not a target: any per-frame batcher renders as often as Chromium runs frames while the messages arrive, and how many frames it runs differs from page to page and run to run (see the frames column).`;
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
          label: r.short,
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
