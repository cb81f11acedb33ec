// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { memo, useState } from 'react';
import { expect, it } from 'vitest';
import { ConstantBackoff, type WebSocketOptions } from '../../src/core/index';
import {
  useConnectionState,
  useReconnect,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { Commits, inAct } from './helpers';
import { type MockServer, mockServer } from './mock-server';
import { describeModes } from './modes';

/** A component that renders the send function and keeps every identity it saw. */
const sendProbe = () => {
  const seen = { send: (_: string) => false as boolean, identities: new Set<unknown>() };
  function Sender() {
    const send = useSend();
    seen.send = send as (data: string) => boolean;
    seen.identities.add(send);
    return null;
  }
  return { seen, Sender };
};

function Status() {
  return <p data-testid="state">{useConnectionState().type}</p>;
}
const state = () => screen.getByTestId('state').textContent;

describeModes('useSend', (mode) => {
  it('sends when open and returns true', async () => {
    const mock = mockServer();
    const { seen, Sender } = sendProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
        <Sender />
      </WebSocketProvider>,
    );
    await screen.findByText('connected');
    let results: boolean[] = [];
    await act(async () => {
      results = ['one', 'two', 'three'].map((m) => seen.send(m));
    });
    expect(results).toEqual([true, true, true]);
    await waitFor(() => expect(mock.received).toEqual(['one', 'two', 'three']));
    unmount();
  });

  it('queues while connecting (true), and flushes in order on open', async () => {
    const mock = mockServer();
    const { seen, Sender } = sendProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
        <Sender />
      </WebSocketProvider>,
    );
    expect(state()).toBe('connecting');
    expect(seen.send('early 1')).toBe(true);
    expect(seen.send('early 2')).toBe(true);
    await screen.findByText('connected');
    await waitFor(() => expect(mock.received).toEqual(['early 1', 'early 2']));
    unmount();
  });

  it('returns false when the message is dropped: no queue while connecting, or the socket ended', async () => {
    const mock = mockServer();
    const { seen, Sender } = sendProbe();
    const { unmount } = mode.render(
      <WebSocketProvider
        url={mock.url}
        options={{ ...mock.options, queue: false, shouldReconnect: () => false }}
      >
        <Status />
        <Sender />
      </WebSocketProvider>,
    );
    expect(seen.send('too early')).toBe(false);
    await screen.findByText('connected');
    expect(seen.send('fine')).toBe(true);
    await waitFor(() => expect(mock.received).toEqual(['fine']));
    mock.last().close({ code: 4000, reason: 'bye', wasClean: true });
    await screen.findByText('disconnected');
    expect(seen.send('too late')).toBe(false);
    expect(mock.received).toEqual(['fine']);
    unmount();
  });

  it('keeps one identity across renders, reconnects, a renewed socket and a new url', async () => {
    const a = mockServer('a');
    const b = mockServer('b');
    const { seen, Sender } = sendProbe();
    let retry = () => {};
    const retries = new Set<() => void>();
    function Retry() {
      retry = useReconnect();
      retries.add(retry);
      return null;
    }
    const options = (mock: MockServer): WebSocketOptions => ({
      ...mock.options,
      backoff: new ConstantBackoff(0),
      minUptime: 0,
      shouldReconnect: ({ code }) => code !== 4401,
    });
    const ui = (mock: MockServer) => (
      <WebSocketProvider url={mock.url} options={options(mock)}>
        <Status />
        <Sender />
        <Retry />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(a));
    await screen.findByText('connected');
    // A drop and a reconnect of the same socket.
    a.last().close({ code: 4000, reason: 'restart', wasClean: true });
    await screen.findByText('reconnected');
    // The socket ends; Retry builds a fresh one.
    a.last().close({ code: 4401, reason: 'ended', wasClean: true });
    await screen.findByText('disconnected');
    await act(async () => retry());
    await screen.findByText('connected');
    expect(a.connections).toHaveLength(3);
    expect(seen.send('to a')).toBe(true);
    await waitFor(() => expect(a.received).toEqual(['to a']));
    // A new url: a new socket behind the same function.
    rerender(ui(b));
    await waitFor(() => expect(b.open()).toBe(1));
    await waitFor(() => expect(a.server.clients()).toHaveLength(0));
    expect(seen.send('to b')).toBe(true);
    await waitFor(() => expect(b.received).toEqual(['to b']));
    expect(seen.identities.size).toBe(1);
    // useReconnect keeps its identity through all of it too.
    expect(retries.size).toBe(1);
    unmount();
  });

  it('a memo child using only useSend renders once: not for parent state, states or messages', async () => {
    const mock = mockServer();
    const commits = new Commits();
    const Child = memo(function Child() {
      const send = useSend();
      return (
        <commits.Probe>
          <button type="button" onClick={() => send('clicked')}>
            send
          </button>
        </commits.Probe>
      );
    });
    function Parent() {
      const [n, setN] = useState(0);
      return (
        <WebSocketProvider url={mock.url} options={mock.options}>
          <button type="button" onClick={() => setN(n + 1)}>
            {`parent ${n}`}
          </button>
          <Status />
          <Child />
        </WebSocketProvider>
      );
    }
    const { unmount } = mode.render(<Parent />);
    expect(commits.count).toBe(1);
    await screen.findByText('connected');
    for (let i = 1; i <= 3; i++) {
      await act(async () => screen.getByText(`parent ${i - 1}`).click());
      await screen.findByText(`parent ${i}`);
    }
    await inAct(() => mock.send('a', 'b'));
    await act(async () => screen.getByText('send').click());
    await waitFor(() => expect(mock.received).toEqual(['clicked']));
    expect(commits.count).toBe(1);
    unmount();
  });

  it('the socket seen by useWebSocket is the one useSend writes to', async () => {
    const mock = mockServer();
    const { seen, Sender } = sendProbe();
    let socket: ReturnType<typeof useWebSocket> = null;
    function Spy() {
      socket = useWebSocket();
      return null;
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
        <Sender />
        <Spy />
      </WebSocketProvider>,
    );
    await screen.findByText('connected');
    await inAct(() => {
      seen.send('via hook');
      socket?.send('via socket');
    });
    await waitFor(() => expect(mock.received).toEqual(['via hook', 'via socket']));
    unmount();
  });
});
