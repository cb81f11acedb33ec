// biome-ignore-all lint/correctness/noComponentHookFactories: called once per context at module scope (like zustand's create), so every hook it returns keeps one identity.
import type { ReactNode } from 'react';
import type { ConnectionState, Data, RetryState, WebSocketLike } from '../core/index';
import { createBinding } from './binding';
import type { MessageList } from './message-buffer';
import { useConnectionStateOf } from './use-connection-state';
import { type UseLastMessageOptions, useLastMessageOf } from './use-last-message';
import { useMessageListenerOf } from './use-message-listener';
import { type UseMessagesOptions, useMessagesOf } from './use-messages';
import { useReconnectOf } from './use-reconnect';
import { useRetryOf } from './use-retry';
import { useSendOf } from './use-send';
import { useWebSocketOf } from './use-web-socket';
import { useProvider, type WebSocketProviderProps } from './web-socket-provider';

export interface WebSocketContext<In = Data, Out = Data> {
  WebSocketProvider: (props: WebSocketProviderProps<In, Out>) => ReactNode;
  /** The socket itself; null before the provider has mounted, while disabled, and on the server. */
  useWebSocket(): WebSocketLike<In, Out> | null;
  /** The connection state, re-rendering on each change and only then. */
  useConnectionState(): ConnectionState;
  useConnectionState<T>(selector: (state: ConnectionState) => T): T;
  /**
   * What the socket is doing about a loss: attempt number, when the next starts, the last close
   * and error. Re-renders on each attempt, though the connection state stays Reconnecting.
   */
  useRetry(): RetryState;
  /** Messages received since this component mounted, oldest first; at most one render per frame, and per `throttle` ms. */
  useMessages(options?: UseMessagesOptions<In>): MessageList<In>;
  /** The latest message on the socket, also one that came before this component mounted. */
  useLastMessage(options?: UseLastMessageOptions): In | undefined;
  /** Calls `listener` for every message, without state and without rendering. */
  useMessageListener(listener: (message: In) => void): void;
  /** A send function whose identity never changes; returns the core's `send` result. */
  useSend(): (data: Out) => boolean;
  /** Retry now; after a give-up, replaces the spent socket with a fresh one from the same options. */
  useReconnect(): () => void;
}

/**
 * Typed copies of the provider and every hook, bound to their own React context: one per kind of
 * socket in an app, with the message types flowing to every hook.
 */
export function createWebSocketContext<In = Data, Out = Data>(
  name = 'WebSocketProvider',
): WebSocketContext<In, Out> {
  const binding = createBinding<In, Out>(name);
  return {
    WebSocketProvider: (props) => useProvider(binding, props),
    useWebSocket: () => useWebSocketOf(binding),
    useConnectionState: (<T,>(selector?: (state: ConnectionState) => T) =>
      useConnectionStateOf(binding, selector)) as WebSocketContext<In, Out>['useConnectionState'],
    useRetry: () => useRetryOf(binding),
    useMessages: (options) => useMessagesOf(binding, options),
    useLastMessage: (options) => useLastMessageOf(binding, options),
    useMessageListener: (listener) => useMessageListenerOf(binding, listener),
    useSend: () => useSendOf(binding),
    useReconnect: () => useReconnectOf(binding),
  };
}
