import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Connected,
  Connecting,
  type ConnectionState,
  Disconnected,
  Reconnecting,
  SocketEndedError,
} from '../../src/core';
import { Connection } from '../../src/core/connection';
import { Emitter } from '../../src/core/subscribable';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Connection', () => {
  const connection = (initial: ConnectionState = new Connecting()) => {
    let state = initial;
    const emitter = new Emitter<ConnectionState>(() => state);
    const c = new Connection(emitter, () => state);
    /** Sets the state as the socket does: the last of the passed states first, then emits each. */
    const pass = (...states: ConnectionState[]) => {
      state = states[states.length - 1] as ConnectionState;
      for (const s of states) emitter.emit(s);
    };
    return { c, emitter, pass };
  };

  it('state reads the current state synchronously; subscribe replays it', () => {
    const { c, pass } = connection();
    expect(c.state).toBeInstanceOf(Connecting);
    const got: string[] = [];
    const off = c.subscribe((s) => got.push(s.type));
    pass(new Connected());
    off();
    pass(new Disconnected());
    expect(got).toEqual(['connecting', 'connected']);
    expect(c.state.type).toBe('disconnected');
  });

  it('firstWhere resolves with the current state when it matches, and leaves no listener', async () => {
    const { c, emitter } = connection(new Connected());
    const s = await c.firstWhere((x) => x.type === 'connected');
    expect(s).toBe(c.state);
    await Promise.resolve();
    expect(emitter.size).toBe(0);
  });

  it('firstWhere resolves with a later state', async () => {
    const { c, emitter, pass } = connection();
    const p = c.firstWhere((s): s is Connected => s instanceof Connected);
    let settled = false;
    p.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    expect(emitter.size).toBe(1);
    const connected = new Connected();
    pass(connected);
    await expect(p).resolves.toBe(connected);
    await flush();
    expect(emitter.size).toBe(0);
  });

  it('firstWhere sees states that pass by (a transient Disconnected)', async () => {
    const { c, pass } = connection(new Connected());
    const p = c.firstWhere((s) => s.type === 'disconnected');
    const d = new Disconnected({ code: 4200, reason: 'bye' });
    pass(d, new Reconnecting());
    await expect(p).resolves.toBe(d);
  });

  it('a transient Disconnected does not end the wait', async () => {
    const { c, pass, emitter } = connection(new Connected());
    const p = c.firstWhere((s) => s.type === 'reconnected');
    let outcome = 'pending';
    p.then(
      () => (outcome = 'resolved'),
      () => (outcome = 'rejected'),
    );
    pass(new Disconnected({ code: 1006 }), new Reconnecting());
    await flush();
    expect(outcome).toBe('pending');
    pass(new Disconnected());
    emitter.end();
    await flush();
    expect(outcome).toBe('rejected');
  });

  it('firstWhere rejects with SocketEndedError when the socket ends first, and leaves no listener', async () => {
    const { c, emitter, pass } = connection();
    const p = c.firstWhere((s) => s.type === 'connected');
    pass(new Disconnected({ code: 1000 }));
    emitter.end();
    await expect(p).rejects.toBeInstanceOf(SocketEndedError);
    await expect(p).rejects.toMatchObject({ code: 'SOCKET_ENDED' });
    await expect(p).rejects.toThrow('The socket ended before reaching the awaited state.');
    expect(emitter.size).toBe(0);
  });

  it('a state that passes by on the way to the end does not end the wait: the final Disconnected can match', async () => {
    // Opened and ended in one go: listeners hear Connected while the socket has already ended.
    const { c, pass } = connection();
    const p = c.firstWhere((s) => s.type === 'disconnected');
    const final = new Disconnected({ code: 4000, reason: 'bye' });
    pass(new Connected(), final);
    await expect(p).resolves.toBe(final);
  });

  it('firstWhere on an already ended socket rejects at once', async () => {
    const { c, emitter, pass } = connection();
    pass(new Disconnected());
    emitter.end();
    await expect(c.firstWhere((s) => s.type === 'connected')).rejects.toBeInstanceOf(
      SocketEndedError,
    );
  });

  it('firstWhere rejects with the abort reason and removes its listener', async () => {
    const { c, emitter } = connection();
    const ac = new AbortController();
    const p = c.firstWhere((s) => s.type === 'connected', { signal: ac.signal });
    expect(emitter.size).toBe(1);
    const reason = new Error('gave up waiting');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(emitter.size).toBe(0);
  });

  it('firstWhere with an already aborted signal rejects without subscribing', async () => {
    const { c, emitter } = connection();
    const ac = new AbortController();
    ac.abort('why');
    const p = c.firstWhere(() => true, { signal: ac.signal });
    expect(emitter.size).toBe(0);
    await expect(p).rejects.toBe('why');
  });

  it('firstWhere removes its abort listener once settled', async () => {
    const { c, pass } = connection();
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const p = c.firstWhere((s) => s.type === 'connected', { signal: ac.signal });
    pass(new Connected());
    await p;
    await flush();
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    // Aborting afterwards changes nothing.
    expect(() => ac.abort()).not.toThrow();
  });

  it('async iteration yields the replayed state, every change, and completes on end', async () => {
    const { c, emitter, pass } = connection();
    const got: string[] = [];
    const loop = (async () => {
      for await (const s of c) got.push(s.type);
    })();
    await flush();
    pass(new Connected());
    pass(new Disconnected({ code: 1006 }), new Reconnecting());
    pass(new Disconnected());
    emitter.end();
    await loop;
    expect(got).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'disconnected',
    ]);
    expect(emitter.size).toBe(0);
  });
});
