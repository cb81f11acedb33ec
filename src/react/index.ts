'use client';
// For the Next.js App Router: the provider and the hooks are Client Component code, so a Server
// Component (a root layout) can render <WebSocketProvider> directly. The build keeps this first
// line in dist/react.js; test/package/tarball.test.ts checks it there.

import type { ConnectionState, Data } from '../core/index';
import { createBinding } from './binding';
import type { WebSocketContext } from './create-web-socket-context';
import { useConnectionStateOf } from './use-connection-state';
import { useLastMessageOf } from './use-last-message';
import { useMessageListenerOf } from './use-message-listener';
import { useMessagesOf } from './use-messages';
import { useReconnectOf } from './use-reconnect';
import { useRetryOf } from './use-retry';
import { useSendOf } from './use-send';
import { useWebSocketOf } from './use-web-socket';
import { useProvider } from './web-socket-provider';

export {
  createWebSocketContext,
  type WebSocketContext,
} from './create-web-socket-context';
export { MissingProviderError } from './errors';
export type { MessageList } from './message-buffer';
export type { UseLastMessageOptions } from './use-last-message';
export type { UseMessagesOptions } from './use-messages';
export type { SocketCreator, WebSocketProviderProps } from './web-socket-provider';

type Default = WebSocketContext<Data, Data>;

// The default context, for apps with one socket; `createWebSocketContext` makes typed others.
// Each hook is its own export over one shared binding, so a bundle keeps only the hooks it uses.
const binding = /* @__PURE__ */ createBinding<Data, Data>('WebSocketProvider');

export const WebSocketProvider: Default['WebSocketProvider'] = (props) =>
  useProvider(binding, props);
export const useWebSocket: Default['useWebSocket'] = () => useWebSocketOf(binding);
export const useConnectionState = (<T>(selector?: (state: ConnectionState) => T) =>
  useConnectionStateOf(binding, selector)) as Default['useConnectionState'];
export const useRetry: Default['useRetry'] = () => useRetryOf(binding);
export const useMessages: Default['useMessages'] = (options) => useMessagesOf(binding, options);
export const useLastMessage: Default['useLastMessage'] = (options) =>
  useLastMessageOf(binding, options);
export const useMessageListener: Default['useMessageListener'] = (listener) =>
  useMessageListenerOf(binding, listener);
export const useSend: Default['useSend'] = () => useSendOf(binding);
export const useReconnect: Default['useReconnect'] = () => useReconnectOf(binding);
