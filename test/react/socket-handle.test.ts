import { waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOpen, WebSocket, type WebSocketOptions } from '../../src/core/index';
import { DISABLED, INITIAL, NO_RETRY, SocketHandle } from '../../src/react/socket-handle';
import { type MockServer, mockServer } from './mock-server';

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

const owned = (mock: MockServer, options: WebSocketOptions = {}, enabled = true) => {
  const made: WebSocket[] = [];
  const drops: unknown[] = [];
  const create = vi.fn(() => {
    const socket = new WebSocket(mock.url, { ...mock.options, ...options });
    made.push(socket);
    return socket;
  });
  const handle = new SocketHandle({ create }, { enabled, drop: (data) => drops.push(data) });
  return { handle, create, made, drops };
};

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

describe('SocketHandle', () => {
  it('creates nothing until held or asked: peek is empty, the state INITIAL, the retry idle', () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    expect(create).not.toHaveBeenCalled();
    expect(handle.peek()).toBeUndefined();
    expect(handle.state()).toBe(INITIAL);
    expect(handle.retry()).toBe(NO_RETRY);
    expect(INITIAL.type).toBe('connecting');
  });

  it('acquire creates one socket; the last release closes it after a microtask', async () => {
    const mock = mockServer();
    const { handle, create, made } = owned(mock);
    const notified = vi.fn();
    handle.subscribe(notified);
    const release = handle.acquire();
    expect(create).toHaveBeenCalledTimes(1);
    const socket = made[0] as WebSocket;
    expect(handle.demand()).toBe(socket);
    await socket.connection.firstWhere(isOpen);
    release();
    expect(socket.connection.state.type).toBe('connected');
    notified.mockClear();
    await microtask();
    expect(socket.connection.state.type).not.toBe('connected');
    expect(handle.peek()).toBeUndefined();
    expect(notified).toHaveBeenCalled();
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
  });

  it('a release and an acquire in the same task keep the socket (StrictMode remount)', async () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    const releaseFirst = handle.acquire();
    const socket = handle.peek();
    releaseFirst();
    const releaseSecond = handle.acquire();
    await microtask();
    expect(handle.peek()).toBe(socket);
    expect(create).toHaveBeenCalledTimes(1);
    releaseSecond();
    await microtask();
    expect(handle.peek()).toBeUndefined();
  });

  it('release is idempotent', async () => {
    const mock = mockServer();
    const { handle } = owned(mock);
    const a = handle.acquire();
    const b = handle.acquire();
    a();
    a();
    await microtask();
    expect(handle.peek()).toBeDefined();
    b();
    await microtask();
    expect(handle.peek()).toBeUndefined();
  });

  it('on demand before the first acquire (a child layout effect), kept for an acquire in the same task', async () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    const early = handle.demand();
    expect(early).toBeDefined();
    const release = handle.acquire();
    await microtask();
    expect(handle.peek()).toBe(early);
    expect(create).toHaveBeenCalledTimes(1);
    release();
  });

  it('on demand that no acquire follows is closed: nothing leaks', async () => {
    const mock = mockServer();
    const { handle } = owned(mock);
    const early = handle.demand() as WebSocket;
    await microtask();
    expect(handle.peek()).toBeUndefined();
    expect(early.connection.state.type).toBe('disconnected');
  });

  it('once released it never makes a socket again on demand: a late send has nowhere to go', async () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    handle.acquire()();
    await microtask();
    expect(handle.demand()).toBeUndefined();
    await microtask();
    expect(create).toHaveBeenCalledTimes(1);
    expect(handle.renew()).toBe(false);
    // Only the provider mounting again (a new acquire) makes one.
    const release = handle.acquire();
    expect(create).toHaveBeenCalledTimes(2);
    release();
  });

  it('fans every message out to every listener; one that throws does not hide it from the others', async () => {
    const tasks: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      tasks.push(task);
    });
    const mock = mockServer();
    const { handle } = owned(mock);
    const release = handle.acquire();
    const a: unknown[] = [];
    const b: unknown[] = [];
    handle.subscribeMessages(() => {
      throw new Error('listener bug');
    });
    handle.subscribeMessages((m) => a.push(m));
    const stopB = handle.subscribeMessages((m) => b.push(m));
    await waitFor(() => expect(mock.open()).toBe(1));
    mock.send('one');
    stopB();
    mock.send('two');
    expect(a).toEqual(['one', 'two']);
    expect(b).toEqual(['one']);
    expect(handle.last()).toEqual({ message: 'two' });
    const reported = tasks.filter((t) => {
      try {
        t();
        return false;
      } catch (error) {
        return (error as Error).message === 'listener bug';
      }
    });
    expect(reported).toHaveLength(2);
    vi.restoreAllMocks();
    release();
  });

  it('replace: a live socket is swapped, its queue carried over; what the new one refuses is reported', async () => {
    const mock = mockServer();
    const { handle, made, drops } = owned(mock);
    const release = handle.acquire();
    mock.accept = false; // nothing opens: sends are queued
    const first = made[0] as WebSocket;
    first.send('a');
    first.send('b');
    const made2: WebSocket[] = [];
    handle.replace(() => {
      const socket = new WebSocket(mock.url, { ...mock.options, queue: { maxMessages: 1 } });
      made2.push(socket);
      return socket;
    });
    const second = made2[0] as WebSocket;
    expect(handle.peek()).toBe(second);
    expect(first.connection.state.type).toBe('disconnected');
    expect(second.queued).toEqual(['a']);
    expect(drops).toEqual(['b']);
    release();
  });

  it('disabled: no socket, the state DISABLED; enabling while held connects, disabling closes', async () => {
    const mock = mockServer();
    const { handle, create, made } = owned(mock, {}, false);
    const release = handle.acquire();
    expect(create).not.toHaveBeenCalled();
    expect(handle.demand()).toBeUndefined();
    expect(handle.state()).toBe(DISABLED);
    handle.setEnabled(true);
    expect(create).toHaveBeenCalledTimes(1);
    await (made[0] as WebSocket).connection.firstWhere(isOpen);
    handle.setEnabled(false);
    expect((made[0] as WebSocket).connection.state.type).not.toBe('connected');
    expect(handle.state()).toBe(DISABLED);
    release();
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
  });

  it('renew(): false while the socket lives; after it ended, a fresh socket every listener follows', async () => {
    const mock = mockServer();
    const { handle, made } = owned(mock, { shouldReconnect: () => false });
    const release = handle.acquire();
    const notified = vi.fn();
    handle.subscribe(notified);
    await waitFor(() => expect(mock.open()).toBe(1));
    expect(handle.renew()).toBe(false);
    mock.last().close({ code: 4000, reason: 'bye', wasClean: true });
    await waitFor(() => expect(handle.state().type).toBe('disconnected'));
    notified.mockClear();
    expect(handle.renew()).toBe(true);
    expect(made).toHaveLength(2);
    expect(handle.peek()).toBe(made[1]);
    expect(notified).toHaveBeenCalled();
    release();
  });

  it('borrows a socket: links it while held, unlinks on release, never closes it, cannot renew it', async () => {
    const mock = mockServer();
    const socket = new WebSocket(mock.url, mock.options);
    sockets.push(socket);
    const size = () => (socket.connection as unknown as { emitter: { size: number } }).emitter.size;
    const before = size();
    const handle = new SocketHandle({ borrowed: socket });
    expect(size()).toBe(before);
    for (let i = 0; i < 50; i++) {
      const release = handle.acquire();
      expect(handle.peek()).toBe(socket);
      release();
      await microtask();
    }
    expect(size()).toBe(before);
    expect(handle.renew()).toBe(false);
    await socket.connection.firstWhere(isOpen);
    expect(socket.connection.state.type).toBe('connected');
  });
});
