// Runs in Chromium (bench/browser-throughput.mjs): the browser's own WebSocket vs our client,
// against the same loopback echo server, with the loops Node uses (loops.js).
import { WebSocket as Client } from './index.js';
import { oneRun, opened, ourClient, rawClient } from './loops.js';

window.oneRun = ({ url, row, cfg }) =>
  oneRun(
    async () => rawClient(await opened(new WebSocket(url))),
    async () => {
      const ws = new Client(url);
      await ws.connection.firstWhere((s) => s.type === 'connected');
      return ourClient(ws);
    },
    row,
    cfg,
  );
window.ready = true;
