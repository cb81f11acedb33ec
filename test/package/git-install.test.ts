/**
 * `npm install <git URL>` of a fresh clone gives a working package. npm clones the repository,
 * installs its dependencies and runs `prepare` (and only `prepare`, not `prepack`) before it packs
 * it, so this is the route that needs that script. The repository here is a local one
 * (`git+file:`), made from this work's files; a hosted one goes the same way.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../support/command';
import { copyRepository } from '../support/pack-repository';
import { startServer, type TestServer } from '../support/server';
import { expectEntryPointsWork, scratchProject } from './scratch-project';

let work = '';
let project = '';
let server: TestServer | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsc-git-'));
  server = await startServer({
    onConnection: (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })),
  });
  const repository = join(work, 'repository');
  await copyRepository(repository);
  const git = (...args: string[]) => run('git', args, { cwd: repository, timeout: 60_000 });
  await git('init', '--quiet');
  await git('add', '--all');
  await git(
    '-c',
    'user.name=test',
    '-c',
    'user.email=test@example.invalid',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '--quiet',
    '--message',
    'this work, as a fresh clone holds it',
  );
  project = await scratchProject(join(work, 'project'), `git+file://${repository}`);
}, 400_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('installs with dist/ built', () => {
  const dist = join(project, 'node_modules', 'web-socket-client', 'dist');
  for (const file of ['index.js', 'index.d.ts', 'react.js', 'react.d.ts']) {
    expect(existsSync(join(dist, file)), file).toBe(true);
  }
});

it('imports both entry points in plain Node ESM, and they work against a real server', async () => {
  if (!server) throw new Error('no server');
  await expectEntryPointsWork(project, server);
});
