// biome-ignore-all lint/correctness/noComponentHookFactories: called once per context at module scope (like zustand's create), so every hook it returns keeps one identity.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useInsertionEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import {
  type ConnectionState,
  type Data,
  InvalidOptionError,
  type UrlSource,
  WebSocket,
  type WebSocketOptions,
} from '../core/index';
import { MissingProviderError } from './errors';
import { MessageBuffer, type MessageBufferOptions } from './message-buffer';
import { sameOptions } from './same-options';
import { INITIAL, SocketHandle } from './socket-handle';

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

export type UseMessagesOptions<In> = MessageBufferOptions<In>;

export interface WebSocketContext<In = Data, Out = Data> {
  WebSocketProvider: (props: WebSocketProviderProps<In, Out>) => ReactNode;
  /** The socket itself; null before the provider has mounted (and during server rendering). */
  useWebSocket(): WebSocket<In, Out> | null;
  /** The connection state, re-rendering on each change and only then. */
  useConnectionState(): ConnectionState;
  useConnectionState<T>(selector: (state: ConnectionState) => T): T;
  /** Messages received since this component mounted, oldest first; at most one render per frame, and per `throttle` ms. */
  useMessages(options?: UseMessagesOptions<In>): readonly In[];
  /** Calls `listener` for every message, without state and without rendering. */
  useMessageListener(listener: (message: In) => void): void;
  /** A send function whose identity never changes; returns the core's `send` result. */
  useSend(): (data: Out) => boolean;
  /** Retry now; after a give-up, replaces the spent socket with a fresh one from the same options. */
  useReconnect(): () => void;
}

const functionKeys = [
  'onOpen',
  'onDrop',
  'onError',
  'shouldReconnect',
] as const satisfies readonly (keyof WebSocketOptions)[];

/**
 * Typed copies of the provider and every hook, bound to their own React context: one per kind of
 * socket in an app, with the message types flowing to every hook.
 */
export function createWebSocketContext<In = Data, Out = Data>(
  name = 'WebSocketProvider',
): WebSocketContext<In, Out> {
  const Context = createContext<SocketHandle<In, Out> | null>(null);
  Context.displayName = name;

  const useHandle = (hook: string): SocketHandle<In, Out> => {
    const handle = useContext(Context);
    if (!handle) {
      throw new MissingProviderError(
        `${hook} must be used inside <${name}>: wrap this component in <${name} url="wss://…">.`,
      );
    }
    return handle;
  };

  function WebSocketProvider(props: WebSocketProviderProps<In, Out>): ReactNode {
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
  }

  function useWebSocket(): WebSocket<In, Out> | null {
    const handle = useHandle('useWebSocket');
    return useSyncExternalStore(
      handle.subscribeState,
      () => handle.peek() ?? null,
      () => null,
    );
  }

  function useConnectionState<T = ConnectionState>(
    selector?: (state: ConnectionState) => T,
  ): T | ConnectionState {
    const handle = useHandle('useConnectionState');
    const select = selector ?? ((s: ConnectionState) => s);
    return useSyncExternalStore(
      handle.subscribeState,
      () => select(handle.state()),
      () => select(INITIAL),
    );
  }

  function useMessages(options: UseMessagesOptions<In> = {}): readonly In[] {
    const handle = useHandle('useMessages');
    const { limit, throttle } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new InvalidOptionError(
        `useMessages limit must be a positive integer (how many messages to keep), got ${String(limit)}.`,
      );
    }
    if (throttle !== undefined && !(throttle >= 0 && throttle < Number.POSITIVE_INFINITY)) {
      throw new InvalidOptionError(
        `useMessages throttle must be a finite number of milliseconds >= 0 (0: every frame), got ${String(throttle)}.`,
      );
    }
    const [buffer] = useState(() => new MessageBuffer<In>());
    buffer.options = options;
    const subscribe = useCallback(
      (listener: () => void) => buffer.listen((push) => handle.subscribeMessages(push), listener),
      [buffer, handle],
    );
    return useSyncExternalStore(subscribe, buffer.snapshot, buffer.snapshot);
  }

  function useMessageListener(listener: (message: In) => void): void {
    const handle = useHandle('useMessageListener');
    const latest = useRef(listener);
    useInsertionEffect(() => {
      latest.current = listener;
    });
    useEffect(() => handle.subscribeMessages((message) => latest.current(message)), [handle]);
  }

  // One identity for the provider's lifetime, even when a new url or options replace the handle.
  const useLatestHandle = (hook: string) => {
    const handle = useHandle(hook);
    const current = useRef(handle);
    useInsertionEffect(() => {
      current.current = handle;
    });
    return current;
  };

  function useSend(): (data: Out) => boolean {
    const current = useLatestHandle('useSend');
    return useCallback((data: Out) => current.current.get().send(data), [current]);
  }

  function useReconnect(): () => void {
    const current = useLatestHandle('useReconnect');
    return useCallback(() => {
      const handle = current.current;
      if (!handle.renew()) handle.get().reconnect();
    }, [current]);
  }

  return {
    WebSocketProvider,
    useWebSocket,
    useConnectionState: useConnectionState as WebSocketContext<In, Out>['useConnectionState'],
    useMessages,
    useMessageListener,
    useSend,
    useReconnect,
  };
}
