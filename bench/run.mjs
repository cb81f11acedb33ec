// Runs every benchmark, each in its own Node process (fresh heap, its own flags), and writes
// BENCHMARKS.md with the tables, the machine, the versions and one SVG chart per table
// (bench/charts/*.svg).
//
//   node bench/run.mjs              full run; writes BENCHMARKS.md and bench/charts/
//   node bench/run.mjs --quick      CI smoke: every benchmark with tiny counts (< 60 s); writes
//                                   nothing unless --write is given
//   --only size,latency             a subset (ids below)     --build   rebuild dist first
//
// Figures are ratios against a baseline measured in the same run (the machine may be busy), each
// taken per run and reported as the median of the runs with min–max. BENCHMARKS.md names the
// commit it was measured at (and the uncommitted paths, if any), the Chromium the browser
// benchmarks drove, and the size budgets package.json gives size-limit, which CI enforces.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  BENCH,
  CHARTS,
  CHROMIUM as CHROMIUM_NAME,
  ensureBuilt,
  fmt,
  fmtRange,
  gitState,
  machine,
  mdTable,
  packageVersions,
  parseFlags,
  ROOT,
} from './lib.mjs';

const BENCHMARKS = [
  { id: 'size', file: 'size.mjs', title: 'Bundle size', chart: 'size.svg' },
  {
    id: 'throughput',
    file: 'throughput.mjs',
    title: 'Throughput in Node',
    chart: 'throughput-node.svg',
  },
  {
    id: 'browser-throughput',
    file: 'browser-throughput.mjs',
    title: 'Throughput in Chromium',
    chart: 'throughput-chromium.svg',
  },
  { id: 'react-load', file: 'react-load.mjs', title: 'React under load', chart: 'react-load.svg' },
  { id: 'memory', file: 'memory.mjs', title: 'Memory and handles', chart: 'memory.svg' },
  { id: 'latency', file: 'latency.mjs', title: 'Reconnect latency', chart: 'latency.svg' },
  { id: 'herd', file: 'herd.mjs', title: 'Thundering herd (simulation)', chart: 'herd.svg' },
  { id: 'tabs', file: 'tabs.mjs', title: 'Tabs: one connection per browser', chart: 'tabs.svg' },
];

const flags = parseFlags();
const write = flags.write ?? !flags.quick;
const selected = BENCHMARKS.filter((b) => !flags.only || flags.only.includes(b.id));
if (flags.only && !selected.length) {
  console.error(`--only: unknown ids; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
  process.exit(2);
}

/** Runs one benchmark module in a child process; resolves its JSON result. */
const runChild = (b, mod) =>
  new Promise((resolve, reject) => {
    const args = [...(mod.NODE_FLAGS ?? []), join(BENCH, b.file), '--json'];
    if (flags.quick) args.push('--quick');
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
    });
    const limit = flags.quick ? 60_000 : 20 * 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${b.id} took longer than ${limit / 1000} s`));
    }, limit);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const i = out.lastIndexOf('@@RESULT@@');
      const before = i >= 0 ? out.slice(0, i) : out;
      if (before.trim()) process.stderr.write(before);
      if (code !== 0 || i < 0) return reject(new Error(`${b.id} exited with code ${code}`));
      resolve(JSON.parse(out.slice(i + 10).split('\n')[0]));
    });
  });

const t0 = performance.now();
const startedAt = new Date();
const loadBefore = loadavg();
// Before anything is written: the tree as measured.
const git = gitState();
ensureBuilt(flags.build);

const done = [];
for (const b of selected) {
  const mod = await import(`./${b.file}`);
  const t = performance.now();
  process.stderr.write(`[bench] ${b.id}${flags.quick ? ' (quick)' : ''} …\n`);
  try {
    const result = await runChild(b, mod);
    const seconds = (performance.now() - t) / 1000;
    const markdown = mod.render(result);
    done.push({ ...b, mod, result, markdown, seconds });
    process.stderr.write(`[bench] ${b.id} done in ${fmt(seconds, 1)} s\n`);
    console.log(`\n## ${b.title}\n\n${markdown}\n`);
  } catch (error) {
    const seconds = (performance.now() - t) / 1000;
    done.push({ ...b, mod, error: String(error?.message ?? error), seconds });
    process.stderr.write(
      `[bench] ${b.id} FAILED after ${fmt(seconds, 1)} s: ${error?.message ?? error}\n`,
    );
  }
}
const totalSeconds = (performance.now() - t0) / 1000;
const loadAfter = loadavg();
const failed = done.filter((d) => d.error);
process.stderr.write(
  `[bench] ${done.length - failed.length}/${done.length} benchmarks ran in ${fmt(totalSeconds, 1)} s${failed.length ? `; failed: ${failed.map((f) => f.id).join(', ')}` : ''}\n`,
);

