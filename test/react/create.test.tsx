// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
/**
 * The provider's `create` prop with the cross-tab factory: `create={sharedSocket(channel)}`
 * makes the provider's socket a SharedWebSocket. jsdom has no Web Locks, so it runs as the
 * fallback (role 'standalone'): an ordinary connection, here to a real `ws` server. The
 * several-tab behaviour is proven in Chromium (test/tabs/chromium.test.ts).
 */
import { act, screen, waitFor } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import type { WebSocketOptions } from '../../src/core/index';
import {
  type SocketCreator,
  useConnectionState,
  useMessages,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from '../../src/react/index';
import { SharedWebSocket, sharedSocket } from '../../src/tabs/index';
import { describeModes } from './modes';
import { RealSocket, startServer } from './support-server';

const base: WebSocketOptions = { WebSocket: RealSocket, environment: null };

describeModes('WebSocketProvider create={sharedSocket(channel)}', (mode) => {
  it('makes one SharedWebSocket from url and options; the hooks use it; unmount closes it', async () => {
    const server = await startServer();
    const factory = sharedSocket('chat');
    const create = vi.fn<SocketCreator>((url, options) => factory(url, options));
    let socket: unknown;
    let send: (data: string) => boolean = () => false;
    function Chat() {
      socket = useWebSocket();
      send = useSend() as (data: string) => boolean;
      const messages = useMessages({ throttle: 0 });
      return (
        <p data-testid="chat">
          {useConnectionState().type} {messages.join(',')}
        </p>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={server.url} options={base} create={create}>
        <Chat />
      </WebSocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('chat').textContent).toBe('connected '));
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]?.[0]).toBe(server.url);
    expect(socket).toBeInstanceOf(SharedWebSocket);
    expect((socket as SharedWebSocket).role.state).toBe('standalone');
    await act(async () => {
      expect(send('hello')).toBe(true);
    });
    await waitFor(() => expect(screen.getByTestId('chat').textContent).toBe('connected hello'));
    expect(server.total()).toBe(1);
    unmount();
    await waitFor(() => expect(server.open()).toBe(0));
  });
});
