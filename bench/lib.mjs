// Shared helpers for the benchmarks: statistics, formatting, the echo-server child process,
// machine facts, dist checks and the SVG bar charts. No dependencies beyond Node and `ws`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH);
export const CHARTS = join(BENCH, 'charts');

import { CHROMIUM_ARGS as BASE, CHROMIUM } from '../scripts/chromium.mjs';

// Imported, not only re-exported: chromiumVersion() below needs the binding in this module.
export { CHROMIUM };
export const CHROMIUM_ARGS = ['--headless', ...BASE];

// ---- command line ------------------------------------------------------------------------

export const parseFlags = (argv = process.argv.slice(2)) => {
  const flags = { quick: false, write: undefined, json: false, only: undefined, build: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') flags.quick = true;
    else if (a === '--write') flags.write = true;
    else if (a === '--no-write') flags.write = false;
    else if (a === '--json') flags.json = true;
    else if (a === '--build') flags.build = true;
    else if (a === '--only') flags.only = String(argv[++i] ?? '').split(',');
    else if (a.startsWith('--only=')) flags.only = a.slice(7).split(',');
    else if (a === '--runs') flags.runs = Number(argv[++i]);
    else throw new Error(`Unknown flag ${a}`);
  }
  return flags;
};

/** True when the module at `url` is the script node was started with. */
export const isMain = (url) => process.argv[1] && fileURLToPath(url) === process.argv[1];

/**
 * Standalone entry for a benchmark module: run it, then print its markdown (or JSON with --json).
 * The orchestrator spawns modules this way so each gets a fresh process and heap.
 */
export const standalone = async (url, run, render) => {
  if (!isMain(url)) return;
  const flags = parseFlags();
  try {
    const result = await run(flags);
    if (flags.json) process.stdout.write(`\n@@RESULT@@${JSON.stringify(result)}\n`);
    else console.log(render(result));
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
};

// ---- statistics ----------------------------------------------------------------------------

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};

/** { median, min, max, runs } of a list of numbers. */
export const summary = (xs) => ({
  median: median(xs),
  min: Math.min(...xs),
  max: Math.max(...xs),
  runs: xs.length,
});

// ---- formatting -----------------------------------------------------------------------------

export const fmt = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : String(x);

/** "1.23 (1.10–1.30)" */
export const fmtRange = (s, digits = 2) =>
  s.runs > 1
    ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
    : fmt(s.median, digits);

export const mdTable = (header, rows, align) => {
  const al = align ?? header.map((_, i) => (i === 0 ? 'l' : 'r'));
  const sep = al.map((a) => (a === 'r' ? '---:' : a === 'c' ? ':---:' : '---'));
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n');
};

// ---- environment ----------------------------------------------------------------------------

const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'))
      .version;
  } catch {
    return 'not installed';
  }
};

export const packageVersions = () => {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const names = [
    'react-use-websocket',
    'partysocket',
    'reconnecting-websocket',
    'websocket-ts',
    'sockette',
    'ws',
    'react',
    'react-dom',
    'jsdom',
    'esbuild',
    'playwright-core',
    'size-limit',
    '@size-limit/preset-small-lib',
    'tinybench',
  ];
  const git = gitState();
  return [
    { name: `${own.name} (this repo)`, version: `${own.version} @ ${git ? git.short : 'unknown'}` },
    ...names.map((name) => ({ name, version: version(name) })),
  ];
};

const git = (...args) =>
  execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString();

/**
 * The commit the working tree is at, and what in the tree differs from it (uncommitted or
 * untracked paths, as `git status --porcelain` lists them). null outside a git checkout.
 */
export const gitState = () => {
  try {
    const commit = git('rev-parse', 'HEAD').trim();
    const short = git('rev-parse', '--short', 'HEAD').trim();
    const subject = git('log', '-1', '--format=%s').trim();
    const changed = git('status', '--porcelain')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    return { commit, short, subject, changed };
  } catch {
    return null;
  }
};

/** What `chromium --version` prints (e.g. "Chromium 156.0.8078.114 built on Debian …"), or null. */
export const chromiumVersion = () => {
  try {
    return execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
};

export const machine = () => {
  let os = `${process.platform} ${process.arch}`;
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    const name = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(rel)?.[1];
    if (name) os = `${name} (${process.platform} ${process.arch})`;
  } catch {}
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {}
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() || 'unknown',
    cores: c.length,
    ramGiB: totalmem() / 2 ** 30,
    freeGiB: freemem() / 2 ** 30,
    os,
    kernel,
    node: process.version,
    v8: process.versions.v8,
    chromium: chromiumVersion(),
  };
};

// ---- dist -----------------------------------------------------------------------------------

export const DIST_CORE = join(ROOT, 'dist', 'index.js');
export const DIST_REACT = join(ROOT, 'dist', 'react.js');

/** Builds the library when dist is missing (fresh clone after `npm ci`) or when forced. */
export const ensureBuilt = (force = false) => {
  if (!force && existsSync(DIST_CORE) && existsSync(DIST_REACT)) return false;
  console.error('[bench] building the library: npm run build');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return true;
};