// ---- BENCHMARKS.md ---------------------------------------------------------------------------

const get = (id) => done.find((d) => d.id === id && !d.error)?.result;

const headlines = () => {
  const lines = [];
  const size = get('size');
  if (size) {
    const r = Object.fromEntries(size.rows.map((x) => [x.id, x]));
    const budgets = size.budgets
      .map((b) => `${b.name} ${fmt(b.size)} B of ${fmt(b.sizeLimit)} B ${b.passed ? '✅' : '❌'}`)
      .join('; ');
    lines.push(
      `**Size (min+gzip, esbuild):** \`import { WebSocket }\` ${fmt(r.coreWebSocket.gzip)} B; provider + 3 hooks incl. core ${fmt(r.reactHooks.gzip)} B; everything ${fmt(r.both.gzip)} B. Peers: react-use-websocket ${fmt(r.ruwHook.gzip)} B, partysocket/react ${fmt(r.psReact.gzip)} B, partysocket core ${fmt(r.psWs.gzip)} B, reconnecting-websocket ${fmt(r.rws.gzip)} B, websocket-ts ${fmt(r.wts.gzip)} B, sockette ${fmt(r.sockette.gzip)} B. **Budgets CI enforces** (size-limit, package.json): ${budgets}.`,
    );
  }
  const tp = (id, where) => {
    const t = get(id);
    if (!t) return;
    const parts = t.rows.map((r) => `${r.mode} ${r.size} ${fmtRange(r.ratio, 2)}`);
    const worst = Math.min(...t.rows.map((r) => r.ratio.median));
    lines.push(
      `**Throughput, ${where} (ours / raw per run, median (min–max)):** ${parts.join('; ')} — lowest median ${fmt(worst, 2)} (target ≥ 0.95).`,
    );
  };
  tp('throughput', 'Node vs raw `ws`');
  tp('browser-throughput', "Chromium vs the browser's WebSocket");
  const rl = get('react-load');
  if (rl) {
    const scen = [...new Set(rl.rows.map((r) => r.scenario))].map((s) => {
      const row = (v) => rl.rows.find((r) => r.scenario === s && r.variant === v);
      const o = row('ours');
      const u = row('ruw');
      const b = row('ruw-batched');
      return `${o.scenarioLabel}: ours ${fmtRange(o.renders, 0)} renders, ${fmt(o.lost.max)} lost, ${fmt(o.taskMs.median)} ms main thread; react-use-websocket \`lastMessage\` ${fmtRange(u.rendersVsOurs, 0)}× ours' renders, ${fmt(u.lost.max)} lost; react-use-websocket batched per frame by hand ${fmtRange(b.renders, 0)} renders (${fmtRange(b.rendersVsOurs, 2)}× ours), ${fmt(b.lost.max)} lost, main thread ${fmtRange(b.taskVsOurs, 2)}× ours`;
    });
    lines.push(
      `**React under load (Chromium; ratios per run, median (min–max)):** ${scen.join('; ')}. Targets: 0 lost; ≥ 100× fewer renders than \`lastMessage\`; at most one render per animation frame while the messages arrive, plus one.`,
    );
  }
  const mem = get('memory');
  if (mem) {
    lines.push(
      `**Memory (heap growth per cycle, ${fmt(mem.cfg.a)} → ${fmt(mem.cfg.b)} cycles; ours − raw per run vs noise):** ${mem.rows.map((r) => `${r.label}: ours ${fmt(r.ours.perCycle.median, 1)} B, raw ${fmt(r.raw.perCycle.median, 1)} B, ours − raw ${fmt(r.extra.median, 1)} B (noise ${fmt(r.noise, 1)} B), ${fmt(r.ours.handles.max)} handles left${mem.cfg.smoke ? '' : r.ok ? ' ✅' : ' ❌'}`).join('; ')}.`,
    );
  }
  const lat = get('latency');
  if (lat) {
    lines.push(
      `**Reconnect latency:** server back → Reconnected net of backoff ${fmt(lat.reconnect.ours.net.median, 2)} ms vs ${fmt(lat.reconnect.raw.net.median, 2)} ms for a raw \`ws\` retry loop (median; per pair of samples ours / raw ${fmtRange(lat.netRatio, 2)}×; total incl. ConstantBackoff(${lat.cfg.backoff}) wait ${fmt(lat.reconnect.ours.total.median, 2)} ms); \`online\` signal → attempt started ${fmt(lat.online.latency.median, 1)} µs (p90 ${fmt(lat.online.latency.p90, 1)} µs).`,
    );
  }
  const herd = get('herd');
  if (herd) {
    const j = herd.rows.find((r) => r.id === 'jittered');
    const p = herd.rows.find((r) => r.id === 'plain');
    lines.push(
      `**Herd (${fmt(herd.cfg.clients)} real clients, ${herd.cfg.down / 1000} s outage, virtual clock):** peak ${fmtRange(j.peak, 0)} connects/100 ms with the shipped default backoff vs ${fmt(p.peak.median)} with the same schedule unjittered; p99 reconnect after the return ${fmtRange(j.p99, 0)} ms vs ${fmt(p.p99.median)} ms.`,
    );
  }
  const tabs = get('tabs');
  if (tabs) {
    const row = (id) => tabs.rows.find((r) => r.id === id);
    const shared = row('shared');
    const perTab = row('per-tab');
    lines.push(
      `**Tabs (${tabs.cfg.tabs} pages of one Chromium, heartbeat every ${fmt(tabs.cfg.interval)} ms):** shared ${fmt(shared.open.median)} connection and ${fmtRange(shared.pingsPerMinute, 0)} heartbeat frames/min at the server vs ${fmt(perTab.open.median)} connections and ${fmtRange(perTab.pingsPerMinute, 0)} for one socket per tab (${fmtRange(tabs.ratio.pingsPerMinute, 3)}× per run); after one drop ${fmtRange(shared.reconnects, 0)} reconnect vs ${fmtRange(perTab.reconnects, 0)}.`,
    );
  }
  return lines.map((l) => `- ${l}`).join('\n');
};

