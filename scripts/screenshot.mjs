/**
 * `npm run screenshot`: the README's pictures of the Storybook, taken in the Debian Chromium with
 * playwright-core, each after its story's play function has passed.
 *
 *   docs/storybook.png          the whole Storybook (sidebar, a story, its addon panel)
 *   docs/stories/<story>.png    one per story, the story alone: the README's gallery
 *
 * By default it builds the static Storybook (`storybook build` into storybook-static/), starts a
 * chaos server (scripts/chaos-server.mjs) and a static file server on 127.0.0.1, both on ephemeral
 * ports, and hands the chaos server's URL to the stories the way the Vitest setup does
 * (`globalThis.__CHAOS_URL__`), so the pictures show a real server at work. Options:
 *
 *   --no-build        reuse storybook-static/ as it is
 *   --storybook URL   shoot a Storybook that is already running (`npm start`) instead
 *   --out DIR         write the pictures to DIR instead of docs/
 *   --docs            also shoot every docs page, whole (DIR/pages/<page>.png): for looking, not
 *                     for the README
 *   --full            also shoot each story in the whole Storybook UI (DIR/ui/<story>.png)
 *   --only TEXT       only the stories and pages whose id contains TEXT
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startChaosServer } from './chaos-server.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    storybook: { type: 'string' },
    out: { type: 'string', default: join(root, 'docs') },
    docs: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    only: { type: 'string', default: '' },
  },
});
const out = resolve(flags.out);
const staticDir = join(root, 'storybook-static');

/** The hero picture: the lab after a whole offline-and-back recovery. */
const HERO = 'demos-resilience-lab--offline-queue-and-retry';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

/** Serves `dir` on 127.0.0.1, an ephemeral port. */
const serveStatic = async (dir) => {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir)) {
      response.writeHead(403).end();
      return;
    }
    try {
      // Read first: headers go out only once the file is known to exist.
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(done)),
  };
};

const stops = [];
let base = flags.storybook?.replace(/\/+$/, '');
/** @type {string | undefined} */
let chaosUrl;
if (!base) {
  if (flags.build && !flags['no-build']) {
    const built = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/storybook/dist/bin/dispatcher.js'),
        'build',
        '--disable-telemetry',
        '--quiet',
        '-o',
        staticDir,
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' } },
    );
    if (built.status !== 0) throw new Error('storybook build failed');
  }
  const chaos = await startChaosServer();
  stops.push(() => chaos.close());
  chaosUrl = chaos.url;
  const files = await serveStatic(staticDir);
  stops.push(files.close);
  base = files.url;
}

const index = JSON.parse(
  flags.storybook
    ? await (await fetch(`${base}/index.json`)).text()
    : readFileSync(join(staticDir, 'index.json'), 'utf8'),
);
const entries = Object.values(index.entries).filter((e) => e.id.includes(flags.only));
const stories = entries.filter((e) => e.type === 'story');
const pages = entries.filter((e) => e.type === 'docs' && !e.tags?.includes('autodocs'));

