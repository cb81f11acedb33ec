import type { TestProject } from 'vitest/node';
import { startChaosServer } from '../../scripts/chaos-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `ws://127.0.0.1:PORT` of this project's chaos server. */
    chaosUrl: string;
    /** `http://127.0.0.1:PORT`, for `GET /stats?room=/path`. */
    chaosHttpUrl: string;
  }
}

/**
 * Starts a real chaos server (scripts/chaos-server.mjs) on 127.0.0.1, an ephemeral port, for the
 * project that lists this file, and hands its URL to the browser with `provide`. The browser and
 * Storybook projects each get their own server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startChaosServer({
    // A restart that could not listen again leaves this project's tests talking to nothing.
    // Vitest only logs a failed teardown, so the run is failed here, with the cause on stderr.
    onError: (error) => {
      console.error(`[chaos] ${error.message}`);
      process.exitCode = 1;
    },
  });
  project.provide('chaosUrl', server.url);
  project.provide('chaosHttpUrl', server.httpUrl);
  return () => server.close();
}
