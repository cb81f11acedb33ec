// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { expect, it } from 'vitest';
import {
  type ConnectionState,
  ConstantBackoff,
  Disconnected,
  isOpen,
  WebSocket,
} from '../../src/core/index';
import { useConnectionState, useWebSocket, WebSocketProvider } from '../../src/react/index';
import { Commits, inAct, Recorder } from './helpers';
import { mockServer } from './mock-server';
import { describeModes } from './modes';

const reconnecting = { backoff: new ConstantBackoff(0), minUptime: 0 };

describeModes('useConnectionState', (mode) => {
  it('renders Connecting first, then each new state, and never the same state twice', async () => {
    const mock = mockServer();
    const states = new Recorder<ConnectionState['type']>();
    function Status() {
      const state = useConnectionState();
      return (
        <states.Probe value={state.type}>
          <p data-testid="state">{state.type}</p>
        </states.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={{ ...mock.options, ...reconnecting }}>
        <Status />
      </WebSocketProvider>,
    );
    expect(states.values).toEqual(['connecting']);
    await waitFor(() => expect(states.values).toEqual(['connecting', 'connected']));
    mock.last().close({ code: 4000, reason: 'restart', wasClean: true });
    await waitFor(() => expect(states.values.at(-1)).toBe('reconnected'));
    // Disconnected and Reconnecting are emitted together: React renders the newest of them.
    expect(states.values).toEqual(['connecting', 'connected', 'reconnecting', 'reconnected']);
    expect(mock.connections).toHaveLength(2);
    unmount();
  });

  it('shows Disconnected with the server close code when the socket ends', async () => {
    const mock = mockServer();
    let last: ConnectionState | undefined;
    function Status() {
      last = useConnectionState();
      return <p data-testid="state">{last.type}</p>;
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={{ ...mock.options, shouldReconnect: () => false }}>
        <Status />
      </WebSocketProvider>,
    );
    await screen.findByText('connected');
    mock.last().close({ code: 4401, reason: 'unauthorized', wasClean: true });
    await screen.findByText('disconnected');
    expect(last).toBeInstanceOf(Disconnected);
    expect(last).toMatchObject({ code: 4401, reason: 'unauthorized' });
    unmount();
  });

  it('does not re-render for messages or for anything but a state change', async () => {
    const mock = mockServer();
    const commits = new Commits();
    function Status() {
      return (
        <commits.Probe>
          <p data-testid="state">{useConnectionState().type}</p>
        </commits.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
      </WebSocketProvider>,
    );
    await screen.findByText('connected');
    expect(commits.count).toBe(2);
    await inAct(() => mock.send(...Array.from({ length: 500 }, (_, i) => `m${i}`)));
    await act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
    expect(commits.count).toBe(2);
    unmount();
  });

  it('with a selector, re-renders only when the selected value changes', async () => {
    const mock = mockServer();
    const open = new Recorder<boolean>();
    function Online() {
      const value = useConnectionState(isOpen);
      return (
        <open.Probe value={value}>
          <p data-testid="open">{String(value)}</p>
        </open.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={{ ...mock.options, ...reconnecting }}>
        <Online />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(open.values).toEqual([false, true]));
    await inAct(() => mock.send('a', 'b', 'c'));
    mock.last().close({ code: 4000, reason: 'restart', wasClean: true });
    await waitFor(() => expect(mock.connections).toHaveLength(2));
    await waitFor(() => expect(open.values).toEqual([false, true, false, true]));
    unmount();
  });

  it('a selector that picks the same value across changes does not re-render', async () => {
    const mock = mockServer();
    const commits = new Commits();
    function Ended() {
      const ended = useConnectionState((s) => s.type === 'disconnected');
      return (
        <commits.Probe>
          <p data-testid="ended">{String(ended)}</p>
        </commits.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Ended />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(mock.open()).toBe(1));
    // Connecting → Connected leaves `ended` false: only the first commit happened.
    await inAct(() => mock.send('x'));
    expect(commits.count).toBe(1);
    expect(screen.getByTestId('ended').textContent).toBe('false');
    unmount();
  });

  it('a borrowed open socket renders its current state at once', async () => {
    const mock = mockServer();
    const socket = new WebSocket(mock.url, mock.options);
    await socket.connection.firstWhere(isOpen);
    const states = new Recorder<string>();
    function Status() {
      const state = useConnectionState();
      return (
        <states.Probe value={state.type}>
          <p>{state.type}</p>
        </states.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider socket={socket}>
        <Status />
      </WebSocketProvider>,
    );
    expect(states.values).toEqual(['connected']);
    await act(async () => socket.close());
    await waitFor(() =>
      expect(states.values).toEqual(['connected', 'disconnecting', 'disconnected']),
    );
    unmount();
  });

  it('follows a close from a component: Disconnecting, then Disconnected', async () => {
    const mock = mockServer();
    const states = new Recorder<string>();
    function Status() {
      const state = useConnectionState();
      return (
        <states.Probe value={state.type}>
          <p>{state.type}</p>
        </states.Probe>
      );
    }
    function Close() {
      const socket = useWebSocket();
      return (
        <button type="button" onClick={() => socket?.close(1000, 'done')}>
          close
        </button>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Status />
        <Close />
      </WebSocketProvider>,
    );
    await screen.findByText('connected');
    await act(async () => screen.getByRole('button').click());
    await screen.findByText('disconnected');
    expect(states.values).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
    unmount();
  });

  it('re-renders with the parent like any component, showing the same state', async () => {
    const mock = mockServer();
    const seen = new Set<ConnectionState>();
    let bump = () => {};
    function Parent() {
      const [n, setN] = useState(0);
      bump = () => setN((x) => x + 1);
      return (
        <WebSocketProvider url={mock.url} options={mock.options}>
          <Status n={n} />
        </WebSocketProvider>
      );
    }
    function Status({ n }: { n: number }) {
      const state = useConnectionState();
      seen.add(state);
      return <p data-testid="state">{`${state.type} ${n}`}</p>;
    }
    const { unmount } = mode.render(<Parent />);
    await screen.findByText('connected 0');
    const before = seen.size;
    await act(async () => bump());
    await act(async () => bump());
    await screen.findByText('connected 2');
    // The snapshot is the same object across renders that see no change.
    expect(seen.size).toBe(before);
    unmount();
  });
});
