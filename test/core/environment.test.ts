import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  browserEnvironment,
  ConstantBackoff,
  Disconnected,
  type EnvironmentSignal,
  isOpen,
  LinearBackoff,
  SocketEndedError,
  WebSocket,
} from '../../src/core';
import {
  expectNoLeaks,
  FakeEnvironment,
  FakeTransport,
  make,
  record,
  spy,
  types,
  URL_,
  WsLikeTransport,
} from './fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('network awareness (injected environment)', () => {
  it('offline at construction: no attempt until "online", then one at once', () => {
    const environment = new FakeEnvironment(false);
    const socket = make({ environment, giveUpAfter: Infinity });
    expect(FakeTransport.instances).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0); // no budget to run out: nothing to time
    expect(socket.connection.state.type).toBe('connecting');
    vi.advanceTimersByTime(600_000);
    expect(FakeTransport.instances).toHaveLength(0);
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(1);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('connected');
  });

  it('a paused socket still honours giveUpAfter: offline for longer than the budget gives up', async () => {
    const environment = new FakeEnvironment(false);
    const socket = make({ environment, giveUpAfter: 30_000 });
    const states = record(socket);
    const ended = socket.connection.firstWhere(isOpen).catch((e: unknown) => e);
    expect(FakeTransport.instances).toHaveLength(0);
    expect(socket.retry.state).toMatchObject({ phase: 'offline', attempt: 0 });
    vi.advanceTimersByTime(29_999);
    expect(socket.connection.state.type).toBe('connecting');
    vi.advanceTimersByTime(1);
    expect(types(states)).toEqual(['connecting', 'disconnected']);
    expect(socket.connection.state).toEqual(
      new Disconnected({ code: 1006, reason: 'connection timeout' }),
    );
    expect(await ended).toBeInstanceOf(SocketEndedError);
    expect(environment.listeners.size).toBe(0);
    expectNoLeaks();
  });

  it('the budget left when the network went away is what a paused socket still waits', () => {
    const environment = new FakeEnvironment();
    make({ environment, backoff: new ConstantBackoff(1000), giveUpAfter: 5000 });
    FakeTransport.last.fail();
    FakeTransport.last.fail(); // the first wait: 1000 of 5000 spent
    environment.emit('offline');
    vi.advanceTimersByTime(3999);
    expect(FakeTransport.instances).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(environment.listeners.size).toBe(0);
  });

  it('a second "offline" while paused does not postpone the give-up', () => {
    const environment = new FakeEnvironment();
    const socket = make({ environment, backoff: new ConstantBackoff(1000), giveUpAfter: 5000 });
    FakeTransport.last.fail();
    FakeTransport.last.fail(); // 1000 of 5000 spent
    environment.emit('offline');
    vi.advanceTimersByTime(3000);
    environment.emit('offline'); // the platform says it again
    vi.advanceTimersByTime(1000); // 4000 after the first: the budget is spent
    expect(socket.connection.state).toEqual(
      new Disconnected({ code: 1006, reason: 'connection timeout' }),
    );
  });

  it('"wake" or "resume" while offline attempts nothing: only "online" does', () => {
    const environment = new FakeEnvironment();
    const socket = make({ environment, backoff: new ConstantBackoff(1000), giveUpAfter: Infinity });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    environment.emit('offline');
    environment.emit('wake');
    environment.emit('resume');
    expect(FakeTransport.instances).toHaveLength(2);
    expect(socket.retry.state.phase).toBe('offline');
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(3);
  });

  it('back online, the give-up timer of the pause is gone: only the attempt is timed', () => {
    const environment = new FakeEnvironment(false);
    make({ environment, giveUpAfter: 30_000 });
    expect(vi.getTimerCount()).toBe(1); // the give-up
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1); // the connect timeout, and nothing else
    FakeTransport.last.open();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('"offline" during a backoff wait cancels it; "online" attempts at once and resets the backoff', () => {
    const environment = new FakeEnvironment();
    const backoff = spy(new LinearBackoff({ initial: 1000, increment: 1000 }));
    const socket = make({ environment, backoff, giveUpAfter: Infinity });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(vi.getTimerCount()).toBe(1);
    environment.emit('offline');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(FakeTransport.instances).toHaveLength(2);
    expect(socket.connection.state.type).toBe('reconnecting');
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(3);
    expect(backoff.reset).toHaveBeenCalledTimes(1);
    FakeTransport.last.fail();
    expect(backoff.next).toHaveLastReturnedWith(1000); // the sequence starts over
  });

  it('a wait that ends while offline spends no attempt', () => {
    const environment = new FakeEnvironment();
    make({ environment, backoff: new ConstantBackoff(1000), giveUpAfter: Infinity });
    FakeTransport.last.fail();
    const t = FakeTransport.last;
    environment.isOnline = false; // went offline without an event during the attempt
    t.fail();
    vi.advanceTimersByTime(1000);
    expect(FakeTransport.instances).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(3);
  });

  it('"wake" while waiting attempts at once, without resetting the backoff', () => {
    const environment = new FakeEnvironment();
    const backoff = spy(new ConstantBackoff(30_000));
    make({ environment, backoff });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    environment.emit('wake');
    expect(FakeTransport.instances).toHaveLength(3);
    expect(backoff.reset).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(1); // the attempt's timeout only
  });

  it('"online" or "wake" while an attempt is in flight changes nothing', () => {
    const environment = new FakeEnvironment();
    make({ environment });
    environment.emit('online');
    environment.emit('wake');
    expect(FakeTransport.instances).toHaveLength(1);
    expect(FakeTransport.last.closeCalls).toHaveLength(0);
  });

  it.each<EnvironmentSignal>(['online', 'wake'])(
    '"%s" while open sends a liveness probe (with a heartbeat), once',
    (signal) => {
      const environment = new FakeEnvironment();
      const socket = make({
        environment,
        WebSocket: WsLikeTransport,
        heartbeat: { interval: 30_000, timeout: 1000 },
        minUptime: 0,
        backoff: new ConstantBackoff(0),
      });
      const t = FakeTransport.last as WsLikeTransport;
      t.open();
      vi.advanceTimersByTime(100);
      environment.emit(signal);
      expect(t.pings).toBe(1);
      environment.emit(signal);
      expect(t.pings).toBe(1); // a probe is already out
      vi.advanceTimersByTime(1000); // no answer: the link was dead
      expect(t.terminateCalls).toBe(1);
      expect(socket.connection.state.type).toBe('reconnecting');
    },
  );

  it('a probe answered in time keeps the connection', () => {
    const environment = new FakeEnvironment();
    const socket = make({
      environment,
      WebSocket: WsLikeTransport,
      heartbeat: { interval: 30_000, timeout: 1000 },
    });
    const t = FakeTransport.last as WsLikeTransport;
    t.open();
    vi.advanceTimersByTime(100);
    environment.emit('wake');
    expect(t.pings).toBe(1);
    vi.advanceTimersByTime(500);
    t.pong();
    vi.advanceTimersByTime(500);
    expect(socket.connection.state.type).toBe('connected');
    expect(FakeTransport.instances).toHaveLength(1);
  });

  it.each<EnvironmentSignal>(['online', 'offline', 'wake', 'resume'])(
    '"%s" while open probes where the transport has a protocol ping, with no heartbeat configured',
    (signal) => {
      const environment = new FakeEnvironment();
      const socket = make({ environment, WebSocket: WsLikeTransport });
      const t = FakeTransport.last as WsLikeTransport;
      t.open();
      expect(vi.getTimerCount()).toBe(0);
      environment.emit(signal);
      expect(t.pings).toBe(1);
      vi.advanceTimersByTime(4999);
      t.pong(); // alive: nothing changes, and no heartbeat starts
      vi.advanceTimersByTime(1);
      expect(socket.connection.state.type).toBe('connected');
      expect(vi.getTimerCount()).toBe(0);
      environment.emit(signal);
      vi.advanceTimersByTime(5000); // this time no answer within the probe's 5 s: dead
      expect(socket.connection.state.type).toBe('reconnecting');
      expect(t.terminateCalls).toBe(1);
      expect(t.listenerCount).toBe(0);
    },
  );

  it('where nothing can probe (a browser without heartbeat.ping), only "resume" (a slept machine) reconnects', () => {
    const environment = new FakeEnvironment();
    const socket = make({ environment, backoff: new ConstantBackoff(0), minUptime: 0 });
    const states = record(socket);
    FakeTransport.last.open();
    environment.emit('wake');
    environment.emit('offline');
    environment.emit('online');
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeTransport.instances).toHaveLength(1);
    environment.emit('resume');
    expect(types(states)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(states[2]).toEqual(new Disconnected({ code: 1006, reason: 'woke from sleep' }));
    expect(FakeTransport.instances[0]?.detached).toBe(true);
    expect(FakeTransport.instances).toHaveLength(2);
  });

  it('reconnect() attempts even while offline', () => {
    const environment = new FakeEnvironment(false);
    const socket = make({ environment });
    expect(FakeTransport.instances).toHaveLength(0);
    socket.reconnect();
    expect(FakeTransport.instances).toHaveLength(1);
  });

  it('the environment listener is unsubscribed when the socket ends (close, give-up, shouldReconnect)', () => {
    const closed = new FakeEnvironment();
    make({ environment: closed }).close();
    expect(closed.subscribeCalls).toBe(1);
    expect(closed.listeners.size).toBe(0);

    const gaveUp = new FakeEnvironment();
    make({ environment: gaveUp, timeout: 0 });
    FakeTransport.last.fail();
    expect(gaveUp.listeners.size).toBe(0);

    const refused = new FakeEnvironment();
    make({ environment: refused, shouldReconnect: () => false });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4401, '');
    expect(refused.listeners.size).toBe(0);

    const closing = new FakeEnvironment();
    const s = make({ environment: closing });
    FakeTransport.last.open();
    s.close();
    expect(closing.listeners.size).toBe(1); // still closing
    FakeTransport.last.finishClose();
    expect(closing.listeners.size).toBe(0);
    expectNoLeaks();
  });

  it('signals are ignored while closing', () => {
    const environment = new FakeEnvironment();
    const socket = make({
      environment,
      WebSocket: WsLikeTransport,
      heartbeat: { interval: 30_000 },
    });
    const t = FakeTransport.last as WsLikeTransport;
    t.open();
    socket.close();
    environment.emit('wake');
    environment.emit('online');
    expect(t.pings).toBe(0);
    expect(FakeTransport.instances).toHaveLength(1);
  });
});

