import { act, waitFor } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, expect, it, vi } from 'vitest';
import {
  useConnectionState,
  useMessages,
  useReconnect,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { counting } from './helpers';
import { type MockServer, mockServer } from './mock-server';
import { describeModes } from './modes';

function Page() {
  const state = useConnectionState();
  const messages = useMessages();
  const socket = useWebSocket();
  const send = useSend();
  const retry = useReconnect();
  return (
    <main>
      <p data-testid="state">{state.type}</p>
      <p data-testid="socket">{socket ? 'socket' : 'no socket'}</p>
      <ul>
        {messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: messages have no id; order never changes
          <li key={i}>{String(m)}</li>
        ))}
      </ul>
      <button type="button" onClick={() => send('hi')}>
        send
      </button>
      <button type="button" onClick={retry}>
        retry
      </button>
    </main>
  );
}

const page = (mock: MockServer, Impl = mock.options.WebSocket) => (
  <WebSocketProvider url={mock.url} options={{ ...mock.options, WebSocket: Impl }}>
    <Page />
  </WebSocketProvider>
);

describeModes('server rendering and hydration', (mode) => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.innerHTML = '';
  });

  it('renderToString creates no socket and shows Connecting', () => {
    const mock = mockServer();
    const ws = counting(mock.options.WebSocket);
    const html = renderToString(mode.wrap(page(mock, ws.Impl)));
    expect(html).toContain('connecting');
    expect(html).toContain('no socket');
    expect(ws.instances).toHaveLength(0);
    expect(mock.attempts()).toBe(0);
  });

  it('hydrates the server HTML without a mismatch or a warning, then connects', async () => {
    const mock = mockServer();
    const ws = counting(mock.options.WebSocket);
    const container = document.createElement('div');
    container.innerHTML = renderToString(mode.wrap(page(mock, ws.Impl)));
    document.body.append(container);
    const serverHtml = container.innerHTML;
    expect(container.querySelector('[data-testid="state"]')?.textContent).toBe('connecting');

    const error = vi.spyOn(console, 'error');
    const warn = vi.spyOn(console, 'warn');
    const recoverable: unknown[] = [];
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(container, mode.wrap(page(mock, ws.Impl)), {
        onRecoverableError: (e) => recoverable.push(e),
      });
    });
    expect(ws.instances).toHaveLength(1);
    await waitFor(() =>
      expect(container.querySelector('[data-testid="state"]')?.textContent).toBe('connected'),
    );
    expect(container.querySelector('[data-testid="socket"]')?.textContent).toBe('socket');
    expect(serverHtml).not.toBe(container.innerHTML);
    expect(recoverable).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(mock.connections).toHaveLength(1);
    await act(async () => root?.unmount());
  });
});
