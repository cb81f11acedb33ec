import { type ReactNode, useEffect, useInsertionEffect, useMemo, useRef } from 'react';
import { type Data, type UrlSource, WebSocket, type WebSocketOptions } from '../core/index';
import type { Binding } from './binding';
import { sameOptions } from './same-options';
import { SocketHandle } from './socket-handle';

export type WebSocketProviderProps<In = Data, Out = Data> = { children?: ReactNode } & (
  | {
      /** The URL, or a function called before every attempt (fresh tokens). */
      url: UrlSource;
      options?: WebSocketOptions<In, Out> | undefined;
      socket?: undefined;
    }
  | {
      /** An existing socket to share; the provider never closes it. */
      socket: WebSocket<In, Out>;
      url?: undefined;
      options?: undefined;
    }
);

const functionKeys = [
  'onOpen',
  'onDrop',
  'onError',
  'shouldReconnect',
] as const satisfies readonly (keyof WebSocketOptions)[];

/** The body of a provider component bound to `binding`. */
export const useProvider = <In, Out>(
  { Context }: Binding<In, Out>,
  props: WebSocketProviderProps<In, Out>,
): ReactNode => {
  // Callbacks are read through this ref, so inline functions never force a reconnect.
  const latest = useRef(props);
  useInsertionEffect(() => {
    latest.current = props;
  });
  // Compared with the last *committed* props, and written only on commit: a render that React
  // throws away (concurrent rendering) cannot leave a version behind that forces a reconnect.
  const committed = useRef({ props, version: 0 });
  const last = committed.current;
  const version =
    last.props.socket === props.socket &&
    sameOptions(last.props.url, props.url) &&
    sameOptions(last.props.options, props.options)
      ? last.version
      : last.version + 1;
  useInsertionEffect(() => {
    if (committed.current.version !== version) committed.current = { props, version };
  });
  const { socket } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for url/options by value
  const handle = useMemo(() => {
    if (socket) return new SocketHandle<In, Out>(undefined, socket);
    const { url, options = {} } = props;
    const live: WebSocketOptions<In, Out> = { ...options };
    for (const key of functionKeys) {
      if (options[key]) {
        // biome-ignore lint/suspicious/noExplicitAny: forwards any callback's arguments unchanged
        (live as any)[key] = (...args: any[]) =>
          // biome-ignore lint/suspicious/noExplicitAny: see above
          (latest.current.options?.[key] as any)?.(...args);
      }
    }
    const source: UrlSource =
      typeof url === 'function'
        ? () => {
            const current = latest.current.url;
            return typeof current === 'function' ? current() : (current ?? url());
          }
        : (url as string | URL);
    return new SocketHandle<In, Out>(() => new WebSocket<In, Out>(source, live));
  }, [socket, version]);
  useEffect(() => handle.acquire(), [handle]);
  return <Context.Provider value={handle}>{props.children}</Context.Provider>;
};