describe('browserEnvironment', () => {
  const stubBrowser = (onLine: boolean) => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('navigator', { onLine });
    vi.stubGlobal('document', doc);
    return { win, doc, nav: globalThis.navigator as { onLine: boolean } };
  };

  it('is undefined where there is no window (Node)', () => {
    expect(browserEnvironment()).toBeUndefined();
  });

  it('is undefined unless window events and navigator.onLine are all there (Deno has no onLine)', () => {
    const win = new EventTarget();
    const on = win.addEventListener.bind(win);
    const off = win.removeEventListener.bind(win);
    const cases: [string, Record<string, unknown>][] = [
      ['no removeEventListener', { addEventListener: on, navigator: { onLine: true } }],
      ['no addEventListener', { removeEventListener: off, navigator: { onLine: true } }],
      ['no navigator', { addEventListener: on, removeEventListener: off, navigator: undefined }],
      [
        'a navigator without onLine',
        { addEventListener: on, removeEventListener: off, navigator: {} },
      ],
    ];
    for (const [name, globals] of cases) {
      vi.unstubAllGlobals();
      for (const [key, value] of Object.entries(globals)) vi.stubGlobal(key, value);
      expect(browserEnvironment(), name).toBeUndefined();
    }
  });

  it('in a worker (no document) it maps online/offline and watches the clock, without visibility', () => {
    const win = new EventTarget();
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('document', undefined);
    const env = browserEnvironment();
    const got: EnvironmentSignal[] = [];
    const off = env?.subscribe((s) => got.push(s));
    expect(vi.getTimerCount()).toBe(1); // no document: counted as visible
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    vi.setSystemTime(Date.now() + 30 * 60_000);
    vi.advanceTimersByTime(5000);
    expect(got).toEqual(['offline', 'online', 'resume']);
    off?.();
    expect(vi.getTimerCount()).toBe(0);
    win.dispatchEvent(new Event('offline'));
    expect(got).toEqual(['offline', 'online', 'resume']);
  });

  it('unsubscribing removes every listener it added: offline, online and visibilitychange', () => {
    const { win, doc } = stubBrowser(true);
    const env = browserEnvironment();
    const got: EnvironmentSignal[] = [];
    const off = env?.subscribe((s) => got.push(s));
    off?.();
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual([]);
  });

  it('a clock check that runs late is a sleep only when it is more than 10 s late', () => {
    stubBrowser(true);
    const env = browserEnvironment();
    const got: EnvironmentSignal[] = [];
    env?.subscribe((s) => got.push(s));
    vi.setSystemTime(Date.now() + 3000); // a busy main thread: the check runs 3 s late
    vi.advanceTimersByTime(5000);
    expect(got).toEqual([]);
    vi.setSystemTime(Date.now() + 10_000); // exactly 10 s late: still no sleep
    vi.advanceTimersByTime(5000);
    expect(got).toEqual([]);
    vi.setSystemTime(Date.now() + 10_001);
    vi.advanceTimersByTime(5000);
    expect(got).toEqual(['resume']);
  });

  it('maps online/offline/visibilitychange to signals; online() trusts the events, not navigator.onLine', () => {
    const { win, doc, nav } = stubBrowser(false);
    const env = browserEnvironment();
    expect(env).toBeDefined();
    // Chromium reports a false navigator.onLine wrongly often enough: it is not believed.
    expect(env?.online()).toBe(true);
    const got: EnvironmentSignal[] = [];
    const off = env?.subscribe((s) => got.push(s));
    win.dispatchEvent(new Event('offline'));
    expect(env?.online()).toBe(false);
    nav.onLine = true; // the flag alone changes nothing either
    expect(env?.online()).toBe(false);
    win.dispatchEvent(new Event('online'));
    expect(env?.online()).toBe(true);
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual(['offline', 'online', 'wake']);
    off?.();
    win.dispatchEvent(new Event('online'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual(['offline', 'online', 'wake']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a wall-clock jump on a visible page is a "resume" (the machine slept); on a hidden one nothing', () => {
    const { doc } = stubBrowser(true);
    const env = browserEnvironment();
    const got: EnvironmentSignal[] = [];
    const off = env?.subscribe((s) => got.push(s));
    expect(vi.getTimerCount()).toBe(1); // one clock check while visible
    vi.advanceTimersByTime(60_000); // time passing normally is no sleep
    expect(got).toEqual([]);
    vi.setSystemTime(Date.now() + 30 * 60_000); // the laptop slept half an hour
    vi.advanceTimersByTime(5000);
    expect(got).toEqual(['resume']);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(vi.getTimerCount()).toBe(0); // throttled timers in a hidden page prove nothing
    vi.setSystemTime(Date.now() + 30 * 60_000);
    vi.advanceTimersByTime(60_000);
    expect(got).toEqual(['resume']);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual(['resume', 'wake']);
    off?.();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is the default environment of a socket: a false navigator.onLine still dials; an offline event pauses', () => {
    const { win } = stubBrowser(false);
    const socket = new WebSocket(URL_, {
      WebSocket: FakeTransport,
      backoff: new ConstantBackoff(1000),
    });
    expect(FakeTransport.instances).toHaveLength(1);
    win.dispatchEvent(new Event('offline'));
    FakeTransport.last.fail(); // the immediate retry follows the first failure
    FakeTransport.last.fail();
    vi.advanceTimersByTime(1000); // the wait ends offline: no attempt is spent
    expect(FakeTransport.instances).toHaveLength(2);
    expect(socket.retry.state.phase).toBe('offline');
    win.dispatchEvent(new Event('online'));
    expect(FakeTransport.instances).toHaveLength(3);
    socket.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('environment: null opts out even in a browser', () => {
    stubBrowser(false);
    new WebSocket(URL_, { WebSocket: FakeTransport, environment: null });
    expect(FakeTransport.instances).toHaveLength(1);
  });

  it('environment: null in a browser hears none of its signals: an offline event pauses nothing', () => {
    const { win } = stubBrowser(true);
    const socket = new WebSocket(URL_, {
      WebSocket: FakeTransport,
      environment: null,
      backoff: new ConstantBackoff(1000),
    });
    win.dispatchEvent(new Event('offline'));
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(1000); // the wait ends: an attempt, as if online
    expect(FakeTransport.instances).toHaveLength(3);
    expect(socket.retry.state.phase).toBe('dialing');
    socket.close();
  });
});
