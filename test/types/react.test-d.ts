import { createElement, type ReactNode } from 'react';
import { describe, expectTypeOf, test } from 'vitest';
import { type ConnectionState, type Data, isOpen, json, WebSocket } from '../../src/core/index';
import {
  createWebSocketContext,
  MissingProviderError,
  type UseMessagesOptions,
  useConnectionState,
  useMessageListener,
  useMessages,
  useSend,
  useWebSocket,
  type WebSocketContext,
  WebSocketProvider,
  type WebSocketProviderProps,
} from '../../src/react/index';

type In = { type: 'chat'; from: string; text: string };
type Out = { type: 'say'; text: string };

const chat = createWebSocketContext<In, Out>('ChatSocket');

describe('React types', () => {
  test('createWebSocketContext<In, Out>() flows the types to every hook', () => {
    expectTypeOf(chat).toEqualTypeOf<WebSocketContext<In, Out>>();
    expectTypeOf(chat.useMessages).returns.toEqualTypeOf<readonly In[]>();
    expectTypeOf(chat.useMessages).parameter(0).toEqualTypeOf<UseMessagesOptions<In> | undefined>();
    expectTypeOf(chat.useSend).returns.toEqualTypeOf<(data: Out) => boolean>();
    expectTypeOf(chat.useWebSocket).returns.toEqualTypeOf<WebSocket<In, Out> | null>();
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
    expectTypeOf(useMessages).returns.toEqualTypeOf<readonly Data[]>();
    expectTypeOf(useSend).returns.toEqualTypeOf<(data: Data) => boolean>();
    expectTypeOf(useWebSocket).returns.toEqualTypeOf<WebSocket<Data, Data> | null>();
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
    expectTypeOf(prices.useMessages).returns.toEqualTypeOf<readonly number[]>();
    expectTypeOf(chat.useMessages).returns.toEqualTypeOf<readonly In[]>();
    // @ts-expect-error the chat provider is not the prices provider
    const swap: WebSocketContext<number, never> = chat;
    void swap;
  });

  test('MissingProviderError has a literal code', () => {
    expectTypeOf(new MissingProviderError('').code).toEqualTypeOf<'MISSING_PROVIDER'>();
  });
});
