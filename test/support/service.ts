/**
 * Child processes for tests (npm, git, a `next build`, a `next start` or `next dev` server): each in
 * its own process group, so `stop()` ends it together with every process it started (Next.js's
 * workers, npm's scripts), and every group still running is killed when the test process exits,
 * also after a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Service {
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Resolves with its exit code (null when a signal ended it or it could not start). */
  readonly exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in its output; rejects if it exits first. */
  waitFor(pattern: RegExp, ms: number, what: string): Promise<RegExpMatchArray>;
  /**
   * SIGTERM to its process group, SIGKILL after `grace` ms; resolves once it exited. Whatever it
   * started and left behind is killed too. Idempotent.
   */
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
  let stdout = '';
  let ended = false;
  const changed = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...changed]) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    notify();
  });
  const exited = new Promise<number | null>((resolve) => {
    const end = (code: number | null): void => {
      ended = true;
      notify();
      resolve(code);
    };
    child.once('exit', (code) => end(code));
    child.once('error', (error) => {
      output += `\n[could not start ${file}: ${error.message}]\n`;
      if (child.pid === undefined) end(null);
    });
  });

  return {
    output: () => output,
    stdout: () => stdout,
    exited,
    waitFor(pattern, ms, what) {
      let listener = (): void => {};
      let timer: NodeJS.Timeout | undefined;
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        listener = () => {
          const match = output.match(pattern);
          if (match) resolve(match);
          else if (ended) reject(new Error(`It exited before ${what}. Its output:\n${output}`));
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
      if (!ended) signalGroup(child, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), grace);
      await exited;
      clearTimeout(killer);
      signalGroup(child, 'SIGKILL');
      running.delete(child);
    },
  };
};
