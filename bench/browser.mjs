// Chromium plumbing shared by the browser benchmarks: a static server on 127.0.0.1:0 serving
// in-memory files, and a playwright-core launch of the Debian Chromium.

import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { CHROMIUM, CHROMIUM_ARGS } from './lib.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };

/** files: { '/path': string | Buffer | () => string|Buffer }. Resolves { origin, close() }. */
export const serveStatic = (files) =>
  new Promise((resolve) => {
    const server = createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const entry = files[path];
      if (entry === undefined) {
        res.writeHead(404).end();
        return;
      }
      const body = typeof entry === 'function' ? await entry() : entry;
      const dot = path.lastIndexOf('.');
      const ext = dot > path.lastIndexOf('/') ? path.slice(dot) : '.html';
      res.writeHead(200, {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });

export const launchChromium = async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
};
