/**
 * The package as it is built from source. `copyRepository` gives what a fresh clone of this work
 * holds: the files git tracks plus new ones it does not ignore, so no dist/ and no node_modules.
 * `packRepository` runs `npm pack` in such a copy, which has to build dist/ by itself.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './command';

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Copies the repository's files (or those under `under`) into `into`, at the same paths. */
export const copyRepository = async (into: string, under = '.'): Promise<void> => {
  const listing = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', under],
    { cwd: ROOT, timeout: 30_000 },
  );
  // --cached also lists tracked files deleted in the work tree: a clone of this work has none.
  const files = listing.split('\0').filter((file) => file && existsSync(join(ROOT, file)));
  if (!files.includes('package.json') && under === '.') {
    throw new Error(`git listed no package.json in ${ROOT}`);
  }
  for (const file of files) {
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(join(ROOT, file), join(into, file));
  }
};

/**
 * Copies the repository to `workDir/source` and runs `npm pack` there, putting the tarball in
 * `workDir`; resolves with its path. The copy gets the repository's node_modules as a link, as a
 * clone has its own after `npm ci`: the build needs tsdown, and nothing else comes from here.
 */
export const packRepository = async (workDir: string): Promise<string> => {
  const source = join(workDir, 'source');
  await copyRepository(source);
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', workDir], { cwd: source, timeout: 180_000 });
  const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1 || !tarballs[0]) {
    throw new Error(`npm pack left ${tarballs.length} tarballs in ${workDir}: ${tarballs}`);
  }
  return join(workDir, tarballs[0]);
};
