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
  const server = await startChaosServer();
  project.provide('chaosUrl', server.url);
  project.provide('chaosHttpUrl', server.httpUrl);
  return () => server.close();
}
