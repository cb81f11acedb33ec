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
export { type Codec, type CodecOption, json } from './codec';
export { Connection } from './connection';
export { browserEnvironment, type Environment, type EnvironmentSignal } from './environment';
export {
  ConnectTimeoutError,
  DecodeError,
  HandshakeRejectedError,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  NoWebSocketError,
  SlowConsumerError,
  SocketEndedError,
  WebSocketClientError,
} from './errors';
export type { HeartbeatOptions } from './heartbeat';
export type { CloseInfo, FailureInfo } from './reconnect-policy';
export type { RetryState } from './retry-state';
export type { Scheduler } from './scheduler';
export type { DropReason, QueueOptions } from './send-queue';
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
export type { Listener, Store, Subscribable } from './subscribable';
export type { Data, Transport, TransportEvent, WebSocketImplementation } from './transport';
export {
  type UrlSource,
  WebSocket,
  type WebSocketLike,
  type WebSocketOptions,
} from './web-socket';
