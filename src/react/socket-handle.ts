import {
  Connecting,
  type ConnectionState,
  type Data,
  Disconnected,
  type DropReason,
  type RetryState,
  type WebSocketLike,
} from '../core/index';

/** Before a socket exists (server render, first client render) every hook sees this state. */
export const INITIAL: ConnectionState = new Connecting();
/** `enabled={false}`: no socket exists, and the hooks say so with this state. */
export const DISABLED: ConnectionState = new Disconnected();
/** The retry state without a socket. */
export const NO_RETRY: RetryState = Object.freeze({
  phase: 'idle',
  attempt: 0,
  retryAt: undefined,
  lastClose: undefined,
  lastError: undefined,
});

export type SocketFactory<In, Out> = () => WebSocketLike<In, Out>;

/** A message listener that throws is reported outside the fan-out; the others still get it. */
const deliver = <T>(listeners: readonly ((value: T) => void)[], value: T): void => {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
};

/**
 * A stable facade over a replaceable socket, shared by one provider and its hooks.
 *
 * Lifetime, by construction:
 * - a socket exists only while the handle is held (`acquire`), enabled, and (owned) made by the
 *   factory; render never creates one;
 * - before the first acquire, a send or reconnect from a child's layout effect may create it on
 *   demand; it is then kept until the provider's own layout effect takes it (the same commit);
 * - the last release tears down a microtask later, so StrictMode's unmount-and-remount keeps the
 *   same socket and one connection reaches the server;
 * - once released, nothing but a new acquire (the provider mounting again) makes a socket: a late
 *   `send` from a stale closure returns false, a late `reconnect` does nothing;
 * - a replaced socket (new url or options, renew after a give-up) hands its queued messages to the
 *   new one, and each one the new socket refuses is reported to `onDrop`;
 * - a borrowed socket is linked while held and unlinked on release; it is never closed.
 */
export class SocketHandle<In = Data, Out = Data> {
  #socket: WebSocketLike<In, Out> | undefined;
  readonly #borrowed: boolean;
  #create: SocketFactory<In, Out> | undefined;
  #borrow: WebSocketLike<In, Out> | undefined;
  #enabled: boolean;
  #refs = 0;
  /** Held at least once and then let go: on-demand creation is over. */
  #released = false;
  #unlink = () => {};
  #listeners: readonly (() => void)[] = [];
  #messageListeners: readonly ((message: In) => void)[] = [];
  #last: { readonly message: In } | undefined;
  readonly #drop: (data: Out, reason: DropReason) => void;

  /**
   * Owns sockets from `create`; or (`borrowed`) links one it never closes. `drop` reports a
   * queued message that a replacement socket could not take (the provider's `onDrop`).
   */
  constructor(
    source: { create: SocketFactory<In, Out> } | { borrowed: WebSocketLike<In, Out> },
    {
      enabled = true,
      drop = () => {},
    }: { enabled?: boolean; drop?: (data: Out, reason: DropReason) => void } = {},
  ) {
    this.#borrowed = 'borrowed' in source;
    if ('borrowed' in source) this.#borrow = source.borrowed;
    else this.#create = source.create;
    this.#enabled = enabled;
    this.#drop = drop;
  }

  // ---- lifetime ------------------------------------------------------------------------------

