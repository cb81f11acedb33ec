/**
 * Long-running child processes for tests (a `next start` or `next dev` server): each in its own
 * process group, so `stop()` ends it together with every process it started, and every one still
 * running is killed when the test process exits, also after a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Service {
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits first. */
  waitFor(pattern: RegExp, ms: number, what: string): Promise<RegExpMatchArray>;
  /** SIGTERM to its process group, SIGKILL after `grace` ms; resolves once it exited. */
  stop(grace?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is gone already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
};

process.once('exit', () => {
  for (const child of running) signalGroup(child, 'SIGKILL');
});

export const startService = (
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Service => {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group: what stop() signals
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const changed = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of [...changed]) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      for (const listener of [...changed]) listener();
      resolve();
    });
  });
  child.once('error', (error) => append(Buffer.from(`\n[spawn error] ${error.message}\n`)));

  return {
    output: () => output,
    waitFor(pattern, ms, what) {
      let listener = (): void => {};
      let timer: NodeJS.Timeout | undefined;
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        listener = () => {
          const match = output.match(pattern);
          if (match) resolve(match);
          else if (exited) reject(new Error(`It exited before ${what}. Its output:\n${output}`));
        };
        timer = setTimeout(
          () =>
            reject(new Error(`Timed out after ${ms} ms waiting for ${what}. Output:\n${output}`)),
          ms,
        );
        changed.add(listener);
        listener();
      }).finally(() => {
        clearTimeout(timer);
        changed.delete(listener);
      });
    },
    async stop(grace = 10_000) {
      signalGroup(child, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), grace);
      await exit;
      clearTimeout(killer);
      // Whatever it started and left behind goes too.
      signalGroup(child, 'SIGKILL');
      running.delete(child);
    },
  };
};
