// The loopback WebSocket server every benchmark talks to, run as a child process
// (bench/lib.mjs startEchoServer). Prints "PORT <n>" when listening on 127.0.0.1.
//
//   /echo   echoes every frame as it came (text stays text, binary stays binary)
//   /close  closes each connection right after it opens (reconnect-cycle benchmark)
//   /push   commands from the client:
//             "burst <n>"            sends "0" … "n-1" as fast as it can
//             "stream <rate> <ms>"   sends "0", "1", … at <rate> messages/s for <ms>
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const http = createServer((_req, res) => {
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http });

const burst = (ws, n) => {
  for (let i = 0; i < n; i++) ws.send(String(i));
};

const stream = (ws, rate, ms) => {
  const start = performance.now();
  const total = Math.round((rate * ms) / 1000);
  let sent = 0;
  const tick = () => {
    if (ws.readyState !== 1) return;
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
    while (sent < due) ws.send(String(sent++));
    if (sent < total) setTimeout(tick, 1);
  };
  tick();
};

wss.on('connection', (ws, req) => {
  ws.on('error', () => {});
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/close') {
    ws.close(1000, 'bye');
    return;
  }
  if (path === '/push') {
    ws.on('message', (data) => {
      const [cmd, a, b] = String(data).split(' ');
      if (cmd === 'burst') burst(ws, Number(a));
      else if (cmd === 'stream') stream(ws, Number(a), Number(b));
    });
    return;
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});

http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${http.address().port}\n`);
});

const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Die with the parent.
process.on('disconnect', stop);
setInterval(() => {
  if (process.ppid === 1) stop();
}, 1000).unref();
