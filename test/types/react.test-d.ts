import { createElement, type ReactNode } from 'react';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type ConnectionState,
  type Data,
  isOpen,
  json,
  type RetryState,
  WebSocket,
  type WebSocketLike,
} from '../../src/core/index';
import {
  createWebSocketContext,
  type MessageList,
  MissingProviderError,
  type UseMessagesOptions,
  useConnectionState,
  useLastMessage,
  useMessageListener,
  useMessages,
  useRetry,
  useSend,
  useWebSocket,
  type WebSocketContext,
  WebSocketProvider,
  type WebSocketProviderProps,
} from '../../src/react/index';
import { sharedSocket } from '../../src/tabs/index';

type In = { type: 'chat'; from: string; text: string };
type Out = { type: 'say'; text: string };

const chat = createWebSocketContext<In, Out>('ChatSocket');

describe('React types', () => {
  test('createWebSocketContext<In, Out>() flows the types to every hook', () => {
    expectTypeOf(chat).toEqualTypeOf<WebSocketContext<In, Out>>();
    expectTypeOf(chat.useMessages).returns.toEqualTypeOf<MessageList<In>>();
    expectTypeOf(chat.useMessages).parameter(0).toEqualTypeOf<UseMessagesOptions<In> | undefined>();
    expectTypeOf(chat.useSend).returns.toEqualTypeOf<(data: Out) => boolean>();
    expectTypeOf(chat.useWebSocket).returns.toEqualTypeOf<WebSocketLike<In, Out> | null>();
    expectTypeOf(chat.useRetry).returns.toEqualTypeOf<RetryState>();
    expectTypeOf(chat.useLastMessage).returns.toEqualTypeOf<In | undefined>();
    expectTypeOf(chat.useMessageListener).parameter(0).toEqualTypeOf<(message: In) => void>();
    expectTypeOf(chat.useReconnect).returns.toEqualTypeOf<() => void>();
    expectTypeOf(chat.WebSocketProvider)
      .parameter(0)
      .toEqualTypeOf<WebSocketProviderProps<In, Out>>();
  });

  test('filters see In; sends take Out', () => {
    chat.useMessages({ limit: 10, filter: (m) => m.from !== 'me', throttle: 100 });
    // @ts-expect-error throttle is milliseconds, not a flag
    chat.useMessages({ throttle: true });
    // @ts-expect-error the filter receives In, which has no `price`
    chat.useMessages({ filter: (m) => m.price > 0 });
    const send = chat.useSend();
    send({ type: 'say', text: 'hi' });
    // @ts-expect-error a string is not an Out
    send('hi');
    chat.useMessageListener((m) => expectTypeOf(m).toEqualTypeOf<In>());
  });

  test('the default context is typed with Data', () => {
    expectTypeOf(useMessages).returns.toEqualTypeOf<MessageList<Data>>();
    expectTypeOf(useMessages().firstIndex).toEqualTypeOf<number>();
    expectTypeOf(useSend).returns.toEqualTypeOf<(data: Data) => boolean>();
    expectTypeOf(useWebSocket).returns.toEqualTypeOf<WebSocketLike<Data, Data> | null>();
    useMessageListener((m) => expectTypeOf(m).toEqualTypeOf<Data>());
    // @ts-expect-error a number is not a frame
    useSend()(42);
  });

  test('useConnectionState: the state, or what a selector picks', () => {
    expectTypeOf(useConnectionState()).toEqualTypeOf<ConnectionState>();
    expectTypeOf(useConnectionState(isOpen)).toEqualTypeOf<boolean>();
    expectTypeOf(useConnectionState((s) => s.type)).toEqualTypeOf<ConnectionState['type']>();
    const state = chat.useConnectionState();
    if (state.type === 'disconnected') expectTypeOf(state.code).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a selector receives a ConnectionState, not a string
    useConnectionState((s: string) => s.length);
    // @ts-expect-error a selector is a function
    useConnectionState('connected');
  });

  test('the provider takes url (and options) or a socket, never both', () => {
    const socket = new WebSocket('wss://example.com', { codec: json<In, Out>() });
    const children: ReactNode = null;
    createElement(chat.WebSocketProvider, { url: 'wss://example.com', children });
    createElement(chat.WebSocketProvider, {
      url: () => 'wss://example.com',
      options: { codec: json<In, Out>(), protocols: ['chat.v1'] },
    });
    createElement(chat.WebSocketProvider, { socket });
    createElement(WebSocketProvider, { url: new URL('wss://example.com') });

    // @ts-expect-error url and socket together
    const both: WebSocketProviderProps<In, Out> = { url: 'wss://example.com', socket };
    // @ts-expect-error options belong to an owned socket, not a borrowed one
    const borrowedWithOptions: WebSocketProviderProps<In, Out> = { socket, options: {} };
    // @ts-expect-error neither url nor socket
    const neither: WebSocketProviderProps<In, Out> = {};
    // @ts-expect-error a socket of other types does not fit this context
    createElement(chat.WebSocketProvider, { socket: new WebSocket('wss://example.com') });
    // @ts-expect-error a codec of other types does not fit this context
    createElement(chat.WebSocketProvider, { url: 'wss://x', options: { codec: json<Out, In>() } });
    void [both, borrowedWithOptions, neither];
  });

  test('two contexts keep their own types', () => {
    const prices = createWebSocketContext<number, never>();
    expectTypeOf(prices.useMessages).returns.toEqualTypeOf<MessageList<number>>();
    expectTypeOf(chat.useMessages).returns.toEqualTypeOf<MessageList<In>>();
    // @ts-expect-error the chat provider is not the prices provider
    const swap: WebSocketContext<number, never> = chat;
    void swap;
  });

  test('MissingProviderError has a literal code', () => {
    expectTypeOf(new MissingProviderError('').code).toEqualTypeOf<'MISSING_PROVIDER'>();
  });

  test('the default provider takes no codec: the type says to use createWebSocketContext', () => {
    // @ts-expect-error a codec would decode into values the default hooks still call frames
    createElement(WebSocketProvider, { url: 'wss://x', options: { codec: json() } });
    // @ts-expect-error even one typed as frames both ways
    createElement(WebSocketProvider, { url: 'wss://x', options: { codec: json<Data, Data>() } });
    createElement(WebSocketProvider, { url: 'wss://x', options: { timeout: 1000 } });
    // A typed context takes its codec.
    createElement(chat.WebSocketProvider, { url: 'wss://x', options: { codec: json<In, Out>() } });
  });

  test('enabled, create, retry and the latest message', () => {
    createElement(WebSocketProvider, { url: 'wss://x', enabled: false });
    createElement(WebSocketProvider, {
      url: 'wss://x',
      create: (url, options) => new WebSocket(url, options),
    });
    // The cross-tab factory fits as it is, also in a typed context.
    createElement(WebSocketProvider, { url: 'wss://x', create: sharedSocket('chat') });
    createElement(chat.WebSocketProvider, { url: 'wss://x', create: sharedSocket('chat') });
    const socket = new WebSocket('wss://x');
    // @ts-expect-error a borrowed socket needs no factory
    const borrowedWithFactory: WebSocketProviderProps = { socket, create: () => socket };
    void borrowedWithFactory;
    expectTypeOf(useRetry().phase).toEqualTypeOf<'idle' | 'dialing' | 'waiting' | 'offline'>();
    expectTypeOf(useLastMessage).returns.toEqualTypeOf<Data | undefined>();
    expectTypeOf(useLastMessage)
      .parameter(0)
      .toEqualTypeOf<{ throttle?: number | undefined } | undefined>();
  });
});