  /** Takes a reference (the provider's layout effect); the returned release is idempotent. */
  acquire(): () => void {
    this.#refs++;
    this.#released = false;
    this.#ensure();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#refs--;
      this.#releaseLater();
    };
  }

  /** The socket for a command (send, reconnect): never made after the handle was let go. */
  demand(): WebSocketLike<In, Out> | undefined {
    if (!this.#socket && !this.#refs && !this.#released) {
      // A child's layout effect runs before the provider's: make it now, and keep it for the
      // provider's own layout effect in this same commit.
      this.#ensure();
      this.#releaseLater();
    }
    return this.#socket;
  }

  /** The socket if one exists (a borrowed one always does), for snapshots: render creates none. */
  peek(): WebSocketLike<In, Out> | undefined {
    return this.#socket ?? (this.#enabled ? this.#borrow : undefined);
  }

  // ---- what the provider changes on commit --------------------------------------------------

  /** A new factory (new url or options): a live socket is replaced, its queue carried over. */
  replace(create: SocketFactory<In, Out>): void {
    this.#create = create;
    if (this.#socket && !this.#borrowed) this.#swap(create);
  }

  /** Another borrowed socket. */
  borrow(socket: WebSocketLike<In, Out>): void {
    if (socket === this.#borrow) return;
    this.#borrow = socket;
    if (this.#socket) {
      this.#discard();
      this.#ensure();
      this.#notify();
    }
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.#enabled) return;
    this.#enabled = enabled;
    if (!enabled) {
      this.#discard();
      this.#notify();
    } else if (this.#refs) this.#ensure();
  }

  /** Replaces an ended (or closing) owned socket with a fresh one; false if it cannot. */
  renew(): boolean {
    const type = this.#socket?.connection.state.type;
    if (this.#borrowed || !this.#create || (type !== 'disconnected' && type !== 'disconnecting')) {
      return false;
    }
    this.#swap(this.#create);
    return true;
  }

  // ---- what hooks read -----------------------------------------------------------------------

  state(): ConnectionState {
    if (!this.#enabled) return DISABLED;
    const state = this.peek()?.connection.state;
    // A fresh socket's Connecting is the same fact as INITIAL: keep the identity, skip a render.
    return !state || state.type === 'connecting' ? INITIAL : state;
  }

  retry(): RetryState {
    return this.peek()?.retry.state ?? NO_RETRY;
  }

  /** The latest message of any socket this handle linked, wrapped so `undefined` is a message too. */
  last(): { readonly message: In } | undefined {
    return this.#last;
  }

  /** For `useSyncExternalStore`: notified on every state or retry change and socket replacement. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  };

  subscribeMessages(listener: (message: In) => void): () => void {
    this.#messageListeners = [...this.#messageListeners, listener];
    return () => {
      this.#messageListeners = this.#messageListeners.filter((l) => l !== listener);
    };
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Makes (owned) or links (borrowed) the socket, if there should be one and is none. */
  #ensure(): void {
    if (this.#socket || !this.#enabled) return;
    const socket = this.#borrowed ? this.#borrow : this.#create?.();
    if (!socket) return;
    this.#link(socket);
    this.#notify();
  }

  #swap(create: SocketFactory<In, Out>): void {
    const old = this.#socket;
    const carried = old?.takeQueued() ?? [];
    this.#discard();
    if (!this.#enabled) {
      for (const data of carried) this.#drop(data, 'closed');
      return;
    }
    this.#create = create;
    this.#ensure();
    const socket = this.#socket;
    for (const data of carried) if (!socket?.send(data)) this.#drop(data, 'closed');
  }

  #link(socket: WebSocketLike<In, Out>): void {
    this.#socket = socket;
    const notify = () => this.#notify();
    const stopState = socket.connection.subscribe(notify);
    const stopRetry = socket.retry.subscribe(notify);
    const stopMessages = socket.messages.subscribe((message) => {
      this.#last = { message };
      deliver(this.#messageListeners, message);
    });
    this.#unlink = () => {
      stopState();
      stopRetry();
      stopMessages();
    };
  }

  /** Lets go of the socket: no more events from it; an owned one is closed. */
  #discard(): void {
    const socket = this.#socket;
    if (!socket) return;
    this.#unlink();
    this.#unlink = () => {};
    this.#socket = undefined;
    if (!this.#borrowed) socket.close();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #releaseLater(): void {
    queueMicrotask(() => {
      if (this.#refs) return;
      this.#released = true;
      if (!this.#socket) return;
      this.#discard();
      this.#notify();
    });
  }
}
