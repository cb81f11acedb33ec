import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  browserEnvironment,
  ConstantBackoff,
  type EnvironmentSignal,
  LinearBackoff,
  WebSocket,
} from '../../src/core';
import {
  expectNoLeaks,
  FakeEnvironment,
  FakeTransport,
  make,
  spy,
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
    const socket = make({ environment });
    expect(FakeTransport.instances).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.connection.state.type).toBe('connecting');
    vi.advanceTimersByTime(600_000);
    expect(FakeTransport.instances).toHaveLength(0);
    environment.emit('online');
    expect(FakeTransport.instances).toHaveLength(1);
    FakeTransport.last.open();
    expect(socket.connection.state.type).toBe('connected');
  });

  it('"offline" during a backoff wait cancels it; "online" attempts at once and resets the backoff', () => {
    const environment = new FakeEnvironment();
    const backoff = spy(new LinearBackoff({ initial: 1000, increment: 1000 }));
    const socket = make({ environment, backoff });
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
    make({ environment, backoff: new ConstantBackoff(1000) });
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

  it('signals while open without a heartbeat do nothing', () => {
    const environment = new FakeEnvironment();
    const socket = make({ environment, WebSocket: WsLikeTransport });
    const t = FakeTransport.last as WsLikeTransport;
    t.open();
    environment.emit('wake');
    environment.emit('offline');
    environment.emit('online');
    expect(t.pings).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.connection.state.type).toBe('connected');
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

  it('reads navigator.onLine and maps online/offline/visibilitychange to signals', () => {
    const { win, doc, nav } = stubBrowser(true);
    const env = browserEnvironment();
    expect(env).toBeDefined();
    expect(env?.online()).toBe(true);
    nav.onLine = false;
    expect(env?.online()).toBe(false);
    const got: EnvironmentSignal[] = [];
    const off = env?.subscribe((s) => got.push(s));
    win.dispatchEvent(new Event('offline'));
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual(['offline', 'online', 'wake']);
    off?.();
    win.dispatchEvent(new Event('online'));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(got).toEqual(['offline', 'online', 'wake']);
  });

  it('is the default environment of a socket: offline in the browser means no attempt', () => {
    const { win, nav } = stubBrowser(false);
    const socket = new WebSocket(URL_, { WebSocket: FakeTransport });
    expect(FakeTransport.instances).toHaveLength(0);
    nav.onLine = true;
    win.dispatchEvent(new Event('online'));
    expect(FakeTransport.instances).toHaveLength(1);
    socket.close();
  });

  it('environment: null opts out even in a browser', () => {
    stubBrowser(false);
    new WebSocket(URL_, { WebSocket: FakeTransport, environment: null });
    expect(FakeTransport.instances).toHaveLength(1);
  });
});
