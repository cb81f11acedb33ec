// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { Disconnected, type WebSocketOptions } from '../../src/core/index';
import {
  useConnectionState,
  useLastMessage,
  useMessages,
  useRetry,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { describeModes } from './modes';
import { RealSocket, startServer } from './support-server';

const base: WebSocketOptions = { WebSocket: RealSocket, environment: null };

describeModes('enabled', (mode) => {
  it('false holds no socket; the hooks work; send is false; true connects; false closes again', async () => {
    const server = await startServer();
    const onDrop = vi.fn();
    const seen: { send: (d: string) => boolean; state?: unknown; socket?: unknown } = {
      send: () => true,
    };
    function Probe() {
      const state = useConnectionState();
      seen.send = useSend() as (d: string) => boolean;
      seen.state = state;
      seen.socket = useWebSocket();
      useRetry();
      useMessages();
      useLastMessage();
      return <p data-testid="state">{state.type}</p>;
    }
    const ui = (enabled: boolean) => (
      <WebSocketProvider url={server.url} options={{ ...base, onDrop }} enabled={enabled}>
        <Probe />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(false));
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(server.total()).toBe(0);
    expect(seen.state).toEqual(new Disconnected());
    expect(seen.socket).toBeNull();
    expect(seen.send('not now')).toBe(false);
    expect(screen.getByTestId('state').textContent).toBe('disconnected');

    rerender(ui(true));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    expect(server.total()).toBe(1);
    expect(seen.send('now')).toBe(true);

    rerender(ui(false));
    await waitFor(() => expect(server.open()).toBe(0));
    expect(screen.getByTestId('state').textContent).toBe('disconnected');
    expect(seen.send('after')).toBe(false);
    rerender(ui(true));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    expect(server.total()).toBe(2);
    expect(onDrop).not.toHaveBeenCalled();
    unmount();
  });

  it('a login gate: messages queued before disabling are reported to onDrop, not lost silently', async () => {
    const onDrop = vi.fn();
    let send: (d: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (d: string) => boolean;
      return null;
    }
    const ui = (enabled: boolean) => (
      <WebSocketProvider url="ws://127.0.0.1:1/" options={{ ...base, onDrop }} enabled={enabled}>
        <Grab />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(true));
    await act(async () => {
      expect(send('queued')).toBe(true);
    });
    rerender(ui(false));
    await waitFor(() => expect(onDrop).toHaveBeenCalledWith('queued', 'closed'));
    unmount();
  });
});

describeModes('useLastMessage', (mode) => {
  it('a component mounted after the message shows it at once; later ones replace it', async () => {
    const server = await startServer();
    let send: (d: string) => boolean = () => false;
    function Grab() {
      send = useSend() as (d: string) => boolean;
      return <p data-testid="state">{useConnectionState().type}</p>;
    }
    function Latest() {
      return <p data-testid="latest">{String(useLastMessage({ throttle: 0 }) ?? 'none')}</p>;
    }
    const ui = (late: boolean) => (
      <WebSocketProvider url={server.url} options={base}>
        <Grab />
        {late && <Latest />}
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(false));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('connected'));
    await act(async () => {
      send('first');
    });
    // Wait for the echo to have arrived at the socket, with nobody showing it yet.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    rerender(ui(true));
    expect(screen.getByTestId('latest').textContent).toBe('first');
    await act(async () => {
      send('second');
    });
    await waitFor(() => expect(screen.getByTestId('latest').textContent).toBe('second'));
    unmount();
  });
});

describeModes('useMessages keys', (mode) => {
  it('firstIndex + i is a stable key: a row keeps its key when limit evicts older ones', async () => {
    const server = await startServer();
    let send: (d: string) => boolean = () => false;
    const keys = new Map<string, number>();
    function Log() {
      send = useSend() as (d: string) => boolean;
      const messages = useMessages({ limit: 3, throttle: 0 });
      messages.forEach((m, i) => {
        const key = messages.firstIndex + i;
        const before = keys.get(String(m));
        if (before !== undefined) expect(key).toBe(before);
        keys.set(String(m), key);
      });
      return (
        <ol data-testid="log">
          {messages.map((m, i) => (
            <li key={messages.firstIndex + i}>{String(m)}</li>
          ))}
        </ol>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={server.url} options={base}>
        <Log />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(server.open()).toBe(1));
    for (const m of ['a', 'b', 'c', 'd', 'e']) {
      await act(async () => {
        send(m);
      });
      await waitFor(() => expect(screen.getByTestId('log').textContent?.endsWith(m)).toBe(true));
    }
    expect(screen.getByTestId('log').textContent).toBe('cde');
    expect([...keys.entries()]).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ]);
    unmount();
  });
});
