import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConstantBackoff, Disconnected, LinearBackoff, type RetryState } from '../../src/core';
import type { Model } from '../../src/core/reducer';
import { initialModel } from '../../src/core/reducer';
import { IDLE, retryStateOf } from '../../src/core/retry-state';
import { CONNECTED, RECONNECTING } from '../../src/core/states';
import { FakeEnvironment, FakeTransport, flush, make } from './fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

const recordRetries = (socket: { retry: { subscribe(l: (r: RetryState) => void): unknown } }) => {
  const seen: RetryState[] = [];
  socket.retry.subscribe((r) => seen.push(r));
  return seen;
};

describe('socket.retry', () => {
  it('is idle on the first attempt and while open; its snapshot keeps its identity until it changes', () => {
    const socket = make();
    const first = socket.retry.state;
    expect(first).toMatchObject({ phase: 'idle', attempt: 0, retryAt: undefined });
    expect(Object.isFrozen(first)).toBe(true);
    FakeTransport.last.receive('x');
    expect(socket.retry.state).toBe(first);
    FakeTransport.last.open();
    expect(socket.retry.state).toBe(first);
  });

  it('counts attempts from the immediate retry, says when the next starts, and why', () => {
    const socket = make({ backoff: new LinearBackoff({ initial: 1000, increment: 1000 }) });
    const seen = recordRetries(socket);
    const start = Date.now();
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4001, 'token expired'); // lived 0 ms: below minUptime
    expect(socket.retry.state).toMatchObject({
      phase: 'waiting',
      attempt: 1,
      retryAt: start + 1000,
      lastClose: new Disconnected({ code: 4001, reason: 'token expired' }),
    });
    vi.advanceTimersByTime(1000);
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 1, retryAt: undefined });
    const refused = new Error('refused');
    FakeTransport.last.fail(refused);
    expect(socket.retry.state).toMatchObject({
      phase: 'waiting',
      attempt: 2,
      retryAt: start + 1000 + 2000,
      lastError: refused,
    });
    // The wait the state announces is the wait the socket keeps: no attempt one ms early.
    vi.advanceTimersByTime(1999);
    expect(FakeTransport.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeTransport.instances).toHaveLength(3);
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 2 });
    FakeTransport.last.open();
    expect(socket.retry.state).toMatchObject({ phase: 'idle', attempt: 0, lastError: undefined });
    expect(socket.retry.state.lastClose).toEqual(
      new Disconnected({ code: 4001, reason: 'token expired' }),
    );
    // One notification per change, none repeated.
    expect(seen.map((r) => `${r.phase}:${r.attempt}`)).toEqual([
      'idle:0',
      'waiting:1',
      'dialing:1',
      'waiting:2',
      'dialing:2',
      'idle:0',
    ]);
  });

  it('after a stable connection the count starts over at 1 with the immediate retry', () => {
    const socket = make({ backoff: new ConstantBackoff(500), minUptime: 5000 });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(socket.retry.state).toMatchObject({ phase: 'waiting', attempt: 2 });
    vi.advanceTimersByTime(500);
    FakeTransport.last.open();
    vi.advanceTimersByTime(5000); // stable
    FakeTransport.last.serverClose(1001, '');
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 1 });
    FakeTransport.last.fail();
    expect(socket.retry.state).toMatchObject({ phase: 'waiting', attempt: 2 });
  });

  it('a connection that did not last minUptime goes on counting, as the backoff goes on growing', () => {
    const socket = make({ backoff: new ConstantBackoff(100), minUptime: 5000 });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    vi.advanceTimersByTime(100);
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 2 });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1000, ''); // up 0 ms
    expect(socket.retry.state).toMatchObject({ phase: 'waiting', attempt: 3 });
  });

  it('offline: phase "offline"; back online the count starts over', () => {
    const environment = new FakeEnvironment();
    const socket = make({ environment, backoff: new ConstantBackoff(100), giveUpAfter: Infinity });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    environment.emit('offline');
    expect(socket.retry.state).toMatchObject({ phase: 'offline', attempt: 2, retryAt: undefined });
    environment.emit('online');
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 1 });
  });

  it('a close during a wait leaves no retry time behind', () => {
    const socket = make({ backoff: new ConstantBackoff(1000) });
    FakeTransport.last.fail();
    FakeTransport.last.fail();
    expect(socket.retry.state.retryAt).toBeDefined();
    socket.close();
    expect(socket.retry.state).toMatchObject({ phase: 'idle', attempt: 0, retryAt: undefined });
  });

  it('ends idle with the final Disconnected, and completes', async () => {
    const socket = make();
    let done = false;
    void (async () => {
      for await (const _ of socket.retry);
      done = true;
    })();
    socket.close(4000, 'bye');
    expect(socket.retry.state).toMatchObject({
      phase: 'idle',
      lastClose: new Disconnected({ code: 4000, reason: 'bye' }),
    });
    await vi.waitFor(() => expect(done).toBe(true));
  });
});

describe('socket.retry while onOpen runs', () => {
  it('a retry whose onOpen is still running is "dialing", with its attempt number', async () => {
    let pass = () => {};
    const socket = make({
      backoff: new ConstantBackoff(0),
      minUptime: 0,
      onOpen: () => new Promise<void>((resolve) => (pass = resolve)),
    });
    FakeTransport.last.open();
    pass();
    await flush();
    expect(socket.connection.state.type).toBe('connected');
    FakeTransport.last.serverClose(1001, '');
    FakeTransport.last.open(); // the retry's transport is open; onOpen has not settled
    expect(socket.retry.state).toMatchObject({ phase: 'dialing', attempt: 1 });
    pass();
    await flush();
    expect(socket.connection.state.type).toBe('reconnected');
    expect(socket.retry.state).toMatchObject({ phase: 'idle', attempt: 0 });
  });
});

describe('retryStateOf', () => {
  const model = (patch: Partial<Model>): Model => ({ ...initialModel, ...patch });
  const waiting = model({ state: RECONNECTING, phase: 'waiting', tries: 1, retryAt: 500 });

  it('is IDLE itself, all fields empty, while nothing is being retried', () => {
    expect(IDLE).toEqual({
      phase: 'idle',
      attempt: 0,
      retryAt: undefined,
      lastClose: undefined,
      lastError: undefined,
    });
    expect(retryStateOf(model({ phase: 'dialing' }), IDLE)).toBe(IDLE);
    expect(retryStateOf(model({ state: CONNECTED, phase: 'open' }), IDLE)).toBe(IDLE);
  });

  it('says nothing new between a loss and its retry (policy asked, loss being told)', () => {
    const previous = retryStateOf(waiting, IDLE);
    for (const phase of ['asking', 'lost'] as const) {
      expect(retryStateOf(model({ state: CONNECTED, phase, tries: 7 }), previous)).toBe(previous);
    }
  });

  it('is a new snapshot when any one field changed, and the same one when none did', () => {
    const previous = retryStateOf(waiting, IDLE);
    expect(previous).toMatchObject({ phase: 'waiting', attempt: 2, retryAt: 500 });
    expect(retryStateOf({ ...waiting }, previous)).toBe(previous);
    const changes: Partial<Model>[] = [
      { tries: 2 },
      { retryAt: 600 },
      { lastError: new Error('refused') },
      { lastClose: new Disconnected({ code: 1006 }) },
      { phase: 'paused' },
    ];
    for (const change of changes) {
      const next = retryStateOf({ ...waiting, ...change }, previous);
      expect(next).not.toBe(previous);
      expect(Object.isFrozen(next)).toBe(true);
    }
  });
});
