import { waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isOpen, WebSocket } from '../../src/core/index';
import { INITIAL, SocketHandle } from '../../src/react/socket-handle';
import { type MockServer, mockServer } from './mock-server';

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

const owned = (mock: MockServer, options = {}) => {
  const made: WebSocket[] = [];
  const create = vi.fn(() => {
    const socket = new WebSocket(mock.url, { ...mock.options, ...options });
    made.push(socket);
    return socket;
  });
  return { handle: new SocketHandle(create), create, made };
};

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

describe('SocketHandle', () => {
  it('creates nothing until asked: peek is empty and the state is INITIAL', () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    expect(create).not.toHaveBeenCalled();
    expect(handle.peek()).toBeUndefined();
    expect(handle.state()).toBe(INITIAL);
    expect(INITIAL.type).toBe('connecting');
  });

  it('acquire creates one socket; the last release closes it after a microtask', async () => {
    const mock = mockServer();
    const { handle, create, made } = owned(mock);
    const notified = vi.fn();
    handle.subscribeState(notified);
    const release = handle.acquire();
    expect(create).toHaveBeenCalledTimes(1);
    const socket = made[0] as WebSocket;
    expect(handle.get()).toBe(socket);
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
    expect(create).toHaveBeenCalledTimes(1);
    expect(handle.peek()).toBe(socket);
    expect(socket?.connection.state.type).toBe('connecting');
    await waitFor(() => expect(mock.connections).toHaveLength(1));
    releaseSecond();
    await microtask();
    expect(socket?.connection.state.type).not.toBe('connecting');
  });

  it('release is idempotent', async () => {
    const mock = mockServer();
    const { handle } = owned(mock);
    const a = handle.acquire();
    const b = handle.acquire();
    a();
    a();
    await microtask();
    expect(handle.peek()?.connection.state.type).toBe('connecting');
    b();
    await microtask();
    expect(handle.peek()).toBeUndefined();
  });

  it('a socket made on demand with no reference (a child effect first) is closed unless acquired', async () => {
    const mock = mockServer();
    const { handle, made } = owned(mock);
    handle.get();
    await microtask();
    expect(made).toHaveLength(1);
    expect(made[0]?.connection.state.type).toBe('disconnected');
    expect(handle.peek()).toBeUndefined();

    const stop = handle.subscribeState(() => {});
    const release = handle.acquire();
    await microtask();
    expect(made).toHaveLength(2);
    expect(handle.peek()).toBe(made[1]);
    stop();
    release();
    await microtask();
    expect(made[1]?.connection.state.type).toBe('disconnected');
  });

  it('state(): INITIAL while connecting, then the socket’s own state objects', async () => {
    const mock = mockServer();
    const { handle } = owned(mock);
    const states: unknown[] = [];
    handle.subscribeState(() => states.push(handle.state()));
    const release = handle.acquire();
    expect(handle.state()).toBe(INITIAL);
    const socket = handle.get();
    await socket.connection.firstWhere(isOpen);
    expect(handle.state()).toBe(socket.connection.state);
    expect(states.at(-1)).toBe(socket.connection.state);
    release();
    await microtask();
  });

  it('fans every message out to every listener, until each unsubscribes', async () => {
    const mock = mockServer();
    const { handle } = owned(mock);
    const release = handle.acquire();
    await handle.get().connection.firstWhere(isOpen);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = handle.subscribeMessages((m) => a.push(m));
    const stopB = handle.subscribeMessages((m) => b.push(m));
    mock.send('1', '2');
    stopA();
    mock.send('3');
    stopB();
    mock.send('4');
    expect(a).toEqual(['1', '2']);
    expect(b).toEqual(['1', '2', '3']);
    release();
    await microtask();
  });

  it('renew(): false while the socket lives; after it ended, a fresh socket every listener follows', async () => {
    const mock = mockServer();
    const { handle, made } = owned(mock, { shouldReconnect: () => false });
    const release = handle.acquire();
    await handle.get().connection.firstWhere(isOpen);
    expect(handle.renew()).toBe(false);
    const notified = vi.fn();
    const heard: unknown[] = [];
    handle.subscribeState(notified);
    handle.subscribeMessages((m) => heard.push(m));
    mock.last().close({ code: 4000, reason: 'gone', wasClean: true });
    await waitFor(() => expect(handle.state().type).toBe('disconnected'));
    notified.mockClear();
    expect(handle.renew()).toBe(true);
    expect(notified).toHaveBeenCalled();
    expect(made).toHaveLength(2);
    expect(handle.peek()).toBe(made[1]);
    await handle.get().connection.firstWhere(isOpen);
    mock.send('after renew');
    expect(heard).toEqual(['after renew']);
    release();
    await microtask();
    expect(made[1]?.connection.state.type).not.toBe('connected');
  });

  it('borrows a socket: never closes it, and cannot renew it', async () => {
    const mock = mockServer();
    const socket = new WebSocket(mock.url, { ...mock.options, shouldReconnect: () => false });
    sockets.push(socket);
    const handle = new SocketHandle(undefined, socket);
    expect(handle.peek()).toBe(socket);
    const release = handle.acquire();
    await socket.connection.firstWhere(isOpen);
    expect(handle.state()).toBe(socket.connection.state);
    release();
    await microtask();
    expect(socket.connection.state.type).toBe('connected');
    expect(handle.get()).toBe(socket);
    socket.close();
    await waitFor(() => expect(socket.connection.state.type).toBe('disconnected'));
    expect(handle.renew()).toBe(false);
    expect(handle.get()).toBe(socket);
  });
});

