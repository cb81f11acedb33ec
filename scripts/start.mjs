/**
 * `npm start`: the chaos server and Storybook, together, on 127.0.0.1.
 *
 * 1. Starts the chaos server (scripts/chaos-server.mjs) on 127.0.0.1, an ephemeral port.
 * 2. Spawns `storybook dev` on 127.0.0.1:6006 with STORYBOOK_CHAOS_URL=ws://127.0.0.1:PORT in its
 *    environment. Storybook hands STORYBOOK_* variables to the preview as
 *    `import.meta.env.STORYBOOK_*` (see .storybook/main.ts `env`), where stories/support/chaos.ts
 *    reads it; without it (a static build) the stories use the in-page mock server.
 * 3. Stops both when either ends or on Ctrl-C / SIGTERM.
 *
 * Extra arguments are passed to `storybook dev` (e.g. `npm start -- --ci`).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { startChaosServer } from './chaos-server.mjs';

const require = createRequire(import.meta.url);
const manifest = require.resolve('storybook/package.json');
const bin = JSON.parse(readFileSync(manifest, 'utf8')).bin;
const storybook = resolve(dirname(manifest), typeof bin === 'string' ? bin : bin.storybook);

const server = await startChaosServer({
  log: (line) => console.log(`[chaos] ${line}`),
  // Nothing serves the stories' URL any more: stop loudly rather than demo a dead server.
  onError: (error) => {
    console.error(`[chaos] ${error.message}`);
    stop(1);
  },
});
console.log(`[chaos] listening on ${server.url} (passed to Storybook as STORYBOOK_CHAOS_URL)`);

const child = spawn(
  process.execPath,
  [
    storybook,
    'dev',
    '--host',
    '127.0.0.1',
    '--no-open',
    '--disable-telemetry',
    '-p',
    '6006',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, STORYBOOK_CHAOS_URL: server.url, STORYBOOK_DISABLE_TELEMETRY: '1' },
  },
);

let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  // A restart failure was reported as it happened; here it only decides the exit code.
  const closed = await server.close().then(
    () => true,
    () => false,
  );
  process.exit(closed ? code : code || 1);
};

child.on('exit', (code, signal) => {
  stop(code ?? (signal ? 1 : 0));
});
child.on('error', (error) => {
  console.error(`could not start Storybook: ${error.message}`);
  stop(1);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
// `kill <npm's pid>` ends npm and its shell but not us: notice being orphaned, and stop too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(0), 1000).unref();
