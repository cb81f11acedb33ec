export type { Lifecycle, LifecycleSignal } from './lifecycle';
export type {
  BroadcastChannelImplementation,
  BroadcastChannelLike,
  LockManagerLike,
} from './platform';
export type { Role } from './reducer';
export { type SharedSocketOptions, sharedSocket } from './shared-socket';
export { SharedWebSocket, type SharedWebSocketOptions } from './shared-web-socket';
export { TabClockError } from './tab-clock-error';
