// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { expect, it } from 'vitest';
import {
  type ConnectionState,
  ConstantBackoff,
  Disconnected,
  SocketEndedError,
  WebSocket,
  type WebSocketLike,
} from '../../src/core/index';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useReconnect,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { inAct } from './helpers';
import { mockServer } from './mock-server';
import { describeModes } from './modes';

/** State, messages, the socket and a Retry button, as an app would show them. */
const app = () => {
  const seen: {
    socket: WebSocketLike | null;
    sockets: Set<WebSocketLike>;
    state: ConnectionState | undefined;
    heard: string[];
    messages: readonly unknown[];
    retries: Set<unknown>;
  } = {
    socket: null,
    sockets: new Set(),
    state: undefined,
    heard: [],
    messages: [],
    retries: new Set(),
  };
  function Panel() {
    const state = useConnectionState();
    const socket = useWebSocket();
    const retry = useReconnect();
    seen.messages = useMessages();
    useMessageListener((m) => seen.heard.push(String(m)));
    seen.state = state;
    seen.socket = socket;
    if (socket) seen.sockets.add(socket);
    seen.retries.add(retry);
    return (
      <>
        <p data-testid="state">{state.type}</p>
        <button type="button" onClick={retry}>
          Retry
        </button>
      </>
    );
  }
  return { seen, Panel };
};

const state = () => screen.getByTestId('state').textContent;
const clickRetry = () => act(async () => screen.getByRole('button', { name: 'Retry' }).click());

describeModes('useReconnect', (mode) => {
  it('retries at once, skipping the backoff wait', async () => {
    const mock = mockServer();
    mock.accept = false;
    const { Panel } = app();
    const { unmount } = mode.render(
      <WebSocketProvider
        url={mock.url}
        options={{
          ...mock.options,
          backoff: new ConstantBackoff(60_000),
          giveUpAfter: Number.POSITIVE_INFINITY,
        }}
      >
        <Panel />
      </WebSocketProvider>,
    );
    // The first failure is retried at once; the second one waits 60 s.
    await waitFor(() => expect(mock.attempts()).toBe(2));
    expect(state()).toBe('reconnecting');
    mock.accept = true;
    await clickRetry();
    await waitFor(() => expect(state()).toBe('reconnected'));
    expect(mock.attempts()).toBe(3);
    expect(mock.connections).toHaveLength(1);
    unmount();
  });

  it('does nothing while connected', async () => {
    const mock = mockServer();
    const { seen, Panel } = app();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Panel />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(state()).toBe('connected'));
    const socket = seen.socket;
    await clickRetry();
    await inAct(() => mock.send('still here'));
    expect(state()).toBe('connected');
    expect(seen.socket).toBe(socket);
    expect(mock.attempts()).toBe(1);
    unmount();
  });

  it('after the socket ended, builds a fresh one from the same options, and every hook follows it', async () => {
    const mock = mockServer();
    const { seen, Panel } = app();
    const { unmount } = mode.render(
      <WebSocketProvider
        url={mock.url}
        options={{ ...mock.options, protocols: ['chat.v1'], shouldReconnect: () => false }}
      >
        <Panel />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(state()).toBe('connected'));
    const spent = seen.socket;
    await inAct(() => mock.send('one'));
    mock.last().close({ code: 4000, reason: 'server restart', wasClean: true });
    await waitFor(() => expect(state()).toBe('disconnected'));
    expect(seen.state).toMatchObject({ code: 4000, reason: 'server restart' });
    await clickRetry();
    await waitFor(() => expect(state()).toBe('connected'));
    expect(seen.socket).not.toBe(spent);
    expect(spent?.connection.state.type).toBe('disconnected');
    expect(seen.sockets.size).toBe(2);
    expect(mock.connections).toHaveLength(2);
    expect(mock.last().protocol).toBe('chat.v1');
    await inAct(() => mock.send('two'));
    expect(seen.heard).toEqual(['one', 'two']);
    await waitFor(() => expect(seen.messages).toEqual(['one', 'two']));
    expect(seen.retries.size).toBe(1);
    unmount();
  });

  it('after a give-up, Retry connects again', async () => {
    const mock = mockServer();
    mock.accept = false;
    const { seen, Panel } = app();
    const { unmount } = mode.render(
      <WebSocketProvider
        url={mock.url}
        options={{ ...mock.options, backoff: new ConstantBackoff(5), giveUpAfter: 20 }}
      >
        <Panel />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(seen.state).toBeInstanceOf(Disconnected));
    expect(seen.state).toMatchObject({ code: 1006, reason: 'connection timeout' });
    const attempts = mock.attempts();
    mock.accept = true;
    await clickRetry();
    await waitFor(() => expect(state()).toBe('connected'));
    expect(mock.attempts()).toBe(attempts + 1);
    expect(mock.open()).toBe(1);
    unmount();
  });

  it('after the app closed the socket, Retry opens a new one', async () => {
    const mock = mockServer();
    const { seen, Panel } = app();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Panel />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(state()).toBe('connected'));
    await act(async () => seen.socket?.close());
    await waitFor(() => expect(state()).toBe('disconnected'));
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
    await clickRetry();
    await waitFor(() => expect(state()).toBe('connected'));
    expect(mock.connections).toHaveLength(2);
    unmount();
  });

  it('cannot renew a borrowed socket: after it ended, retry throws SocketEndedError', async () => {
    const mock = mockServer();
    const socket = new WebSocket(mock.url, mock.options);
    let retry = () => {};
    function Retry() {
      retry = useReconnect();
      return <p data-testid="state">{useConnectionState().type}</p>;
    }
    const { unmount } = mode.render(
      <WebSocketProvider socket={socket}>
        <Retry />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(state()).toBe('connected'));
    await act(async () => socket.close());
    await waitFor(() => expect(state()).toBe('disconnected'));
    expect(() => retry()).toThrow(SocketEndedError);
    expect(mock.connections).toHaveLength(1);
    unmount();
  });
});