const NOTES = {
  size: `Each row bundles a one-line entry that re-exports only what the row names (ours from the built \`dist/\`), with the esbuild JS API: \`bundle\`, \`minify\`, \`format: 'esm'\`, \`platform: 'browser'\`, \`external: ['react', 'react-dom']\` (the same as \`npx esbuild ENTRY.js --bundle --minify --format=esm --external:react --external:react-dom\` of docs/peers §2). gzip is Node's zlib at level 9 and brotli is quality 11, both on the minified bytes. The gzip CLI (\`gzip -9 -c file\`) adds the file name to its header, so its figures run about 10–40 B higher. The budgets are enforced by \`npm run size\` (size-limit, \`gzip: true\`). size-limit measures a little differently: it does not set ESM and subtracts an empty bundle's size, so its figures differ from this table by a few dozen bytes.`,
  throughput: `One echo server in a child process on 127.0.0.1 (\`ws\`, echoing each frame). Ours is \`new WebSocket(url, { WebSocket: ws, environment: null })\` from dist/. The raw client is \`ws\` driven through its WHATWG-style \`onmessage\`/\`send\`, which is the interface our client uses. Strings of 1 B, 1,024 B and 65,536 B are sent as text frames. Every loop stops at a message count or a time limit, whichever comes first.`,
  'browser-throughput': `A static server on 127.0.0.1:0 serves a page, the built \`dist/index.js\` (unbundled) and the shared loops (\`bench/pages/loops.js\`). The page runs the browser's \`WebSocket\` and ours (with its defaults) against the same echo server. Chromium is driven by playwright-core (headless, \`--no-sandbox --disable-gpu …\`). Chromium's receive path (network service → renderer IPC) is the bottleneck here, so the absolute rates are far below Node's.`,
  'react-load': `The page (\`bench/pages/react-load.jsx\`) is bundled by esbuild with React 19 in production mode. The server pushes "0", "1", … over one socket per variant. **ours**: \`<WebSocketProvider url>\` around a component using \`useMessages({ limit: 10000 })\` (default \`throttle\`: a render on the next frame, at least 30 ms after the previous one), \`useConnectionState\` and \`useSend\`; **ours, throttle 0**: the same with \`throttle: 0\`, a render on every frame that has news. **RUW lastMessage**: \`useWebSocket(url)\` reading \`lastMessage\`, its documented way. **RUW batched**: react-use-websocket at its best: \`filter: () => false\` (so \`lastMessage\` never changes) and an \`onMessage\` that pushes into a ref and flushes it into state once per animation frame, keeping the last 10,000, as a careful user would write it. **raw**: no React; it only counts. Renders are counted in the component body, from the moment the command is sent until every frame has arrived and 4 animation frames plus 100 ms have passed. Lost for RUW: frames that arrived at the socket (its \`onMessage\` option) but never showed up as a \`lastMessage\` seen by an effect. Lost for ours and RUW batched: frames missing from the final list, which is also checked for order. "Animation frames while arriving" are counted in the page with \`requestAnimationFrame\` from the command to the last frame's arrival. Main-thread time is Chromium's \`TaskDuration\` (CDP \`Performance.getMetrics\`) over the same window; it includes the WebSocket message tasks themselves, which the raw row shows alone.`,
  memory: '',
  latency: '',
  herd: '',
  tabs: '',
};

/** package.json's size-limit entries, as CI enforces them: "name ≤ limit; …". */
const sizeBudgets = () =>
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))['size-limit'] ?? [])
    .map((e) => `${e.name} ≤ ${e.limit}`)
    .join('; ');

