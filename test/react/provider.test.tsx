// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { expect, it } from 'vitest';
import {
  type ConnectionState,
  ConstantBackoff,
  WebSocket,
  type WebSocketLike,
  type WebSocketOptions,
} from '../../src/core/index';
import {
  useConnectionState,
  useMessages,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { counting, inAct } from './helpers';
import { mockServer } from './mock-server';
import { describeModes } from './modes';
import { RealSocket, startServer } from './support-server';

/** Shows the state and records the socket the hooks see. */
const probe = () => {
  const seen: { socket: WebSocketLike | null; states: ConnectionState['type'][] } = {
    socket: null,
    states: [],
  };
  function Status() {
    const socket = useWebSocket();
    const state = useConnectionState();
    seen.socket = socket;
    return <p data-testid="state">{state.type}</p>;
  }
  return { seen, Status };
};

const state = () => screen.getByTestId('state').textContent;
const connected = () => waitFor(() => expect(state()).toBe('connected'));

describeModes('WebSocketProvider', (mode) => {
  it('owns one socket: connects once, and unmounting closes it', async () => {
    const mock = mockServer();
    const { seen, Status } = probe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    expect(mock.connections).toHaveLength(1);
    const socket = seen.socket;
    expect(socket).toBeInstanceOf(WebSocket);
    unmount();
    await waitFor(() => expect(socket?.connection.state.type).toBe('disconnected'));
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
    expect(mock.connections).toHaveLength(1);
  });

  it('borrows a socket passed as `socket` and never closes it', async () => {
    const mock = mockServer();
    const socket = new WebSocket(mock.url, mock.options);
    const { seen, Status } = probe();
    const ui = (
      <WebSocketProvider socket={socket}>
        <Status />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui);
    await connected();
    expect(seen.socket).toBe(socket);
    rerender(
      <WebSocketProvider socket={socket}>
        <Status />
      </WebSocketProvider>,
    );
    unmount();
    // Let the provider's deferred release run: a borrowed socket must survive it.
    await act(() => Promise.resolve());
    expect(socket.connection.state.type).toBe('connected');
    expect(mock.open()).toBe(1);
    expect(mock.connections).toHaveLength(1);
    expect(socket.send('still mine')).toBe(true);
    await waitFor(() => expect(mock.received).toEqual(['still mine']));
    socket.close();
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
  });

  it('a new url opens a new socket and closes the old one', async () => {
    const a = mockServer('a');
    const b = mockServer('b');
    const { seen, Status } = probe();
    const { rerender, unmount } = mode.render(
      <WebSocketProvider url={a.url} options={a.options}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    const first = seen.socket;
    rerender(
      <WebSocketProvider url={b.url} options={b.options}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(b.open()).toBe(1));
    await waitFor(() => expect(a.server.clients()).toHaveLength(0));
    await connected();
    expect(first?.connection.state.type).toBe('disconnected');
    expect(seen.socket).not.toBe(first);
    expect(a.connections).toHaveLength(1);
    expect(b.connections).toHaveLength(1);
    unmount();
  });

  it('a URL object with a new href is a new url', async () => {
    const a = mockServer('a');
    const b = mockServer('b');
    const { Status } = probe();
    const { rerender, unmount } = mode.render(
      <WebSocketProvider url={new URL(a.url)} options={a.options}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    // The same href in a new URL object is the same url: nothing happens.
    rerender(
      <WebSocketProvider url={new URL(a.url)} options={a.options}>
        <Status />
      </WebSocketProvider>,
    );
    rerender(
      <WebSocketProvider url={new URL(b.url)} options={b.options}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(b.open()).toBe(1));
    await waitFor(() => expect(a.server.clients()).toHaveLength(0));
    expect(a.connections).toHaveLength(1);
    expect(b.connections).toHaveLength(1);
    unmount();
  });

  it.each<[string, Partial<WebSocketOptions>, Partial<WebSocketOptions>]>([
    ['protocols', { protocols: ['v1'] }, { protocols: ['v2'] }],
    ['timeout', { timeout: 10_000 }, { timeout: 20_000 }],
    ['queue', { queue: { maxMessages: 10 } }, { queue: false }],
    ['heartbeat', {}, { heartbeat: { interval: 60_000 } }],
  ])('a changed %s opens a new socket and closes the old one', async (_, before, after) => {
    const mock = mockServer();
    const { seen, Status } = probe();
    const { rerender, unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={{ ...mock.options, ...before }}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    const first = seen.socket;
    rerender(
      <WebSocketProvider url={mock.url} options={{ ...mock.options, ...after }}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(mock.connections).toHaveLength(2));
    await waitFor(() => expect(mock.open()).toBe(1));
    await waitFor(() => expect(mock.server.clients()).toHaveLength(1));
    await connected();
    expect(first?.connection.state.type).toBe('disconnected');
    expect(seen.socket).not.toBe(first);
    unmount();
  });

  it('a re-render with equal options (new objects, inline callbacks) does nothing', async () => {
    const mock = mockServer();
    const ws = counting(mock.options.WebSocket);
    const { seen, Status } = probe();
    const options = (): WebSocketOptions => ({
      ...mock.options,
      WebSocket: ws.Impl,
      protocols: ['v1', 'v2'],
      timeout: 10_000,
      backoff: new ConstantBackoff(100),
      queue: { maxMessages: 5 },
      headers: { 'x-app': 'test' },
      onOpen: () => {},
      shouldReconnect: () => true,
    });
    const { rerender, unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={options()}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    const first = seen.socket;
    for (let i = 0; i < 3; i++) {
      rerender(
        <WebSocketProvider url={`${mock.url}`} options={options()}>
          <Status />
        </WebSocketProvider>,
      );
    }
    // A new socket would be constructed in the re-render's effects, which have run by now.
    await inAct(() => mock.send('ping'));
    expect(ws.instances).toHaveLength(1);
    expect(seen.socket).toBe(first);
    expect(mock.attempts()).toBe(1);
    expect(mock.connections).toHaveLength(1);
    expect(mock.open()).toBe(1);
    unmount();
  });

  it('inline callbacks do not reconnect, and the latest one is called', async () => {
    const mock = mockServer();
    const ws = counting(mock.options.WebSocket);
    const calls: string[] = [];
    const { seen, Status } = probe();
    const ui = (label: string) => (
      <WebSocketProvider
        url={mock.url}
        options={{
          ...mock.options,
          WebSocket: ws.Impl,
          backoff: new ConstantBackoff(0),
          minUptime: 0,
          onOpen: () => {
            calls.push(`onOpen ${label}`);
          },
          shouldReconnect: () => {
            calls.push(`shouldReconnect ${label}`);
            return true;
          },
        }}
      >
        <Status />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui('first'));
    await connected();
    expect(calls).toEqual(['onOpen first']);
    const socket = seen.socket;
    rerender(ui('second'));
    rerender(ui('third'));
    expect(ws.instances).toHaveLength(1);
    await inAct(() => mock.last().close({ code: 4000, reason: 'bye', wasClean: true }));
    await waitFor(() => expect(state()).toBe('reconnected'));
    expect(calls).toEqual(['onOpen first', 'shouldReconnect third', 'onOpen third']);
    expect(mock.connections).toHaveLength(2);
    expect(mock.open()).toBe(1);
    // The same client socket reconnected (a second transport), no new one was made.
    expect(seen.socket).toBe(socket);
    expect(ws.instances).toHaveLength(2);
    unmount();
  });

  it('an inline url function does not reconnect; the latest one is called before each attempt', async () => {
    const a = mockServer('a');
    const b = mockServer('b');
    const { Status } = probe();
    const ui = (url: string) => (
      <WebSocketProvider
        url={() => url}
        options={{ ...a.options, backoff: new ConstantBackoff(0), minUptime: 0 }}
      >
        <Status />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(a.url));
    await connected();
    rerender(ui(b.url));
    expect(b.attempts()).toBe(0);
    await inAct(() => a.last().close({ code: 4000, reason: 'moved', wasClean: true }));
    await waitFor(() => expect(b.open()).toBe(1));
    await waitFor(() => expect(state()).toBe('reconnected'));
    expect(a.connections).toHaveLength(1);
    expect(a.server.clients()).toHaveLength(0);
    unmount();
  });

  it('a changed `key` replaces the socket (for options compared by class, such as a backoff)', async () => {
    const mock = mockServer();
    const { seen, Status } = probe();
    const { rerender, unmount } = mode.render(
      <WebSocketProvider key={1} url={mock.url} options={mock.options}>
        <Status />
      </WebSocketProvider>,
    );
    await connected();
    const first = seen.socket;
    rerender(
      <WebSocketProvider key={2} url={mock.url} options={mock.options}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(mock.connections).toHaveLength(2));
    await waitFor(() => expect(mock.server.clients()).toHaveLength(1));
    await connected();
    expect(seen.socket).not.toBe(first);
    unmount();
  });

  it('unmounting and mounting again gets a working socket', async () => {
    const mock = mockServer();
    function Echo() {
      const messages = useMessages();
      const send = useSend();
      const state = useConnectionState();
      return (
        <>
          <p data-testid="state">{state.type}</p>
          <button type="button" onClick={() => send('hello')}>
            send
          </button>
          <p data-testid="messages">{messages.join(',')}</p>
        </>
      );
    }
    const ui = (
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Echo />
      </WebSocketProvider>
    );
    const first = mode.render(ui);
    await connected();
    first.unmount();
    await waitFor(() => expect(mock.server.clients()).toHaveLength(0));
    const second = mode.render(ui);
    await connected();
    expect(mock.connections).toHaveLength(2);
    expect(mock.open()).toBe(1);
    mock.last().on('message', (data) => mock.last().send(`echo ${String(data)}`));
    await act(async () => screen.getByRole('button').click());
    await waitFor(() => expect(screen.getByTestId('messages').textContent).toBe('echo hello'));
    second.unmount();
  });
});

describeModes('WebSocketProvider against a real ws server', (mode) => {
  function Status() {
    return <p data-testid="state">{useConnectionState().type}</p>;
  }

  it('exactly one connection reaches the server; unmount closes it', async () => {
    const server = await startServer();
    const ws = counting(RealSocket);
    const { unmount } = mode.render(
      <WebSocketProvider url={server.url} options={{ WebSocket: ws.Impl, environment: null }}>
        <Status />
        <Status />
      </WebSocketProvider>,
    );
    // Created in the commit's effects: a second socket would exist by now.
    expect(ws.instances).toHaveLength(1);
    await waitFor(() =>
      expect(screen.getAllByTestId('state').map((e) => e.textContent)).toEqual([
        'connected',
        'connected',
      ]),
    );
    await waitFor(() => expect(server.total()).toBe(1));
    expect(server.open()).toBe(1);
    expect(ws.instances).toHaveLength(1);
    unmount();
    await waitFor(() => expect(server.open()).toBe(0));
    expect(server.total()).toBe(1);
  });

  it('a new url closes the old connection and opens one new one', async () => {
    const server = await startServer();
    const ws = counting(RealSocket);
    const options = { WebSocket: ws.Impl, environment: null };
    const { rerender, unmount } = mode.render(
      <WebSocketProvider url={`${server.url}/a`} options={options}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(server.openPaths()).toEqual(['/a']));
    await connected();
    rerender(
      <WebSocketProvider url={`${server.url}/b`} options={{ ...options }}>
        <Status />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(server.openPaths()).toEqual(['/b']));
    await connected();
    expect(server.open()).toBe(1);
    expect(server.total()).toBe(2);
    expect(server.paths).toEqual(['/a', '/b']);
    expect(ws.instances).toHaveLength(2);
    unmount();
    await waitFor(() => expect(server.open()).toBe(0));
  });

  it('a remount after unmount connects again and works', async () => {
    const server = await startServer();
    function Echo() {
      const send = useSend();
      const messages = useMessages();
      return (
        <>
          <Status />
          <button type="button" onClick={() => send('round trip')}>
            send
          </button>
          <p data-testid="messages">{messages.join(',')}</p>
        </>
      );
    }
    const ui = (
      <WebSocketProvider url={server.url} options={{ WebSocket: RealSocket, environment: null }}>
        <Echo />
      </WebSocketProvider>
    );
    const first = mode.render(ui);
    await connected();
    first.unmount();
    await waitFor(() => expect(server.open()).toBe(0));
    const second = mode.render(ui);
    await connected();
    await act(async () => screen.getByRole('button').click());
    await waitFor(() => expect(screen.getByTestId('messages').textContent).toBe('round trip'));
    expect(server.total()).toBe(2);
    expect(server.open()).toBe(1);
    second.unmount();
    await waitFor(() => expect(server.open()).toBe(0));
  });
});
