// The throughput loops, shared by Node (bench/throughput.mjs) and Chromium (pages/throughput.js).
// A client here is { send(data), onMessage(callback), close(): Promise }. Every loop is bounded
// by a message count and by time.

/** Ping-pong: one message in flight. Resolves { count, ms }. */
export const pingPong = (c, payload, { ms, maxCount }) =>
  new Promise((resolve) => {
    let count = 0;
    const start = performance.now();
    const deadline = start + ms;
    c.onMessage(() => {
      count++;
      if (count >= maxCount || performance.now() >= deadline) {
        resolve({ count, ms: performance.now() - start });
      } else c.send(payload);
    });
    c.send(payload);
  });

/** Pipelined: `batch` messages in flight, then wait for all their echoes. Resolves { count, ms }. */
export const pipelined = (c, payload, batch, { ms, maxCount }) =>
  new Promise((resolve) => {
    let count = 0;
    let inBatch = 0;
    const start = performance.now();
    const deadline = start + ms;
    const fire = () => {
      inBatch = 0;
      for (let i = 0; i < batch; i++) c.send(payload);
    };
    c.onMessage(() => {
      count++;
      if (++inBatch < batch) return;
      if (count >= maxCount || performance.now() >= deadline) {
        resolve({ count, ms: performance.now() - start });
      } else fire();
    });
    fire();
  });

/**
 * One run: both clients connected, then `cfg.slices` alternating time slices (A B, B A, …) so
 * that load from elsewhere on the machine falls on both alike. Resolves [A msg/s, B msg/s].
 */
export const oneRun = async (openA, openB, { mode, bytes, batch }, cfg) => {
  const a = await openA();
  const b = await openB();
  const payload = 'x'.repeat(bytes);
  const loop = (c, opts) =>
    mode === 'ping-pong' ? pingPong(c, payload, opts) : pipelined(c, payload, batch, opts);
  const totals = [
    { count: 0, ms: 0 },
    { count: 0, ms: 0 },
  ];
  const clients = [a, b];
  await loop(a, { ms: cfg.warmupMs, maxCount: cfg.maxCount });
  await loop(b, { ms: cfg.warmupMs, maxCount: cfg.maxCount });
  for (let s = 0; s < cfg.slices; s++) {
    for (const i of s % 2 ? [1, 0] : [0, 1]) {
      const r = await loop(clients[i], { ms: cfg.ms / cfg.slices, maxCount: cfg.maxCount });
      totals[i].count += r.count;
      totals[i].ms += r.ms;
    }
  }
  await a.close();
  await b.close();
  return totals.map((t) => (t.count / t.ms) * 1000);
};

/** Wraps an open WHATWG-style socket (browser WebSocket, or ws) as a loop client. */
export const rawClient = (ws) => {
  let cb = () => {};
  ws.onmessage = (e) => cb(e.data);
  return {
    send: (d) => ws.send(d),
    onMessage: (f) => {
      cb = f;
    },
    close: () =>
      new Promise((done) => {
        ws.onclose = () => done();
        ws.close();
      }),
  };
};

/** Wraps one of our connected clients as a loop client. */
export const ourClient = (ws) => {
  let cb = () => {};
  ws.messages.subscribe((d) => cb(d));
  return {
    send: (d) => ws.send(d),
    onMessage: (f) => {
      cb = f;
    },
    close: async () => {
      ws.close();
      await ws.connection.firstWhere((s) => s.type === 'disconnected').catch(() => {});
    },
  };
};

export const opened = (ws) =>
  new Promise((resolve, reject) => {
    ws.onerror = () => reject(new Error('WebSocket error'));
    ws.onopen = () => resolve(ws);
  });
