/**
 * Child processes for the tests that use the package as its users do (npm, git, node, Next.js):
 * each one bounded, each given an environment without what Vitest and an outer `npm test` add.
 */
import { execFile } from 'node:child_process';

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
 * outlives `timeout`, with the command line and everything it printed.
 */
export const run = (file: string, args: readonly string[], options: RunOptions): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? cleanEnv(),
        timeout: options.timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = error.killed ? `killed after ${options.timeout} ms` : `failed (${error.code})`;
        reject(
          new Error(
            `${[file, ...args].join(' ')} in ${options.cwd} ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        );
      },
    );
  });

/** `npm install`, the cache first (what CI's `npm ci` just filled), no audit, no funding notes. */
export const npmInstall = (args: readonly string[], options: RunOptions): Promise<string> =>
  run('npm', ['install', ...args, '--prefer-offline', '--no-audit', '--no-fund'], options);
