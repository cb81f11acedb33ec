import { describe, expect, it } from 'vitest';
import { ConstantBackoff, type Environment, type EnvironmentSignal } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { Changes, sleep } from '../support/wait';
import {
  fixture,
  jumpableScheduler,
  lostAndBack,
  now,
  recorder,
  SLACK,
  type TracedTransport,
  trace,
} from './fixture';

const f = fixture();

interface FakeEnvironment extends Environment {
  emit(signal: EnvironmentSignal): void;
  readonly listeners: number;
}

/** An injected network/page-life source: `online()` follows the last online/offline signal. */
const fakeEnvironment = (online = true): FakeEnvironment => {
  const listeners = new Set<(signal: EnvironmentSignal) => void>();
  return {
    online: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(signal) {
      if (signal !== 'wake') online = signal === 'online';
      for (const listener of [...listeners]) listener(signal);
    },
    get listeners() {
      return listeners.size;
    },
  };
};

const HOUR = 3_600_000;

/** A backoff of one delay that the test changes as it goes; counts resets. */
const adjustable = (delay: number) => {
  const backoff = {
    delay,
    resets: 0,
    next: () => backoff.delay,
    reset: () => {
      backoff.resets++;
    },
  };
  return backoff;
};

/** Longer than any wait in these tests: an attempt made within SLACK did not wait for it. */
const LONG_WAIT = 10_000;

describe('offline / online (fault row 14)', () => {
  it('no attempts while offline; `online` triggers one at once', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const env = fakeEnvironment();
    const backoff = adjustable(30);
    const socket = f.socket(proxy.url, { environment: env, backoff });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    expect(env.listeners).toBe(1);

    env.emit('offline');
    proxy.cut('fin');
    await rec.reach('reconnecting', SLACK);
    const before = proxy.total;
    // With a 30 ms backoff this would be a dozen attempts if the socket ignored `offline`. An
    // attempt that is never made has no event to await: a bounded wait, then the count.
    await sleep(500);
    expect(proxy.total).toBe(before);
    expect(socket.connection.state.type).toBe('reconnecting');

    // From here a backoff wait would take 10 s: an attempt within SLACK of `online` waited none.
    backoff.delay = LONG_WAIT;
    const onlineAt = now();
    env.emit('online');
    const back = await rec.reach('reconnected', 2 * SLACK);
    const accepted = proxy.events.find((e) => e.type === 'accept' && e.id === before + 1);
    expect((accepted?.at ?? Number.POSITIVE_INFINITY) - onlineAt).toBeLessThan(SLACK);
    expect(back.at - onlineAt).toBeLessThan(SLACK);
    expect(proxy.total).toBe(before + 1);
    expect(backoff.resets).toBeGreaterThanOrEqual(1);
    expect(rec.labels()).toEqual(lostAndBack());

    socket.close();
    await rec.reach('disconnected', SLACK, 3);
    expect(env.listeners).toBe(0);
  });

  it('created while offline: no attempt until `online`, then one at once', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const env = fakeEnvironment(false);
    // Any backoff wait would take 10 s: a connect within SLACK of `online` waited none.
    const socket = f.socket(proxy.url, { environment: env, backoff: adjustable(LONG_WAIT) });
    const rec = recorder(socket);
    // An attempt that is never made has no event to await: a bounded wait, then the count.
    await sleep(300);
    expect(proxy.total).toBe(0);
    expect(rec.labels()).toEqual(['connecting']);
    const onlineAt = now();
    env.emit('online');
    const connected = await rec.reach('connected', SLACK);
    expect(connected.at - onlineAt).toBeLessThan(SLACK);
    expect(proxy.total).toBe(1);
  });

  it('`offline` during a backoff wait cancels it; `online` dials at once', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const env = fakeEnvironment();
    const backoff = adjustable(400);
    const socket = f.socket(proxy.url, { environment: env, backoff, minUptime: 60_000 });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    proxy.cut('rst');
    await rec.reach('reconnecting', SLACK);
    // Connection too short to count: the 400 ms wait runs; go offline during it. Had it not been
    // cancelled, it would dial within these 700 ms; a dial never made has no event to await.
    env.emit('offline');
    await sleep(700);
    expect(proxy.total).toBe(1);
    // From here a backoff wait would take 10 s: a reconnect within SLACK of `online` waited none.
    backoff.delay = LONG_WAIT;
    const onlineAt = now();
    env.emit('online');
    const back = await rec.reach('reconnected', SLACK);
    expect(back.at - onlineAt).toBeLessThan(SLACK);
    expect(proxy.total).toBe(2);
  });
});