const section = (d, n) => {
  const head = `## ${n}. ${d.title}`;
  const cmd = `Command: \`${d.mod.COMMAND}${flags.quick ? ' --quick' : ''}\` (run as part of \`npm run bench\`${flags.quick ? ' --quick' : ''}; took ${fmt(d.seconds, 1)} s in this run).`;
  if (d.error) return `${head}\n\n${cmd}\n\n**Did not run:** \`${d.error}\`\n`;
  const note = NOTES[d.id] ? `\n\n${NOTES[d.id]}` : '';
  const img = d.svg ? `\n\n![${d.title}](bench/charts/${d.chart})` : '';
  return `${head}\n\n${cmd}${img}\n\n${d.markdown}${note}\n`;
};

if (write) {
  mkdirSync(CHARTS, { recursive: true });
  for (const d of done) {
    if (d.error || !d.mod.chart) continue;
    const svg = d.mod.chart(d.result);
    if (!svg) continue;
    writeFileSync(join(CHARTS, d.chart), svg);
    d.svg = true;
  }
  const m = machine();
  // The browser the Chromium benchmarks drove says its version; --version is the fallback.
  const driven = [get('browser-throughput'), get('react-load'), get('tabs')].find(
    (r) => r?.chromium,
  )?.chromium;
  const chromium = driven
    ? `Chromium ${driven} (as reported by the browser the benchmarks drove, \`${CHROMIUM_NAME}\`)`
    : (m.chromium ?? 'not found: the Chromium benchmarks did not run');
  const machineTable = mdTable(
    ['', ''],
    [
      ['CPU', `${m.cpu}`],
      ['Cores (logical)', String(m.cores)],
      ['RAM', `${fmt(m.ramGiB, 1)} GiB (${fmt(m.freeGiB, 1)} GiB free at the end)`],
      ['OS', `${m.os}${m.kernel ? `, kernel ${m.kernel}` : ''}`],
      ['Node', `${m.node} (V8 ${m.v8})`],
      ['Chromium', chromium],
      [
        'Load average (1/5/15 min) at start → end',
        `${loadBefore.map((x) => fmt(x, 2)).join(' / ')} → ${loadAfter.map((x) => fmt(x, 2)).join(' / ')}`,
      ],
    ],
    ['l', 'l'],
  );
  const versions = mdTable(
    ['Package', 'Version'],
    packageVersions().map((p) => [p.name, p.version]),
    ['l', 'l'],
  );
  const at = git
    ? `at commit \`${git.commit}\` ("${git.subject}"), ${git.changed.length ? `**with uncommitted changes** in ${git.changed.length} path${git.changed.length > 1 ? 's' : ''} (${git.changed.slice(0, 8).join(', ')}${git.changed.length > 8 ? ', …' : ''})` : 'with a clean tree'}`
    : 'outside a git checkout (commit unknown)';
  const doc = `# Benchmarks

Generated by \`npm run bench\` (\`node bench/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\`) ${at}, on ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}; the whole run took ${fmt(totalSeconds, 0)} s.
Do not edit by hand: rerun the command. \`npm run bench:smoke\` runs every benchmark with tiny counts as a CI smoke test (it writes nothing).

**How to read these figures.** The machine may be busy with other work, so absolute rates move between runs. Each figure is therefore measured side by side with its baseline in the same run. For throughput the two even alternate in time slices. Every ratio is taken within one run (ours against the baseline measured beside it) and reported as the median over the runs with the min–max range. Charts: blue is web-socket-client, grey is the baseline or a peer.

## Headline figures

${headlines()}

## Machine

${machineTable}

## Versions compared

${versions}

${done.map((d, i) => section(d, i + 1)).join('\n')}
## Reproducing

\`\`\`bash
npm ci
npm run bench          # everything; builds dist/ if missing (--build to force); writes BENCHMARKS.md + bench/charts/
npm run bench:smoke    # every benchmark with tiny counts, < 60 s; add --write to write the files anyway
node bench/run.mjs --only size,latency    # a subset: ${BENCHMARKS.map((b) => b.id).join(', ')}
node bench/throughput.mjs                 # one benchmark, prints its table (--json for the raw result)
npm run size           # the size-limit budgets CI enforces (package.json): ${sizeBudgets()}
\`\`\`

The browser benchmarks need Chromium at \`/usr/bin/chromium\` (\`apt-get install -y chromium\`; or set \`CHROMIUM_PATH\`). All network traffic stays on 127.0.0.1.
`;
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), doc);
  process.stderr.write(
    `[bench] wrote BENCHMARKS.md and ${done.filter((d) => d.svg).length} charts in bench/charts/\n`,
  );
}

process.exit(failed.length ? 1 : 0);
