import type { Data, UrlSource, WebSocketOptions } from '../core/index';
import { SharedWebSocket, type SharedWebSocketOptions } from './shared-web-socket';

/** What `sharedSocket(channel)` takes besides the channel: how tabs find each other. */
export type SharedSocketOptions = Pick<
  SharedWebSocketOptions,
  'locks' | 'BroadcastChannel' | 'lifecycle' | 'takeoverDelay' | 'tabId'
>;

/**
 * A socket factory for `channel`: `(url, options) => SharedWebSocket`, for APIs that create
 * their sockets (such as a provider's `create`). Every socket it makes shares its connection
 * with the same-origin tabs that use the same channel.
 */
export const sharedSocket =
  (channel: string, tabs: SharedSocketOptions = {}) =>
  <In = Data, Out = Data>(
    url: UrlSource,
    options: WebSocketOptions<In, Out> = {},
  ): SharedWebSocket<In, Out> =>
    new SharedWebSocket<In, Out>(url, { ...options, ...tabs, channel });
