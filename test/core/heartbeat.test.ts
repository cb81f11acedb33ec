import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConstantBackoff, Disconnected, type HeartbeatOptions } from '../../src/core';
import {
  expectNoLeaks,
  FakeEnvironment,
  FakeTransport,
  flush,
  make,
  record,
  types,
  WsLikeTransport,
} from './fake-transport';

const seed = () => ({ backoff: new ConstantBackoff(0), minUptime: 0 });
const ws = (heartbeat: HeartbeatOptions, extra = {}) => {
  const socket = make({ ...seed(), WebSocket: WsLikeTransport, heartbeat, ...extra });
  const t = FakeTransport.last as WsLikeTransport;
  return { socket, t };
};

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('heartbeat', () => {
  it('sends a protocol ping after `interval` idle, and declares the link dead after `timeout`', () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 });
    const states = record(socket);
    t.open();
    vi.advanceTimersByTime(999);
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(499);
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: 'heartbeat timeout' }));
    // Declared dead at once: detached, terminated, and the reconnect starts without waiting.
    expect(t.terminateCalls).toBe(1);
    expect(t.detached).toBe(true);
    expect(t.listenerCount).toBe(0);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('registers for ws ping/pong only with a heartbeat', () => {
    // ('unexpected-response' is always heard: it carries the HTTP status of a refused upgrade.)
    const life = (t: WsLikeTransport) =>
      [...t.listeners].filter(([event, set]) => /^p[io]ng$/.test(event) && set.size).length;
    make({ WebSocket: WsLikeTransport });
    expect(life(FakeTransport.last as WsLikeTransport)).toBe(0);
    const { t } = ws({ interval: 1000 });
    expect(life(t)).toBe(2);
    expect([...t.listeners.keys()].filter((e) => /^p[io]ng$/.test(e)).sort()).toEqual([
      'ping',
      'pong',
    ]);
  });

  it('timeout defaults to interval', () => {
    const { socket, t } = ws({ interval: 1000 });
    t.open();
    vi.advanceTimersByTime(1999);
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(socket.connection.state.type).toBe('reconnecting');
  });

  it('any inbound message postpones the probe', () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    t.open();
    vi.advanceTimersByTime(800);
    t.receive('data');
    vi.advanceTimersByTime(999);
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.pings).toBe(1);
    expect(got).toEqual(['data']);
  });

  it('a pong counts as life', () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(1000);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(200);
    t.pong();
    vi.advanceTimersByTime(300); // the deadline: alive
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(699); // 1000 ms after the pong
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(1);
    expect(t.pings).toBe(2);
  });

  it("a server's own ping counts as life", () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(1000);
    for (const l of t.listeners.get('ping') ?? []) l();
    vi.advanceTimersByTime(500);
    expect(socket.connection.state.type).toBe('connected');
  });

  it('no false positive when the reply arrives just before the timeout', () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(1499);
    t.receive('late but in time');
    vi.advanceTimersByTime(1);
    expect(socket.connection.state.type).toBe('connected');
    expect(FakeTransport.instances).toHaveLength(1);
  });

  it('sends the app-level `ping` through send when given, instead of a protocol ping', () => {
    const { t } = ws({ interval: 1000, ping: '{"type":"ping"}' });
    t.open();
    vi.advanceTimersByTime(1000);
    expect(t.sent).toEqual(['{"type":"ping"}']);
    expect(t.pings).toBe(0);
  });

  it('an app-level ping works on a browser-like transport (no ping method)', () => {
    const socket = make({ ...seed(), heartbeat: { interval: 1000, ping: 'ping', pong: 'pong' } });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    const t = FakeTransport.last;
    t.open();
    vi.advanceTimersByTime(1000);
    expect(t.sent).toEqual(['ping']);
    t.receive('pong');
    vi.advanceTimersByTime(1000);
    expect(socket.connection.state.type).toBe('connected');
    expect(got).toEqual([]);
  });

  it('an app-level ping lets a browser-like transport be asked on a signal, instead of dropped', () => {
    const environment = new FakeEnvironment();
    const socket = make({
      ...seed(),
      environment,
      heartbeat: { interval: 30_000, timeout: 1000, ping: 'ping', pong: 'pong' },
    });
    const t = FakeTransport.last;
    t.open();
    environment.emit('resume'); // the machine slept: ask the link rather than presume it dead
    expect(t.sent).toEqual(['ping']);
    expect(socket.connection.state.type).toBe('connected');
    t.receive('pong');
    vi.advanceTimersByTime(1000);
    expect(socket.connection.state.type).toBe('connected');
    expect(FakeTransport.instances).toHaveLength(1);
  });

  it('the `pong` matcher swallows replies: they never reach messages', () => {
    const { socket, t } = ws({ interval: 1000, pong: 'pong' });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    t.open();
    t.receive('pong');
    t.receive('data');
    expect(got).toEqual(['data']);

    const fn = ws({
      interval: 1000,
      pong: (d) => typeof d === 'string' && d.startsWith('{"pong"'),
    });
    const got2: unknown[] = [];
    fn.socket.messages.subscribe((m) => got2.push(m));
    fn.t.open();
    fn.t.receive('{"pong":1}');
    fn.t.receive('{"data":1}');
    expect(got2).toEqual(['{"data":1}']);
  });

  it('without a `pong` matcher, replies are ordinary messages', () => {
    const { socket, t } = ws({ interval: 1000 });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    t.open();
    t.receive('pong');
    expect(got).toEqual(['pong']);
  });

  it('a timer that fires long after it was due (the machine slept) probes at once', () => {
    const { t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(900);
    t.receive('x'); // without the jump the probe would wait until 1900
    vi.setSystemTime(Date.now() + 3_600_000);
    vi.advanceTimersByTime(100);
    expect(t.pings).toBe(1);
  });

  it('a wall clock set back counts idleness from the new time: the probe is not put off by the step', () => {
    const { t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(500);
    t.receive('x');
    vi.setSystemTime(Date.now() - 600_000); // the clock is set back ten minutes
    vi.advanceTimersByTime(500); // the check: heard "in the future", so idle from now
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(999);
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.pings).toBe(1);
  });

  it('without a clock jump the same timer only re-arms', () => {
    const { t } = ws({ interval: 1000, timeout: 500 });
    t.open();
    vi.advanceTimersByTime(900);
    t.receive('x');
    vi.advanceTimersByTime(100);
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(899);
    expect(t.pings).toBe(0);
    vi.advanceTimersByTime(1);
    expect(t.pings).toBe(1);
  });

  it('pingInterval (the seed option) maps to a heartbeat with timeout = interval', () => {
    const socket = make({ ...seed(), WebSocket: WsLikeTransport, pingInterval: 2000 });
    const states = record(socket);
    const t = FakeTransport.last as WsLikeTransport;
    t.open();
    vi.advanceTimersByTime(2000);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(1999);
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: 'heartbeat timeout' }));
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('runs again on the reconnected transport', () => {
    const { socket } = ws({ interval: 1000 });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, '');
    const t2 = FakeTransport.last as WsLikeTransport;
    t2.open();
    expect(socket.connection.state.type).toBe('reconnected');
    vi.advanceTimersByTime(1000);
    expect(t2.pings).toBe(1);
  });

  it('stops while closing and leaves nothing behind', () => {
    const { socket, t } = ws({ interval: 1000 });
    t.open();
    vi.advanceTimersByTime(500);
    socket.close();
    vi.advanceTimersByTime(3000);
    expect(t.pings).toBe(0);
    t.finishClose();
    expectNoLeaks();
  });

  it('without a heartbeat, an open socket holds no timer', () => {
    make(seed());
    FakeTransport.last.open();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a death within minUptime waits the backoff before the next attempt', () => {
    make({
      WebSocket: WsLikeTransport,
      heartbeat: { interval: 1000 },
      backoff: new ConstantBackoff(700),
    });
    FakeTransport.last.open();
    vi.advanceTimersByTime(2000);
    expect(FakeTransport.instances).toHaveLength(1);
    vi.advanceTimersByTime(700);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('on a browser-like transport with no ping data, only the server’s own traffic keeps it alive', () => {
    const socket = make({ ...seed(), heartbeat: { interval: 1000, timeout: 1000 } });
    const t = FakeTransport.last;
    t.open();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      t.receive('server heartbeat');
    }
    expect(socket.connection.state.type).toBe('connected');
    expect(t.sent).toEqual([]);
    vi.advanceTimersByTime(2000);
    expect(socket.connection.state.type).toBe('reconnecting');
  });
});

