/**
 * examples/next-app as a user gets it running: the library packed from a fresh copy of the
 * repository and installed from the tarball into a copy of the example, then `next build` +
 * `next start`, and `next dev` (StrictMode), each served on 127.0.0.1 and driven in real Chromium
 * against a real `ws` echo server on an ephemeral loopback port.
 *
 * It installs Next.js and builds an app, about a minute and a half, so it is its own Vitest
 * project that runs only when asked for by name: `npm run test:next`, its own step in .ci/run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { cleanEnv, npmInstall, run } from '../support/command';
import { copyRepository, packRepository } from '../support/pack-repository';
import { startServer, type TestServer } from '../support/server';
import { type Service, startService } from '../support/service';

const guard = fileURLToPath(new URL('./fixtures/network-guard.cjs', import.meta.url));

let work = '';
let app = '';
let echo: TestServer;
/** Upgrade requests that reached the echo server, completed or not. */
let upgrades = 0;
let browser: Browser | undefined;
const services: Service[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsc-next-'));
  echo = await startServer({
    verifyClient: () => {
      upgrades++;
      return true;
    },
    onConnection: (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })),
  });
  const tarball = await packRepository(work);
  await copyRepository(work, 'examples/next-app');
  app = join(work, 'examples', 'next-app');
  // As its README says: one `npm install <tarball>`, which takes Next.js and React from the
  // example's lockfile and adds the package.
  await npmInstall([tarball], { cwd: app, timeout: 300_000 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
}, 600_000);

afterAll(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()));
  await browser?.close();
  await echo?.close();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** The environment of every Next.js process: no telemetry, the guard, the echo server's URL. */
const nextEnv = (guardLog: string): NodeJS.ProcessEnv => {
  writeFileSync(guardLog, '');
  return cleanEnv({
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_OPTIONS: `--require ${JSON.stringify(guard)}`,
    NETWORK_GUARD_LOG: guardLog,
    ECHO_URL: echo.url,
  });
};

const nextBin = (): string => join(app, 'node_modules', 'next', 'dist', 'bin', 'next');

/** What the guard recorded: the processes it ran in and the hosts it refused. */
const guarded = (guardLog: string): { processes: number; blocked: string[] } => {
  const lines = readFileSync(guardLog, 'utf8').split('\n').filter(Boolean);
  const entries = lines.map((line) => JSON.parse(line) as { loaded?: true; blocked?: string });
  return {
    processes: entries.filter((entry) => entry.loaded).length,
    blocked: entries.flatMap((entry) => (entry.blocked ? [entry.blocked] : [])),
  };
};

const startNext = async (args: string[], guardLog: string): Promise<string> => {
  const server = startService(
    process.execPath,
    [nextBin(), ...args, '-H', '127.0.0.1', '-p', '0'],
    {
      cwd: app,
      env: nextEnv(guardLog),
    },
  );
  services.push(server);
  const [, origin] = await server.waitFor(
    /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/,
    120_000,
    `next ${args[0]} to listen`,
  );
  if (!origin) throw new Error('no origin');
  return origin;
};

const textOf = (page: Page, selector: string, text: string, timeout: number) =>
  page.waitForFunction(
    ([selector, text]) => document.querySelector(selector as string)?.textContent === text,
    [selector, text],
    { timeout },
  );

const echoed = (page: Page, text: string, timeout: number) =>
  page.waitForFunction(
    (text) => [...document.querySelectorAll('#messages li')].some((li) => li.textContent === text),
    text,
    { timeout },
  );

interface Mode {
  name: string;
  /** Names its guard logs. */
  id: string;
  /** Builds if needed and starts the server; resolves with its origin. */
  start(guardLog: string): Promise<string>;
  /** Hosts Next.js may try (and the guard refuses) in this mode, with why; none if absent. */
  tolerated?: RegExp;
}

