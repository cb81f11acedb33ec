// Throughput in Chromium: our client (dist/index.js, served as is) vs the browser's own
// WebSocket, in one page, against the same loopback echo server (a child process). Same loops,
// sizes and slicing as bench/throughput.mjs; driven with playwright-core.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, serveStatic } from './browser.mjs';
import { BENCH, DIST_CORE, ensureBuilt, standalone, startEchoServer } from './lib.mjs';
import { config, chart as nodeChart, render as nodeRender, sampleRows } from './throughput.mjs';

export const COMMAND = 'node bench/browser-throughput.mjs';

export const run = async (flags = {}) => {
  ensureBuilt(flags.build);
  const cfg = { ...config(flags.quick), ...(flags.runs ? { runs: flags.runs } : {}) };
  const server = await startEchoServer();
  const site = await serveStatic({
    '/': '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/throughput.js"></script>',
    '/index.js': () => readFileSync(DIST_CORE),
    '/loops.js': () => readFileSync(join(BENCH, 'pages', 'loops.js')),
    '/throughput.js': () => readFileSync(join(BENCH, 'pages', 'throughput.js')),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => window.ready === true, null, { timeout: 10_000 });
    const url = server.url('/echo');
    const rows = await sampleRows(cfg.runs, (row) =>
      page.evaluate((arg) => window.oneRun(arg), { url, row, cfg }),
    );
    if (errors.length) throw errors[0];
    return { rows, cfg, chromium: browser.version() };
  } finally {
    await browser.close();
    await site.close();
    await server.stop();
  }
};

export const render = (result) => nodeRender(result, "Chromium's WebSocket");

export const chart = (result) =>
  nodeChart(result, "Throughput in Chromium: ours / the browser's WebSocket (ratio)");

await standalone(import.meta.url, run, render);