describe('heartbeat while a probe is out', () => {
  const probing = (extra = {}) => {
    const r = ws({ interval: 1000, timeout: 500 }, extra);
    r.t.open();
    vi.advanceTimersByTime(1000);
    expect(r.t.pings).toBe(1);
    return r;
  };

  it('a server close is heard at once, with its code, and no probe timer is left behind', () => {
    const { socket, t } = probing();
    const states = record(socket);
    t.serverClose(4000, 'bye');
    expect(states[1]).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(vi.getTimerCount()).toBe(1); // the retry's connect timeout, nothing else
  });

  it('a send is written at once, as on any open link, not queued until the probe is answered', () => {
    const { socket, t } = probing();
    expect(socket.send('during the probe')).toBe(true);
    expect(t.sent).toEqual(['during the probe']);
    expect(socket.queued).toEqual([]);
  });

  it('an error event (readyState CLOSED) is a loss at once', () => {
    const { socket, t } = probing();
    t.errorOnly();
    expect(socket.connection.state.type).toBe('reconnecting');
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('close() goes through Disconnecting and the closing handshake', () => {
    const { socket, t } = probing();
    const states = record(socket);
    socket.close(4000, 'bye');
    expect(types(states)).toEqual(['connected', 'disconnecting']);
    expect(t.closeCalls).toEqual([{ code: 4000, reason: 'bye' }]);
    vi.advanceTimersByTime(500); // the probe's deadline passes: closing is not a heartbeat loss
    expect(socket.connection.state.type).toBe('disconnecting');
    t.finishClose();
    expect(socket.connection.state).toEqual(new Disconnected({ code: 4000, reason: 'bye' }));
    expectNoLeaks();
  });

  it('"resume" on a link that can only be watched (no ping) is a loss at once, not at the probe deadline', () => {
    const environment = new FakeEnvironment();
    const socket = make({ ...seed(), environment, heartbeat: { interval: 1000, timeout: 500 } });
    const states = record(socket);
    FakeTransport.last.open();
    vi.advanceTimersByTime(1000); // the probe: watching for the server's own traffic
    environment.emit('resume');
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: 'woke from sleep' }));
  });
});

