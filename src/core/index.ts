export {
  type Backoff,
  BinaryExponentialBackoff,
  type BinaryExponentialBackoffOptions,
  ConstantBackoff,
  type JitterOptions,
  LinearBackoff,
  type LinearBackoffOptions,
  withJitter,
} from './backoff';
export { type Codec, json } from './codec';
export { browserEnvironment, type Environment, type EnvironmentSignal } from './environment';
export {
  ConnectTimeoutError,
  DecodeError,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  NoWebSocketError,
  SocketEndedError,
  WebSocketClientError,
} from './errors';
export type { Scheduler } from './scheduler';
export {
  Connected,
  Connecting,
  type ConnectionState,
  Disconnected,
  type DisconnectedInit,
  Disconnecting,
  isOpen,
  Reconnected,
  Reconnecting,
} from './states';
export type { Listener, Subscribable } from './subscribable';
export type { Data, Transport, TransportEvent, WebSocketImplementation } from './transport';
export {
  type CloseInfo,
  Connection,
  type DropReason,
  type HeartbeatOptions,
  type QueueOptions,
  type UrlSource,
  WebSocket,
  type WebSocketOptions,
} from './web-socket';
