import { createWebSocketContext } from './create-web-socket-context';

export {
  createWebSocketContext,
  type UseMessagesOptions,
  type WebSocketContext,
  type WebSocketProviderProps,
} from './create-web-socket-context';
export { MissingProviderError } from './errors';

/** The default context, for apps with one socket; `createWebSocketContext` makes typed others. */
export const {
  WebSocketProvider,
  useWebSocket,
  useConnectionState,
  useMessages,
  useMessageListener,
  useSend,
  useReconnect,
} = /* @__PURE__ */ createWebSocketContext();