// ---- the echo server, in a child process ---------------------------------------------------

/**
 * Starts bench/echo-server.mjs in its own process, so its work is not interleaved with the
 * client's event loop and its handles and heap don't count against the client's.
 * Resolves with { port, url(path), stop() }.
 */
export const startEchoServer = () =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(BENCH, 'echo-server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buf = '';
    const onData = (chunk) => {
      buf += chunk;
      const m = /PORT (\d+)/.exec(buf);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      const port = Number(m[1]);
      resolve({
        port,
        url: (path = '/echo') => `ws://127.0.0.1:${port}${path}`,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo server exited early (${code})`)));
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- SVG charts -----------------------------------------------------------------------------

const esc = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

/**
 * A horizontal bar chart. groups: [{ label, bars: [{ label, value, min?, max?, ours? }] }].
 * Values share one linear scale from 0; `min`/`max` draw a whisker (run-to-run range);
 * `marker` draws a dashed vertical line (a target or a budget).
 */
export const barChart = ({
  title,
  subtitle,
  unit = '',
  groups,
  marker,
  digits = 0,
  log = false,
}) => {
  const W = 760;
  const labelW = 250;
  const texts = groups.flatMap((g) =>
    g.bars.map((b) => b.text ?? `${fmt(b.value, digits)}${unit}`),
  );
  const valueW = Math.max(80, ...texts.map((t) => t.length * 6.3));
  const plotW = W - labelW - valueW - 20;
  const barH = 16;
  const gap = 4;
  const groupGap = 12;
  const top = (subtitle ? 52 : 36) + (marker ? 14 : 0);
  const all = groups.flatMap((g) => g.bars);
  const maxV = Math.max(...all.map((b) => Math.max(b.value, b.max ?? 0)), marker?.value ?? 0) || 1;
  const minPos = Math.min(
    ...all.filter((b) => b.value > 0).map((b) => Math.min(b.value, b.min ?? b.value)),
  );
  const lo = log ? 10 ** Math.floor(Math.log10(minPos || 1)) : 0;
  const hi = log ? 10 ** Math.ceil(Math.log10(maxV)) : maxV * 1.02;
  const x = (v) => {
    if (!log) return labelW + (Math.max(0, v) / hi) * plotW;
    const c = Math.max(v, lo);
    return labelW + ((Math.log10(c) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  };
  const parts = [];
  let y = top;
  for (const g of groups) {
    if (g.label) {
      parts.push(
        `<text x="8" y="${y + 11}" font-weight="bold" font-size="12">${esc(g.label)}</text>`,
      );
      y += 16;
    }
    for (const b of g.bars) {
      const fill = b.ours ? '#2563eb' : '#9ca3af';
      const w = Math.max(1, x(b.value) - labelW);
      parts.push(
        `<text x="${labelW - 6}" y="${y + barH - 4}" text-anchor="end" font-size="11">${esc(b.label)}</text>`,
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${fill}"/>`,
      );
      if (b.min !== undefined && b.max !== undefined && b.max > b.min) {
        const y0 = y + barH / 2;
        parts.push(
          `<line x1="${x(b.min).toFixed(1)}" x2="${x(b.max).toFixed(1)}" y1="${y0}" y2="${y0}" stroke="#111" stroke-width="1"/>`,
          `<line x1="${x(b.min).toFixed(1)}" x2="${x(b.min).toFixed(1)}" y1="${y0 - 4}" y2="${y0 + 4}" stroke="#111"/>`,
          `<line x1="${x(b.max).toFixed(1)}" x2="${x(b.max).toFixed(1)}" y1="${y0 - 4}" y2="${y0 + 4}" stroke="#111"/>`,
        );
      }
      const right = Math.max(x(b.value), b.max !== undefined ? x(b.max) : 0);
      parts.push(
        `<text x="${(right + 6).toFixed(1)}" y="${y + barH - 4}" font-size="11">${esc(b.text ?? `${fmt(b.value, digits)}${unit}`)}</text>`,
      );
      y += barH + gap;
    }
    y += groupGap;
  }
  if (marker) {
    const mx = x(marker.value).toFixed(1);
    parts.push(
      `<line x1="${mx}" x2="${mx}" y1="${top - 4}" y2="${y - groupGap}" stroke="#dc2626" stroke-dasharray="4 3"/>`,
      `<text x="${mx}" y="${top - 7}" text-anchor="middle" font-size="10" fill="#dc2626">${esc(marker.label)}</text>`,
    );
  }
  const H = y + 18;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img">
<title>${esc(title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="20" font-size="15" font-weight="bold">${esc(title)}</text>
${subtitle ? `<text x="8" y="38" font-size="11" fill="#4b5563">${esc(subtitle)}</text>` : ''}
${parts.join('\n')}
<text x="8" y="${H - 5}" font-size="10" fill="#6b7280">blue: web-socket-client · grey: baseline / peer${all.some((b) => b.max !== undefined) ? ' · whiskers: min–max' : ''}${log ? ' · log scale' : ''}</text>
</svg>
`;
};
