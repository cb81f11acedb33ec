// The scenario run in Bun, Deno and Node 22, each with its own global WebSocket (nothing is
// injected): connect, echo, a server restart with messages queued across it, a server close code,
// the default heartbeat probe on an idle healthy link, and a clean close. It prints one line per
// step, `@@{"step":…}` as JSON, and exits 0 when every step passed. Plain JavaScript: no runtime
// runs TypeScript here the same way.
//
//   <runtime> scenario.mjs '{"core":"file:///…/core.mjs","url":"ws://127.0.0.1:…","ping":false}'

const config = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
const { WebSocket, isOpen, ConstantBackoff } = await import(config.core);

const started = Date.now();
const report = (step, data = {}) =>
  console.log(`@@${JSON.stringify({ step, at: Date.now() - started, ...data })}`);
const fail = (step, message) => {
  report(step, { ok: false, message });
  throw new Error(`${step}: ${message}`);
};
const within = (promise, ms, step) => {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${step}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};
const nextMessage = (socket, match) =>
  new Promise((resolve) => {
    const stop = socket.messages.subscribe((m) => {
      if (match(String(m))) {
        stop();
        resolve(String(m));
      }
    });
  });

const runtime = globalThis.Bun
  ? `bun ${Bun.version}`
  : globalThis.Deno
    ? `deno ${Deno.version.deno}`
    : `node ${process.version}`;
report('runtime', { ok: typeof globalThis.WebSocket === 'function', runtime });

// Default timeout (60 s): a failed attempt that waited for a close event that never comes (undici)
// would take that long; the test allows a few seconds.
const socket = new WebSocket(`${config.url}/runtime`, { backoff: new ConstantBackoff(50) });
const states = [];
socket.connection.subscribe((s) => states.push(s.type));

await within(socket.connection.firstWhere(isOpen), 5000, 'connect');
report('connect', { ok: true, protocol: socket.protocol });

const echo = nextMessage(socket, (m) => m === 'hello');
socket.send('hello');
report('echo', { ok: (await within(echo, 5000, 'echo')) === 'hello' });

// The server goes away for 300 ms; messages sent meanwhile are queued and delivered after.
const lost = socket.connection.firstWhere((s) => s.type === 'reconnecting');
socket.send('__restart:300');
await within(lost, 5000, 'restart: lost');
const lostAt = Date.now();
const queued = [socket.send('queued-1'), socket.send('queued-2')];
const echoes = Promise.all([
  nextMessage(socket, (m) => m === 'queued-1'),
  nextMessage(socket, (m) => m === 'queued-2'),
]);
await within(
  socket.connection.firstWhere((s) => s.type === 'reconnected'),
  10_000,
  'restart: back',
);
const back = Date.now() - lostAt;
await within(echoes, 5000, 'restart: queued echoes');
report('restart', { ok: queued.every(Boolean), back, queued: socket.queued.length });

// A server close code reaches the Disconnected, and the socket comes back.
const closed = socket.connection.firstWhere((s) => s.type === 'disconnected');
socket.send('__close:4001:token expired');
const d = await within(closed, 5000, 'close code');
await within(
  socket.connection.firstWhere((s) => s.type === 'reconnected'),
  5000,
  'close code: back',
);
report('close-code', {
  ok: d.code === 4001 && d.reason === 'token expired',
  code: d.code,
  reason: d.reason,
});

// An idle, healthy link under a heartbeat must stay up: the default probe is a protocol ping
// where the runtime has one (Bun); elsewhere an app-level ping the echo server answers.
const beat = new WebSocket(`${config.url}/heartbeat`, {
  backoff: new ConstantBackoff(50),
  heartbeat: config.ping ? { interval: 150 } : { interval: 150, ping: 'hb', pong: 'hb' },
});
const beatStates = [];
beat.connection.subscribe((s) => beatStates.push(s.type));
await within(beat.connection.firstWhere(isOpen), 5000, 'heartbeat: connect');
await new Promise((resolve) => setTimeout(resolve, 1200)); // eight intervals of silence
report('heartbeat', { ok: beatStates.join() === 'connecting,connected', states: beatStates });
beat.close(1000, 'done');
await within(
  beat.connection.firstWhere((s) => s.type === 'disconnected'),
  6000,
  'heartbeat: close',
);

socket.close(1000, 'bye');
const end = await within(
  socket.connection.firstWhere((s) => s.type === 'disconnected'),
  6000,
  'close',
);
report('close', { ok: end.code === 1000, states });

// The typed errors of the production build, with their codes.
let invalid;
try {
  new WebSocket('ftp://example.test/');
} catch (error) {
  invalid = error;
}
report('errors', {
  ok: invalid?.code === 'INVALID_URL',
  name: invalid?.name,
  message: invalid?.message,
});
if (!invalid) fail('errors', 'no error for an ftp URL');
report('done', { ok: true });
