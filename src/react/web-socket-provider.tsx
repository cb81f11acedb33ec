import {
  type ReactNode,
  useInsertionEffect,
  useLayoutEffect,
  useMemo,
  useRef,
} from 'react';
import {
  type Data,
  type UrlSource,
  WebSocket,
  type WebSocketLike,
  type WebSocketOptions,
} from '../core/index';
import type { Binding } from './binding';
import { liveOptions } from './live-options';
import { sameOptions } from './same-options';
import { SocketHandle } from './socket-handle';

/** Makes the provider's socket: the core's by default; `sharedSocket(channel)` shares one across tabs. */
export type SocketCreator<In = Data, Out = Data> = (
  url: UrlSource,
  options: WebSocketOptions<In, Out>,
) => WebSocketLike<In, Out>;

export type WebSocketProviderProps<In = Data, Out = Data> = {
  children?: ReactNode;
  /**
   * `false`: no socket exists (nothing reaches the server); the hooks keep working, the state is
   * an empty `Disconnected` and `send` returns false. Back to `true` connects. Default `true`.
   */
  enabled?: boolean | undefined;
} & (
  | {
      /** The URL, or a function called before every attempt (fresh tokens). */
      url: UrlSource;
      options?: WebSocketOptions<In, Out> | undefined;
      create?: SocketCreator<In, Out> | undefined;
      socket?: undefined;
    }
  | {
      /** An existing socket to share; the provider never closes it. */
      socket: WebSocketLike<In, Out>;
      url?: undefined;
      options?: undefined;
      create?: undefined;
    }
);

// Layout effects: the socket must exist before a child's passive effect runs, and be taken
// before a microtask passes (children's layout effects run first). On the server no effect runs
// (React 18 prints a development-only warning there; React 19 does not).
const useCommitEffect = useLayoutEffect;

const create: SocketCreator = (url, options) => new WebSocket(url, options);

/** What a socket is made of: the options but the codec, which is live like the callbacks. */
const recipe = ({ options }: { options?: object | undefined }) =>
  options && { ...options, codec: undefined };

/** The body of a provider component bound to `binding`. */
export const useProvider = <In, Out>(
  { Context }: Binding<In, Out>,
  props: WebSocketProviderProps<In, Out>,
): ReactNode => {
  // Callbacks are read through this ref, set before any layout effect can call them.
  const latest = useRef(props);
  useInsertionEffect(() => {
    latest.current = props;
  });
  const enabled = props.enabled ?? true;
  const borrowed = props.socket !== undefined;
  /** A factory for the socket the props describe (called on commit, never in render). */
  const factory = (p: WebSocketProviderProps<In, Out>) => () => {
    const { url = '', options = {} } = p;
    const source: UrlSource =
      typeof url === 'function'
        ? () => {
            const current = latest.current.url;
            return typeof current === 'function' ? current() : (current ?? url());
          }
        : url;
    return (latest.current.create ?? (create as unknown as SocketCreator<In, Out>))(
      source,
      liveOptions(options, () => latest.current.options),
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: one handle per kind of source; props reach it on commit
  const handle = useMemo(
    () =>
      new SocketHandle<In, Out>(
        props.socket ? { borrowed: props.socket } : { create: factory(props) },
        {
          enabled,
          drop: (data, reason) => latest.current.options?.onDrop?.(data, reason),
        },
      ),
    [borrowed],
  );
  // What the committed props describe: compared by value, so an inline options object or a new
  // callback is no new connection.
  const applied = useRef(props);
  useCommitEffect(() => {
    handle.setEnabled(enabled);
    const before = applied.current;
    applied.current = props;
    if (props.socket) handle.borrow(props.socket);
    else if (!sameOptions(before.url, props.url) || !sameOptions(recipe(before), recipe(props))) {
      handle.replace(factory(props));
    }
  });
  useCommitEffect(() => handle.acquire(), [handle]);
  return <Context.Provider value={handle}>{props.children}</Context.Provider>;
};