describe('heartbeat with onOpen', () => {
  it('runs once the gate has let the connection open', async () => {
    const { socket, t } = ws({ interval: 1000, timeout: 500 }, { onOpen: () => Promise.resolve() });
    t.open();
    await flush();
    expect(socket.connection.state.type).toBe('connected');
    vi.advanceTimersByTime(1000);
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(500);
    expect(socket.connection.state.type).toBe('reconnecting');
  });
});

describe('pingInterval where there is no protocol ping', () => {
  it('does nothing, as in the seed on the web, instead of declaring a quiet server dead', () => {
    const socket = make({ ...seed(), WebSocket: FakeTransport, pingInterval: 1000 });
    const states = record(socket);
    FakeTransport.last.open();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(types(states)).toEqual(['connecting', 'connected']);
    expect(FakeTransport.last.sent).toEqual([]);
    socket.close();
    FakeTransport.last.finishClose();
    expectNoLeaks();
  });

  it('an explicit heartbeat without ping still watches for the server’s own heartbeats', () => {
    const socket = make({ ...seed(), WebSocket: FakeTransport, heartbeat: { interval: 1000 } });
    const states = record(socket);
    FakeTransport.last.open();
    vi.advanceTimersByTime(2000);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: 'heartbeat timeout' }));
    socket.close();
    expectNoLeaks();
  });
});

describe('a binary pong', () => {
  it('is matched by its bytes, not by identity: it never reaches messages', () => {
    const socket = make({
      ...seed(),
      heartbeat: { interval: 1000, ping: new Uint8Array([1]), pong: new Uint8Array([2]) },
    });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push(m));
    FakeTransport.last.open();
    // What a server's reply looks like: a new buffer with the same bytes, as ArrayBuffer or view.
    FakeTransport.last.receive(new Uint8Array([2]).buffer);
    FakeTransport.last.receive(new Uint8Array([9, 2, 9]).subarray(1, 2));
    FakeTransport.last.receive(new Uint8Array([2, 2]).buffer);
    FakeTransport.last.receive('\u0002');
    expect(got).toHaveLength(2);
    expect([...new Uint8Array(got[0] as ArrayBuffer)]).toEqual([2, 2]);
    expect(got[1]).toBe('\u0002');
  });

  it('a frame of the same length with other bytes, or a prefix of the pong, is a message', () => {
    const socket = make({
      ...seed(),
      heartbeat: { interval: 1000, ping: 'ping', pong: new Uint8Array([7, 8]) },
    });
    const got: unknown[] = [];
    socket.messages.subscribe((m) => got.push([...new Uint8Array(m as ArrayBuffer)]));
    FakeTransport.last.open();
    FakeTransport.last.receive(new Uint8Array([7, 9]).buffer); // the first byte alike
    FakeTransport.last.receive(new Uint8Array([9, 8]).buffer); // the last byte alike
    FakeTransport.last.receive(new Uint8Array([7]).buffer); // shorter: every byte it has alike
    FakeTransport.last.receive(new Uint8Array([7, 8]).buffer); // the pong
    expect(got).toEqual([[7, 9], [9, 8], [7]]);
  });
});
