// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import { json, WebSocketClientError } from '../../src/core/index';
import * as defaults from '../../src/react/index';
import {
  createWebSocketContext,
  MissingProviderError,
  type WebSocketContext,
} from '../../src/react/index';
import { inAct, nextFrame } from './helpers';
import { mockServer } from './mock-server';
import { describeModes } from './modes';

type ChatIn = { type: 'message'; from: string; text: string };
type ChatOut = { type: 'say'; text: string };

const hooks = [
  'useWebSocket',
  'useConnectionState',
  'useRetry',
  'useMessages',
  'useLastMessage',
  'useMessageListener',
  'useSend',
  'useReconnect',
] as const;

const callers: Record<(typeof hooks)[number], (context: WebSocketContext) => unknown> = {
  useWebSocket: (context) => context.useWebSocket(),
  useConnectionState: (context) => context.useConnectionState(),
  useRetry: (context) => context.useRetry(),
  useMessages: (context) => context.useMessages(),
  useLastMessage: (context) => context.useLastMessage(),
  useMessageListener: (context) => context.useMessageListener(() => {}),
  useSend: (context) => context.useSend(),
  useReconnect: (context) => context.useReconnect(),
};

describeModes('createWebSocketContext', (mode) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(hooks)('%s outside a provider throws one line naming the provider', (hook) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let thrown: unknown;
    try {
      mode.renderHook(() => callers[hook](defaults));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MissingProviderError);
    expect(thrown).toBeInstanceOf(WebSocketClientError);
    const error = thrown as MissingProviderError;
    expect(error.code).toBe('MISSING_PROVIDER');
    expect(error.name).toBe('MissingProviderError');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(hook);
    expect(error.message).toContain('<WebSocketProvider');
  });

  it('names its own provider in the error, and in React DevTools', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const chat = createWebSocketContext('ChatSocket');
    expect(() => mode.renderHook(() => chat.useSend())).toThrow(
      /^useSend must be used inside <ChatSocket>: wrap this component in <ChatSocket url=/,
    );
  });

  it('a provider of one context does not satisfy the hooks of another', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const mock = mockServer();
    const other = createWebSocketContext('OtherSocket');
    const wrapper = ({ children }: { children?: ReactNode }) => (
      <defaults.WebSocketProvider url={mock.url} options={mock.options}>
        {children}
      </defaults.WebSocketProvider>
    );
    expect(() => mode.renderHook(() => other.useConnectionState(), { wrapper })).toThrow(
      MissingProviderError,
    );
  });

  it('two contexts hold two sockets in one app, each with its own messages and sends', async () => {
    const chatServer = mockServer('chat');
    const pricesServer = mockServer('prices');
    const chat = createWebSocketContext<ChatIn, ChatOut>('ChatSocket');
    const prices = createWebSocketContext<number, never>('PriceSocket');
    function Chat() {
      const messages = chat.useMessages();
      const send = chat.useSend();
      return (
        <>
          <p data-testid="chat-state">{chat.useConnectionState().type}</p>
          <p data-testid="chat">{messages.map((m) => `${m.from}: ${m.text}`).join('|')}</p>
          <button type="button" onClick={() => send({ type: 'say', text: 'hello' })}>
            say
          </button>
        </>
      );
    }
    function Prices() {
      const last = prices.useMessages({ limit: 1 })[0];
      return (
        <>
          <p data-testid="prices-state">{prices.useConnectionState().type}</p>
          <p data-testid="price">{last === undefined ? '-' : last.toFixed(2)}</p>
        </>
      );
    }
    const { unmount } = mode.render(
      <chat.WebSocketProvider
        url={chatServer.url}
        options={{ ...chatServer.options, codec: json() }}
      >
        <prices.WebSocketProvider
          url={pricesServer.url}
          options={{ ...pricesServer.options, codec: json() }}
        >
          <Chat />
          <Prices />
        </prices.WebSocketProvider>
      </chat.WebSocketProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('chat-state').textContent).toBe('connected'));
    await waitFor(() => expect(screen.getByTestId('prices-state').textContent).toBe('connected'));
    expect(chatServer.connections).toHaveLength(1);
    expect(pricesServer.connections).toHaveLength(1);
    await inAct(() => {
      chatServer.send(JSON.stringify({ type: 'message', from: 'ann', text: 'hi' }));
      pricesServer.send('1.5', '2.25');
    });
    await nextFrame();
    expect(screen.getByTestId('chat').textContent).toBe('ann: hi');
    expect(screen.getByTestId('price').textContent).toBe('2.25');
    await act(async () => screen.getByRole('button', { name: 'say' }).click());
    await waitFor(() => expect(chatServer.received).toEqual(['{"type":"say","text":"hello"}']));
    expect(pricesServer.received).toEqual([]);
    unmount();
  });

  it('an inner provider of the same context overrides the outer one', async () => {
    const outer = mockServer('outer');
    const inner = mockServer('inner');
    const ctx = createWebSocketContext<string, string>();
    function Send({ label }: { label: string }) {
      const send = ctx.useSend();
      return (
        <button type="button" onClick={() => send(label)}>
          {label}
        </button>
      );
    }
    const { unmount } = mode.render(
      <ctx.WebSocketProvider url={outer.url} options={outer.options}>
        <Send label="to outer" />
        <ctx.WebSocketProvider url={inner.url} options={inner.options}>
          <Send label="to inner" />
        </ctx.WebSocketProvider>
      </ctx.WebSocketProvider>,
    );
    await waitFor(() => expect(outer.open() + inner.open()).toBe(2));
    await act(async () => {
      screen.getByText('to outer').click();
      screen.getByText('to inner').click();
    });
    await waitFor(() => expect(outer.received).toEqual(['to outer']));
    await waitFor(() => expect(inner.received).toEqual(['to inner']));
    unmount();
  });

  it('returns the provider and the eight hooks; the default context exports the same set', () => {
    const names = ['WebSocketProvider', ...hooks].sort();
    expect(Object.keys(createWebSocketContext()).sort()).toEqual(names);
    expect(Object.keys(defaults)).toEqual(expect.arrayContaining(names));
  });
});