const modes: Mode[] = [
  {
    name: 'next build, then next start',
    id: 'start',
    start: async (guardLog) => {
      await run(process.execPath, [nextBin(), 'build'], {
        cwd: app,
        env: nextEnv(guardLog),
        timeout: 300_000,
      });
      const build = guarded(guardLog);
      expect(build.processes, 'processes of next build that ran the guard').toBeGreaterThan(0);
      expect(build.blocked, 'what next build tried to reach').toEqual([]);
      return startNext(['start'], `${guardLog}.start`);
    },
  },
  {
    // next dev asks the npm registry for Next.js's newest version once a browser connects to
    // its HMR socket (hot-reloader-turbopack.js getVersionInfo, not behind any setting). The
    // guard refuses it, and the dev overlay then says the version's staleness is unknown.
    name: 'next dev (StrictMode)',
    id: 'dev',
    start: (guardLog) => startNext(['dev'], `${guardLog}.start`),
    tolerated: /^registry\.npmjs\.org:443$/,
  },
];

it('the network guard refuses, and records, a connection off this machine, not one to loopback', async () => {
  const log = join(work, 'guard-self-test.log');
  writeFileSync(log, '');
  const script = `
    const net = require('node:net');
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const local = net.connect(server.address().port, '127.0.0.1', () => {
        local.end();
        server.close();
        net.connect(80, '192.0.2.1').on('error', (error) => console.log(error.code));
      });
    });`;
  const stdout = await run(process.execPath, ['-e', script], {
    cwd: work,
    timeout: 20_000,
    env: cleanEnv({ NODE_OPTIONS: `--require ${JSON.stringify(guard)}`, NETWORK_GUARD_LOG: log }),
  });
  expect(stdout.trim()).toBe('ECONNREFUSED');
  expect(guarded(log)).toEqual({ processes: 1, blocked: ['192.0.2.1:80'] });
});

describe.each(modes)('$name', (mode) => {
  let origin = '';
  let page: Page;
  let guardLog = '';
  const problems: string[] = [];
  let connectionsBefore = 0;
  let upgradesBefore = 0;

  beforeAll(async () => {
    guardLog = join(work, `guard-${mode.id}.log`);
    connectionsBefore = echo.totalConnections;
    upgradesBefore = upgrades;
    origin = await mode.start(guardLog);
  }, 420_000);

  afterAll(async () => {
    await page?.close();
    await services.pop()?.stop();
  }, 30_000);

  it('serves HTML that holds the initial state, and opened no socket to render it', async () => {
    const response = await fetch(origin, { signal: AbortSignal.timeout(180_000) });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<output id="connection-state">connecting</output>');
    expect(html).toContain('<ol id="messages"></ol>');
    expect(echo.totalConnections - connectionsBefore).toBe(0);
    expect(upgrades - upgradesBefore).toBe(0);
  }, 200_000);

  it('hydrates without a warning or an error, and opens exactly one connection', async () => {
    if (!browser) throw new Error('no browser');
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`${message.type()}: ${message.text()} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(origin, { waitUntil: 'load', timeout: 120_000 });
    await textOf(page, '#connection-state', 'connected', 60_000);
    // A round trip: by its end every mount effect (StrictMode's second run too) has run.
    await page.fill('#message', 'hello from Next.js');
    await page.click('button[type="submit"]');
    await echoed(page, 'hello from Next.js', 30_000);
    expect(await page.inputValue('#message')).toBe('');
    expect(problems).toEqual([]);
    expect(echo.totalConnections - connectionsBefore).toBe(1);
    expect(upgrades - upgradesBefore).toBe(1);
    expect(echo.connections).toHaveLength(1);
  }, 200_000);

  it('shows reconnected after the server restarts on the same port, and echoes again', async () => {
    // The browser reports the refused attempts while the server is down as console errors:
    // those are expected here, so the hydration check above is over.
    await echo.restart();
    await textOf(page, '#connection-state', 'reconnected', 60_000);
    await page.fill('#message', 'and after the restart');
    await page.click('button[type="submit"]');
    await echoed(page, 'and after the restart', 30_000);
    expect(echo.connections).toHaveLength(1);
    expect(echo.received.slice(-1)).toEqual(['and after the restart']);
  }, 120_000);

  it('reached nothing outside this machine', () => {
    const { processes, blocked } = guarded(`${guardLog}.start`);
    expect(processes).toBeGreaterThan(0);
    expect(blocked.filter((host) => !mode.tolerated?.test(host))).toEqual([]);
  });
});