/** A picture's file name: the story's title and name, as words. */
const fileName = (entry) =>
  `${entry.title.split('/').at(-1)}-${entry.name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
const failures = [];
try {
  const context = await browser.newContext({ deviceScaleFactor: 1 });
  /** A page of the given viewport (a context's newPage takes none). */
  const open = async (width, height) => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    return page;
  };
  if (chaosUrl) {
    const url = chaosUrl;
    // Runs in every frame, the preview iframe included, before its scripts: the stories read it
    // as the Vitest setup's chaos server (stories/support/chaos.ts).
    await context.addInitScript((value) => {
      globalThis.__CHAOS_URL__ = value;
    }, url);
  }

  /** No hover, no focus ring left by the play function's last click: the story as it rests. */
  const settle = async (page, body) => {
    await page.mouse.move(0, 0);
    await body.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    });
  };

  /** Opens `id` in the whole UI with the Interactions panel; resolves once its play passed. */
  const openInUi = async (page, id) => {
    await page.goto(`${base}/?path=/story/${id}&addonPanel=storybook/interactions/panel`);
    const preview = page.frameLocator('#storybook-preview-iframe');
    await preview.locator('.demo').waitFor({ timeout: 30_000 });
    // Opened by the URL: clicking the tab would take the focus from a play function that types.
    const panel = page.locator('#storybook-panel-root');
    await panel.getByText(/^(pass|fail)$/i).waitFor({ timeout: 60_000 });
    if (await panel.getByText(/^fail$/i).count())
      throw new Error(`the play function of ${id} failed`);
    await settle(page, preview.locator('body'));
    return preview;
  };

  if (!flags.only || HERO.includes(flags.only)) {
    const page = await open(1280, 800);
    await openInUi(page, HERO);
    await page.screenshot({ path: join(out, 'storybook.png') });
    console.log(`${join(out, 'storybook.png')}: ${HERO}`);
    await page.close();
  }

  mkdirSync(join(out, 'stories'), { recursive: true });
  if (flags.full) mkdirSync(join(out, 'ui'), { recursive: true });
  for (const story of stories) {
    try {
      if (flags.full) {
        const page = await open(1280, 800);
        await openInUi(page, story.id);
        // The addon panel a person opens first: Controls where the story has any.
        const controls = page.getByRole('tab', { name: /^Controls/ });
        if (await controls.count()) {
          await controls.click();
          await page.getByRole('tab', { name: /^Controls/, selected: true }).waitFor();
        }
        await page.screenshot({ path: join(out, 'ui', `${fileName(story)}.png`) });
        await page.close();
      }
      // The story alone, as tall as it is: a viewport lower than any story, and the full page.
      const page = await open(1100, 120);
      await page.addInitScript(() => {
        // The preview's channel, caught as it is set: its STORY_FINISHED says whether play passed.
        let channel;
        Object.defineProperty(globalThis, '__STORYBOOK_ADDONS_CHANNEL__', {
          configurable: true,
          get: () => channel,
          set: (value) => {
            channel = value;
            value.on('storyFinished', (event) => {
              globalThis.__storyFinished = event;
            });
          },
        });
      });
      await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story`);
      const finished = await (
        await page.waitForFunction(() => globalThis.__storyFinished, undefined, { timeout: 60_000 })
      ).jsonValue();
      if (finished.status !== 'success') throw new Error('its play function failed');
      await settle(page, page.locator('body'));
      const target = join(out, 'stories', `${fileName(story)}.png`);
      await page.screenshot({ path: target, fullPage: true });
      await page.close();
      console.log(`${target}: ${story.id}`);
    } catch (error) {
      failures.push(`${story.id}: ${error.message}`);
      console.error(`${story.id}: ${error.message}`);
    }
  }

  if (flags.docs) {
    mkdirSync(join(out, 'pages'), { recursive: true });
    for (const entry of pages) {
      const page = await open(1100, 800);
      try {
        await page.goto(`${base}/iframe.html?id=${entry.id}&viewMode=docs`);
        await page.locator('.sbdocs-content').waitFor({ timeout: 30_000 });
        // Not 'networkidle': a page whose demo polls its server (the login gate asks the chaos
        // server for its counts) never goes quiet. Its assets and fonts are what must be in.
        await page.waitForLoadState('load');
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        // Code blocks are highlighted after the page renders: every page has at least one.
        await page.locator('.docblock-source').first().waitFor();
        await page.evaluate(
          () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
        );
        const target = join(out, 'pages', `${fileName(entry).replace(/-docs$/, '')}.png`);
        await page.screenshot({ path: target, fullPage: true });
        console.log(`${target}: ${entry.id}`);
      } catch (error) {
        failures.push(`${entry.id}: ${error.message}`);
      } finally {
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  for (const stop of stops.reverse()) await stop();
}
if (failures.length) {
  console.error(`${failures.length} failed:\n${failures.join('\n')}`);
  process.exit(1);
}