describe('sleep / wake and clock jumps (fault rows 15, 16)', () => {
  const setup = async (heartbeat: { interval: number; timeout: number }) => {
    let pings = 0;
    const pinged = new Changes();
    const onPing: Array<() => void> = [];
    const server = await f.server({
      onConnection: (s: ServerSocket) =>
        s.on('ping', () => {
          pings++;
          for (const listener of onPing.splice(0)) listener();
          pinged.notify();
        }),
    });
    const proxy = await f.proxy(server);
    const env = fakeEnvironment();
    const clock = jumpableScheduler();
    const t = trace();
    const socket = f.socket(proxy.url, {
      WebSocket: t.WebSocket,
      environment: env,
      scheduler: clock,
      heartbeat,
      timeout: 2000,
      giveUpAfter: Number.POSITIVE_INFINITY,
      backoff: new ConstantBackoff(100),
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    const live = t.transports[0] as TracedTransport;
    return {
      server,
      proxy,
      env,
      clock,
      socket,
      rec,
      pings: () => pings,
      /** Resolves once the server has seen `n` probes in all. */
      pinged: (n: number, ms: number) => pinged.when(() => pings >= n, ms, `${n} probes`),
      /**
       * Resolves once `n` pongs have come back after `since`: `n` probes answered on the first
       * connection (each one is sent only after the one before was answered).
       */
      answered: (n: number, since: number, ms: number) =>
        t.when(() => live.pongs.filter((at) => at > since).length >= n, ms, `${n} answered probes`),
      /** Runs `fn` inside the server's handler of the next ping (before the pong goes back). */
      atNextPing: (fn: () => void) => onPing.push(fn),
    };
  };

  it("'wake' probes at once; a link that died during the sleep is declared dead within `timeout`", async () => {
    const TIMEOUT = 300;
    const { proxy, env, clock, rec, pings, pinged } = await setup({
      interval: 60_000,
      timeout: TIMEOUT,
    });
    expect(pings()).toBe(0);
    // A live link: the probe is answered and nothing changes.
    const wokeAt = now();
    env.emit('wake');
    await pinged(1, SLACK);
    expect(now() - wokeAt).toBeLessThan(SLACK);
    // The probe's deadline passes inside the socket, with no event outside it to await: a
    // bounded wait past it, then the check that nothing happened.
    await sleep(TIMEOUT + 100);
    expect(rec.labels()).toEqual(['connecting', 'connected']);

    // The machine slept an hour and the link died meanwhile.
    proxy.blackhole(true);
    clock.jump(HOUR);
    const wakeAt = now();
    env.emit('wake');
    const dropped = await rec.reach('disconnected', TIMEOUT + 2 * SLACK);
    expect(dropped.reason).toBe('heartbeat timeout');
    expect(dropped.at - wakeAt).toBeGreaterThanOrEqual(TIMEOUT - 1);
    expect(dropped.at - wakeAt).toBeLessThan(TIMEOUT + SLACK);
    proxy.blackhole(false);
    await rec.reach('reconnected', 2000 + 100 + 2 * SLACK);
    expect(rec.labels()).toEqual(lostAndBack('disconnected(1006 heartbeat timeout)'));
  });

  it('a forward jump with no signal: the next heartbeat check probes at once instead of waiting out the interval', async () => {
    const INTERVAL = 2000;
    const HELLO = INTERVAL / 2;
    // The server speaks once, HELLO ms after the open. Without a jump, the check at INTERVAL
    // finds the link idle for only INTERVAL - HELLO and probes a full interval after the hello.
    // With the wall clock jumped an hour right after the hello, the check at INTERVAL sees the
    // link overdue and probes there. HELLO sits midway, so each run has INTERVAL / 2 of margin
    // for a loaded machine's late timers.
    const firstPing = async (jump: boolean) => {
      let pingedAt = 0;
      const pinged = new Changes();
      const server = await f.server({
        onConnection: (s: ServerSocket) => {
          s.on('ping', () => {
            pingedAt ||= now();
            pinged.notify();
          });
          setTimeout(() => s.send('hello'), HELLO);
        },
      });
      const clock = jumpableScheduler();
      const socket = f.socket(server.url, {
        scheduler: clock,
        heartbeat: { interval: INTERVAL, timeout: 300 },
      });
      let helloAt = 0;
      socket.messages.subscribe(() => {
        helloAt = now();
        // After the socket has taken the hello as activity, long before its next check.
        if (jump) queueMicrotask(() => clock.jump(HOUR));
      });
      const rec = recorder(socket);
      const connected = await rec.reach('connected', 2000);
      await pinged.when(() => pingedAt > 0, HELLO + INTERVAL + 2 * SLACK, 'the first probe');
      expect(rec.labels()).toEqual(['connecting', 'connected']);
      socket.close();
      return { hello: helloAt - connected.at, ping: pingedAt - connected.at };
    };
    const [jumped, control] = await Promise.all([firstPing(true), firstPing(false)]);
    // The premise: the hello came before the first check, in both runs.
    expect(jumped.hello).toBeGreaterThan(0);
    expect(jumped.hello).toBeLessThan(INTERVAL);
    expect(control.hello).toBeLessThan(INTERVAL);
    // Jumped: probed at the check (not before), sooner than a socket blind to the jump can.
    expect(jumped.ping).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect(jumped.ping).toBeLessThan(jumped.hello + INTERVAL);
    // The control: idle counted from the hello, so the probe waited the full interval.
    expect(control.ping).toBeGreaterThanOrEqual(control.hello + INTERVAL - 5);
  });

  it('a forward jump is no false positive; a dead link after one is detected within interval + timeout', async () => {
    const INTERVAL = 400;
    const TIMEOUT = 300;
    const { proxy, clock, rec, answered } = await setup({ interval: INTERVAL, timeout: TIMEOUT });
    // A live link survives the jump: two probes after it, both answered on the same connection.
    const jumpedAt = now();
    clock.jump(HOUR);
    await answered(2, jumpedAt, 2 * (INTERVAL + TIMEOUT) + 2 * SLACK);
    expect(rec.labels()).toEqual(['connecting', 'connected']);

    // A dead link and a jump: detected in real time, no later than without the jump.
    proxy.blackhole(true);
    clock.jump(HOUR);
    const holeAt = now();
    const dropped = await rec.reach('disconnected', INTERVAL + TIMEOUT + 2 * SLACK);
    expect(dropped.reason).toBe('heartbeat timeout');
    expect(dropped.at - holeAt).toBeLessThan(INTERVAL + TIMEOUT + SLACK);
  });

  it('a backward jump during a probe is no false positive', async () => {
    const INTERVAL = 200;
    const TIMEOUT = 300;
    const { clock, rec, pinged, answered, atNextPing } = await setup({
      interval: INTERVAL,
      timeout: TIMEOUT,
    });
    // The wall clock steps back an hour (NTP, a manual change) while a probe is out.
    let jumpedAt = 0;
    atNextPing(() => {
      jumpedAt = now();
      clock.jump(-HOUR);
    });
    await pinged(1, INTERVAL + SLACK);
    // That probe and the next are answered on the same connection: no false positive.
    await answered(2, jumpedAt, 2 * (INTERVAL + TIMEOUT) + 2 * SLACK);
    expect(rec.labels()).toEqual(['connecting', 'connected']);
  });

  it('a backward jump while idle does not switch the heartbeat off: a dead link is still detected', async () => {
    const INTERVAL = 200;
    const TIMEOUT = 300;
    const { proxy, clock, rec, answered } = await setup({ interval: INTERVAL, timeout: TIMEOUT });
    // The pong is back: the socket waits for its next check.
    await answered(1, 0, INTERVAL + TIMEOUT + SLACK);
    clock.jump(-HOUR);
    const holeAt = now();
    proxy.blackhole(true);
    const dropped = await rec.reach('disconnected', 2 * INTERVAL + TIMEOUT + 2 * SLACK);
    expect(dropped.reason).toBe('heartbeat timeout');
    expect(dropped.at - holeAt).toBeLessThan(2 * INTERVAL + TIMEOUT + SLACK);
  });
});