describe('SocketHandle.renew', () => {
  it('replaces a socket that is still closing: it will never reconnect, so Retry gets a fresh one', async () => {
    const transports: { readyState: number; closed: number }[] = [];
    // A transport whose closing handshake ends a microtask after close(), so a Retry can come
    // while the socket is Disconnecting.
    class Stuck {
      readyState = 0;
      protocol = '';
      binaryType = 'blob';
      closed = 0;
      onopen: ((e: unknown) => void) | null = null;
      onmessage: ((e: unknown) => void) | null = null;
      onclose: ((e: unknown) => void) | null = null;
      onerror: ((e: unknown) => void) | null = null;
      constructor() {
        transports.push(this);
        queueMicrotask(() => {
          this.readyState = 1;
          this.onopen?.({});
        });
      }
      send() {}
      close() {
        this.closed++;
        this.readyState = 2;
        queueMicrotask(() => {
          this.readyState = 3;
          this.onclose?.({ code: 1005, reason: '' });
        });
      }
    }
    const handle = new SocketHandle(
      () => new WebSocket('ws://stuck.test', { WebSocket: Stuck, environment: null }),
    );
    const release = handle.acquire();
    await waitFor(() => expect(handle.state().type).toBe('connected'));
    const spent = handle.peek();
    spent?.close();
    expect(handle.state().type).toBe('disconnecting');
    expect(handle.renew()).toBe(true);
    expect(handle.peek()).not.toBe(spent);
    await waitFor(() => expect(spent?.connection.state.type).toBe('disconnected'));
    await waitFor(() => expect(handle.state().type).toBe('connected'));
    expect(transports).toHaveLength(2);
    release();
    await microtask();
    expect(handle.peek()).toBeUndefined();
    expect(transports.every((t) => t.readyState >= 2)).toBe(true);
  });

  it('does not replace an open or reconnecting socket', async () => {
    const mock = mockServer();
    const { handle, create } = owned(mock);
    const release = handle.acquire();
    await waitFor(() => expect(isOpen(handle.state())).toBe(true));
    expect(handle.renew()).toBe(false);
    expect(create).toHaveBeenCalledTimes(1);
    release();
  });
});
