import { describe, expect, it } from 'vitest';
import { ConstantBackoff, type Environment, type EnvironmentSignal } from '../../src/core';
import type { ServerSocket } from '../support/server';
import { sleep, until } from '../support/wait';
import { fixture, jumpableScheduler, logged, lostAndBack, now, recorder, SLACK } from './fixture';

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

describe('offline / online (fault row 14)', () => {
  it('no attempts while offline; `online` triggers one at once', async () => {
    const server = await f.server();
    const proxy = await f.proxy(server);
    const env = fakeEnvironment();
    const backoff = logged(new ConstantBackoff(30));
    const socket = f.socket(proxy.url, { environment: env, backoff });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    expect(env.listeners).toBe(1);

    env.emit('offline');
    proxy.cut('fin');
    await rec.reach('reconnecting', SLACK);
    const before = proxy.total;
    // With a 30 ms backoff this would be a dozen attempts if the socket ignored `offline`.
    await sleep(500);
    expect(proxy.total).toBe(before);
    expect(socket.connection.state.type).toBe('reconnecting');

    const onlineAt = now();
    env.emit('online');
    const back = await rec.reach('reconnected', 2 * SLACK);
    // At once: no backoff wait (the backoff is reset), just a loopback handshake.
    const accepted = proxy.events.find((e) => e.type === 'accept' && e.id === before + 1);
    expect((accepted?.at ?? Number.POSITIVE_INFINITY) - onlineAt).toBeLessThan(SLACK / 2);
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
    const socket = f.socket(proxy.url, { environment: env, backoff: new ConstantBackoff(30) });
    const rec = recorder(socket);
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
    const socket = f.socket(proxy.url, {
      environment: env,
      backoff: new ConstantBackoff(400),
      minUptime: 60_000,
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    proxy.cut('rst');
    await rec.reach('reconnecting', SLACK);
    // Connection too short to count: the 400 ms wait runs; go offline during it.
    env.emit('offline');
    await sleep(700);
    expect(proxy.total).toBe(1);
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
    const onPing: Array<() => void> = [];
    const server = await f.server({
      onConnection: (s: ServerSocket) =>
        s.on('ping', () => {
          pings++;
          for (const listener of onPing.splice(0)) listener();
        }),
    });
    const proxy = await f.proxy(server);
    const env = fakeEnvironment();
    const clock = jumpableScheduler();
    const socket = f.socket(proxy.url, {
      environment: env,
      scheduler: clock,
      heartbeat,
      timeout: 2000,
      giveUpAfter: Number.POSITIVE_INFINITY,
      backoff: new ConstantBackoff(100),
    });
    const rec = recorder(socket);
    await rec.reach('connected', 2000);
    return {
      server,
      proxy,
      env,
      clock,
      socket,
      rec,
      pings: () => pings,
      /** Runs `fn` inside the server's handler of the next ping (before the pong goes back). */
      atNextPing: (fn: () => void) => onPing.push(fn),
    };
  };

  it("'wake' probes at once; a link that died during the sleep is declared dead within `timeout`", async () => {
    const TIMEOUT = 300;
    const { proxy, env, clock, rec, pings } = await setup({ interval: 60_000, timeout: TIMEOUT });
    expect(pings()).toBe(0);
    // A live link: the probe is answered and nothing changes.
    const wokeAt = now();
    env.emit('wake');
    await until(() => pings() === 1, SLACK, 'the probe');
    expect(now() - wokeAt).toBeLessThan(SLACK);
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
    const INTERVAL = 1000;
    const TIMEOUT = 300;
    // The server speaks once, 500 ms after the open. Without a jump, the check at 1000 ms finds
    // the link idle for only 500 ms and waits until 1500 ms to probe. With the wall clock jumped
    // an hour in between, the check at 1000 ms sees it overdue and probes right there.
    const firstPing = async (jump: boolean) => {
      let pingedAt = 0;
      const server = await f.server({
        onConnection: (s: ServerSocket) => {
          s.on('ping', () => {
            pingedAt ||= now();
          });
          setTimeout(() => {
            s.send('hello');
            if (jump) setTimeout(() => clock.jump(HOUR), 100);
          }, 500);
        },
      });
      const clock = jumpableScheduler();
      const socket = f.socket(server.url, {
        scheduler: clock,
        heartbeat: { interval: INTERVAL, timeout: TIMEOUT },
      });
      const rec = recorder(socket);
      const connected = await rec.reach('connected', 2000);
      await until(() => pingedAt > 0, 1500 + SLACK, 'the first probe');
      expect(rec.labels()).toEqual(['connecting', 'connected']);
      socket.close();
      return pingedAt - connected.at;
    };
    const [jumped, control] = await Promise.all([firstPing(true), firstPing(false)]);
    expect(jumped).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect(jumped).toBeLessThan(INTERVAL + 250);
    expect(control).toBeGreaterThanOrEqual(1500 - 5);
  });

  it('a forward jump is no false positive; a dead link after one is detected within interval + timeout', async () => {
    const INTERVAL = 400;
    const TIMEOUT = 300;
    const { proxy, clock, rec, pings } = await setup({ interval: INTERVAL, timeout: TIMEOUT });
    // A live link survives the jump: a probe, answered.
    clock.jump(HOUR);
    const before = pings();
    await sleep(INTERVAL + TIMEOUT + 200);
    expect(pings()).toBeGreaterThan(before);
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
    const { clock, rec, pings, atNextPing } = await setup({ interval: INTERVAL, timeout: TIMEOUT });
    // The wall clock steps back an hour (NTP, a manual change) while a probe is out.
    atNextPing(() => clock.jump(-HOUR));
    await until(() => pings() >= 1, INTERVAL + SLACK, 'a probe');
    await sleep(INTERVAL + TIMEOUT + 200);
    expect(rec.labels()).toEqual(['connecting', 'connected']);
  });

  it('a backward jump while idle does not switch the heartbeat off: a dead link is still detected', async () => {
    const INTERVAL = 200;
    const TIMEOUT = 300;
    const { proxy, clock, rec, pings } = await setup({ interval: INTERVAL, timeout: TIMEOUT });
    await until(() => pings() >= 1, INTERVAL + SLACK, 'a probe');
    await sleep(50); // the pong is back; the socket waits for the next check
    clock.jump(-HOUR);
    const holeAt = now();
    proxy.blackhole(true);
    const dropped = await rec.reach('disconnected', 2 * INTERVAL + TIMEOUT + 2 * SLACK);
    expect(dropped.reason).toBe('heartbeat timeout');
    expect(dropped.at - holeAt).toBeLessThan(2 * INTERVAL + TIMEOUT + SLACK);
  });
});
