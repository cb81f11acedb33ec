// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
/**
 * The sequences that broke the v1 React layer, each against a real `ws` server on 127.0.0.1
 * (connections counted there) or counting listeners on the socket, plainly and in StrictMode.
 */
import { act, screen, waitFor } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, it, vi } from 'vitest';
import { WebSocket, type WebSocketOptions } from '../../src/core/index';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useReconnect,
  useSend,
  WebSocketProvider,
} from '../../src/react/index';
import { describeModes } from './modes';
import { RealSocket, startServer } from './support-server';

const base: WebSocketOptions = { WebSocket: RealSocket, environment: null };

function Status() {
  return <p data-testid="state">{useConnectionState().type}</p>;
}
const connected = () =>
  waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));

describeModes('React lifetimes', (mode) => {
  it('1. a useMessageListener that throws hides the message from no one else', async () => {
    const server = await startServer();
    const reported: unknown[] = [];
    const queue = globalThis.queueMicrotask.bind(globalThis);
    // The fan-out rethrows a listener's error in a microtask; catch that one, run all others.
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) =>
      queue(() => {
        try {
          task();
        } catch (error) {
          if ((error as Error).message !== 'listener bug') throw error;
          reported.push(error);
        }
      }),
    );
    function Thrower() {
      useMessageListener(() => {
        throw new Error('listener bug');
      });
      return null;
    }
    const heard: string[] = [];
    function Later() {
      useMessageListener((m) => heard.push(String(m)));
      return <p data-testid="log">{useMessages({ throttle: 0 }).join(',')}</p>;
    }
    let send: (data: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (data: string) => boolean;
      return null;
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={server.url} options={base}>
        <Status />
        <Thrower />
        <Later />
        <Grab />
      </WebSocketProvider>,
    );
    await connected();
    await act(async () => {
      send('one');
      send('two');
    });
    await waitFor(() => expect(screen.getByTestId('log').textContent).toBe('one,two'));
    expect(heard).toEqual(['one', 'two']);
    expect(reported).toHaveLength(2);
    unmount();
    vi.restoreAllMocks();
  });

  it('2. useSend/useReconnect after the provider unmounted open nothing: send is false', async () => {
    const server = await startServer();
    let send: (data: string) => boolean = () => true;
    let reconnect: () => void = () => {};
    function Grab() {
      send = useSend() as (data: string) => boolean;
      reconnect = useReconnect();
      return null;
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={server.url} options={base}>
        <Status />
        <Grab />
      </WebSocketProvider>,
    );
    await connected();
    expect(server.total()).toBe(1);
    unmount();
    await waitFor(() => expect(server.open()).toBe(0));
    // A late promise, a timer, a stale closure:
    expect(send('late')).toBe(false);
    reconnect();
    await act(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(server.total()).toBe(1);
    expect(server.open()).toBe(0);
  });

  it('3. a child that sends from useLayoutEffect on mount: one connection, the message arrives', async () => {
    const server = await startServer();
    const received: string[] = [];
    function Hello() {
      const send = useSend();
      useLayoutEffect(() => {
        send('hello from a layout effect');
      }, [send]);
      useMessageListener((m) => received.push(String(m)));
      return null;
    }
    // As a browser runs it: outside act(), passive effects run a task after the commit, so a
    // microtask passes between the child's layout effect and the provider's passive effect.
    const act = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const wasAct = act.IS_REACT_ACT_ENVIRONMENT;
    act.IS_REACT_ACT_ENVIRONMENT = false;
    const root = createRoot(document.body.appendChild(document.createElement('div')));
    try {
      root.render(
        mode.wrap(
          <WebSocketProvider url={server.url} options={base}>
            <Hello />
          </WebSocketProvider>,
        ),
      );
      // StrictMode runs the effect twice: both sends go through the one connection.
      await waitFor(() => expect(received).toHaveLength(mode.strict ? 2 : 1));
      expect(received[0]).toBe('hello from a layout effect');
      expect(server.total()).toBe(1);
    } finally {
      root.unmount();
      act.IS_REACT_ACT_ENVIRONMENT = wasAct;
    }
  });

  it('4. a new url while messages are queued: they reach the server on the new socket', async () => {
    const server = await startServer();
    const received: string[] = [];
    function Echo() {
      useMessageListener((m) => received.push(String(m)));
      return null;
    }
    let send: (data: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (data: string) => boolean;
      return null;
    }
    // Nothing listens on the first URL: what is sent waits in the queue while it retries.
    const hang = 'ws://127.0.0.1:1/?token=old';
    const ui = (url: string) => (
      <WebSocketProvider url={url} options={base}>
        <Status />
        <Grab />
        <Echo />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(hang));
    await act(async () => {
      expect(send('a')).toBe(true);
      expect(send('b')).toBe(true);
    });
    // The README's token-in-the-query example: a fresh token makes a new URL.
    rerender(ui(`${server.url}/?token=new`));
    await connected();
    await waitFor(() => expect(received).toEqual(['a', 'b']));
    expect(server.paths).toEqual(['/?token=new']);
    unmount();
  });

  it('4b. new options while queued: carried over, and what the new socket refuses goes to onDrop', async () => {
    const server = await startServer();
    const onDrop = vi.fn();
    let send: (data: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (data: string) => boolean;
      return null;
    }
    const ui = (maxMessages: number, url: string) => (
      <WebSocketProvider url={url} options={{ ...base, onDrop, queue: { maxMessages } }}>
        <Status />
        <Grab />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(10, 'ws://127.0.0.1:1/'));
    await act(async () => {
      for (const m of ['a', 'b', 'c']) expect(send(m)).toBe(true);
    });
    rerender(ui(2, server.url));
    await connected();
    expect(onDrop.mock.calls).toEqual([['c', 'closed']]);
    unmount();
  });

  it('5. <WebSocketProvider socket={s}> mounted and unmounted 50 times leaves no listener on s', async () => {
    const server = await startServer();
    const socket = new WebSocket(server.url, base);
    const listeners = () =>
      (socket.connection as unknown as { emitter: { size: number } }).emitter.size +
      (socket.messages as unknown as { size: number }).size;
    const before = listeners();
    for (let i = 0; i < 50; i++) {
      const { unmount } = mode.render(
        <WebSocketProvider socket={socket}>
          <Status />
        </WebSocketProvider>,
      );
      unmount();
      await act(() => Promise.resolve());
    }
    expect(listeners()).toBe(before);
    socket.close();
    await waitFor(() => expect(server.open()).toBe(0));
  });

  it('6. adding, removing or changing callbacks never reconnects; the latest is always called', async () => {
    const server = await startServer();
    const calls: string[] = [];
    const ui = (options: WebSocketOptions) => (
      <WebSocketProvider url={server.url} options={{ ...base, ...options }}>
        <Status />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui({}));
    await connected();
    rerender(ui({ onDrop: () => calls.push('drop'), onOpen: () => void calls.push('open 1') }));
    rerender(ui({ onOpen: () => void calls.push('open 2') }));
    rerender(ui({ onOpen: undefined }));
    rerender(
      ui({
        shouldReconnect: () => (calls.push('should'), true),
        onOpen: () => void calls.push('open 3'),
      }),
    );
    expect(server.total()).toBe(1);
    // A drop at the server: the latest shouldReconnect and onOpen run on the same socket.
    server.drop();
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('reconnected'));
    expect(calls).toEqual(['should', 'open 3']);
    expect(server.total()).toBe(2);
    unmount();
  });

  it('6b. binary options compare by their bytes: a new heartbeat.ping reconnects, the same does not', async () => {
    const server = await startServer();
    const ui = (ping: Uint8Array) => (
      <WebSocketProvider
        url={server.url}
        options={{ ...base, heartbeat: { interval: 60_000, ping } }}
      >
        <Status />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(new Uint8Array([1])));
    await connected();
    rerender(ui(new Uint8Array([1])));
    expect(server.total()).toBe(1);
    rerender(ui(new Uint8Array([2])));
    await waitFor(() => expect(server.total()).toBe(2));
    await waitFor(() => expect(server.open()).toBe(1));
    unmount();
  });

  it('6c. a codec and a heartbeat.pong function given later are the ones used', async () => {
    const server = await startServer();
    const got: unknown[] = [];
    function Log() {
      useMessageListener((m) => got.push(m));
      return null;
    }
    let send: (data: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (data: string) => boolean;
      return null;
    }
    const upper = {
      encode: (v: unknown) => String(v).toUpperCase(),
      decode: (d: unknown) => `decoded:${String(d)}`,
    };
    const ui = (options: WebSocketOptions) => (
      <WebSocketProvider url={server.url} options={{ ...base, ...options }}>
        <Status />
        <Log />
        <Grab />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(
      ui({ heartbeat: { interval: 60_000, pong: () => false } }),
    );
    await connected();
    rerender(
      ui({
        codec: upper as never,
        heartbeat: { interval: 60_000, pong: (d) => String(d) === 'PONG' },
      }),
    );
    await act(async () => {
      send('hello');
      send('pong');
    });
    await waitFor(() => expect(got).toEqual(['decoded:HELLO']));
    expect(server.total()).toBe(1);
    unmount();
  });
});
