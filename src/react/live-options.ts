import type { Codec, CodecOption, Data, WebSocketOptions } from '../core/index';

const passThrough = (value: unknown) => value;

/**
 * The options a socket is built with, wired so that every callback (`onOpen`, `onDrop`,
 * `onError`, `shouldReconnect`, `shouldRetry`, the codec's functions, a `heartbeat.pong`
 * function) is called in its latest version from `latest()`, whether it was there when the
 * socket was made or added later: callbacks never cause a reconnect.
 */
export const liveOptions = <In, Out>(
  options: WebSocketOptions<In, Out>,
  latest: () => WebSocketOptions<In, Out> | undefined,
): WebSocketOptions<In, Out> => {
  const current = () => latest()?.codec as Codec<In, Out> | undefined;
  const codec: Codec<In, Out> = {
    encode: (value) => (current()?.encode ?? passThrough)(value) as Data,
    decode: (data) => (current()?.decode ?? passThrough)(data) as In,
  };
  const { heartbeat } = options;
  return {
    ...options,
    codec: codec as CodecOption<In, Out>,
    // Always gated (a no-op gate opens a microtask later): an onOpen added later then applies.
    onOpen: (context) => latest()?.onOpen?.(context),
    onDrop: (data, reason) => latest()?.onDrop?.(data, reason),
    onError: (error) => (latest()?.onError ?? console.error)(error),
    shouldReconnect: (close) => latest()?.shouldReconnect?.(close) ?? true,
    shouldRetry: (failure) => latest()?.shouldRetry?.(failure) ?? true,
    ...(heartbeat && typeof heartbeat.pong === 'function'
      ? {
          heartbeat: {
            ...heartbeat,
            // Only a function is live: a pong given as a value is part of the recipe, and a
            // new one makes a new socket that matches it itself.
            pong: (data: unknown) => {
              const pong = latest()?.heartbeat?.pong;
              return typeof pong === 'function' && pong(data);
            },
          },
        }
      : {}),
  };
};
