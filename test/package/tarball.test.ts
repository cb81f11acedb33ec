/**
 * `npm pack` on a fresh clone (the repository's files, no dist/) gives a package that works
 * where users run it: installed from the tarball into a scratch project, imported with plain
 * Node ESM. Only `prepare` builds it, so this fails the day that script goes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packRepository } from '../support/pack-repository';
import { startServer, type TestServer } from '../support/server';
import { expectEntryPointsWork, scratchProject } from './scratch-project';

let work = '';
let project = '';
let server: TestServer | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsc-tarball-'));
  server = await startServer({
    onConnection: (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })),
  });
  const tarball = await packRepository(work);
  project = await scratchProject(join(work, 'project'), tarball);
}, 400_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const installed = (file: string): string =>
  join(project, 'node_modules', 'web-socket-client', file);

it('holds dist/, built by npm pack itself, and no sources', () => {
  expect(existsSync(join(work, 'source', 'dist', 'index.js'))).toBe(true);
  for (const file of [
    'index.js',
    'index.development.js',
    'index.d.ts',
    'react.js',
    'react.development.js',
    'react.d.ts',
  ]) {
    expect(existsSync(installed(`dist/${file}`)), file).toBe(true);
  }
  expect(existsSync(installed('src'))).toBe(false);
});

it('imports both entry points in plain Node ESM, and they work against a real server', async () => {
  if (!server) throw new Error('no server');
  await expectEntryPointsWork(project, server);
});

// Both builds: Next.js resolves the `development` condition in `next dev`, the default otherwise.
it.each(['react.js', 'react.development.js'])(
  "starts the React entry's %s with 'use client' (Next.js App Router)",
  (file) => {
    // A directive counts only as the first statement of the module.
    expect(readFileSync(installed(`dist/${file}`), 'utf8')).toMatch(/^'use client';\n/);
  },
);

it.each(['index.js', 'index.development.js'])(
  "leaves 'use client' out of the core's %s, which servers run too",
  (file) => {
    expect(readFileSync(installed(`dist/${file}`), 'utf8')).not.toMatch(/use client/);
  },
);
