/**
 * A user's project in a temp dir: it installs the package from `spec` (a tarball or a git URL)
 * with ws, react and react-dom at the versions this repository pins, and runs
 * fixtures/use-entry-points.mjs with plain `node`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { npmInstall, run } from '../support/command';
import { ROOT } from '../support/pack-repository';
import type { TestServer } from '../support/server';

const pinned = (name: string): string => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const version = manifest.devDependencies?.[name];
  if (!version) throw new Error(`package.json pins no ${name}`);
  return `${name}@${version}`;
};

const fixture = fileURLToPath(new URL('./fixtures/use-entry-points.mjs', import.meta.url));

/** Creates the project in `dir` and installs `spec` into it; resolves with `dir`. */
export const scratchProject = async (dir: string, spec: string): Promise<string> => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'scratch', version: '0.0.0', private: true, type: 'module' }),
  );
  copyFileSync(fixture, join(dir, 'use-entry-points.mjs'));
  await npmInstall(
    [spec, pinned('ws'), pinned('react'), pinned('react-dom'), '--no-package-lock'],
    {
      cwd: dir,
      timeout: 300_000,
    },
  );
  return dir;
};

/** What fixtures/use-entry-points.mjs prints. */
interface Seen {
  resolved: { core: string; react: string };
  html: string;
  queued: boolean;
  echo: string;
  states: string[];
}

/**
 * Runs the fixture in `project` against `server` (an echo server) and checks what it saw: both
 * entry points resolved to the installed package, the provider rendered on the server without a
 * socket, and a core socket queued a message, had it echoed and closed.
 */
export const expectEntryPointsWork = async (project: string, server: TestServer): Promise<void> => {
  const before = server.totalConnections;
  const stdout = await run(process.execPath, ['use-entry-points.mjs'], {
    cwd: project,
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', ECHO_URL: server.url },
  });
  const seen = JSON.parse(stdout.trim()) as Seen;
  const dist = join(project, 'node_modules', 'web-socket-client', 'dist');
  expect(seen.resolved).toEqual({
    core: pathToFileURL(join(dist, 'index.js')).href,
    react: pathToFileURL(join(dist, 'react.js')).href,
  });
  expect(seen.html).toBe('<p>connecting</p>');
  expect(seen.queued).toBe(true);
  expect(seen.echo).toBe('sent before the connection opened');
  expect(seen.states).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
  // One socket, the core's: rendering the provider on the server opened none.
  expect(server.totalConnections - before).toBe(1);
};
