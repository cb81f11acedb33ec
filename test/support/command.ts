/**
 * Commands for the tests that use the package as its users do (npm, git, node, Next.js): each one
 * bounded, each given an environment without what Vitest and an outer `npm test` add.
 */
import { startService } from './service';

/**
 * `process.env` without Vitest's variables, `NODE_ENV=test` (Next.js refuses a non-standard
 * NODE_ENV) and the `npm_*` variables of an outer `npm test`, which an inner npm would read as its
 * own configuration. `extra` is added last.
 */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|npm_|NODE_ENV$|NODE_OPTIONS$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
};

export interface RunOptions {
  cwd: string;
  /** Killed after this long; the error says so. */
  timeout: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `file` with `args` to completion and resolves with its stdout. Rejects when it fails or
 * outlives `timeout` (then its whole process group is killed), with the command line and
 * everything it printed.
 */
export const run = async (
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<string> => {
  const child = startService(file, args, { cwd: options.cwd, env: options.env ?? cleanEnv() });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeout);
  });
  const code = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  await child.stop(0);
  if (code === 0) return child.stdout();
  const why = code === 'timeout' ? `was killed after ${options.timeout} ms` : `failed (${code})`;
  throw new Error(`${[file, ...args].join(' ')} in ${options.cwd} ${why}:\n${child.output()}`);
};

/** `npm install`, the cache first (what CI's `npm ci` just filled), no audit, no funding notes. */
export const npmInstall = (args: readonly string[], options: RunOptions): Promise<string> =>
  run('npm', ['install', ...args, '--prefer-offline', '--no-audit', '--no-fund'], options);
