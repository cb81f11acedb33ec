import { Connecting, type ConnectionState, type Data, type WebSocket } from '../core/index';

/** Before any socket exists (server render, first client render) every hook sees this state. */
export const INITIAL: ConnectionState = new Connecting();

/**
 * A stable facade over a replaceable socket, shared by one provider and its hooks.
 *
 * The socket is created on first demand, never during render, and lives while the provider
 * holds a reference. Releasing the last reference tears down only after a microtask, so
 * StrictMode's unmount-and-remount (synchronous, within one commit) keeps the same socket and
 * exactly one connection reaches the server. Hooks listen to the handle, not the socket, so a
 * replaced socket (retry after give-up) is picked up without resubscribing.
 */
export class SocketHandle<In = Data, Out = Data> {
  private socket: WebSocket<In, Out> | undefined;
  private refs = 0;
  private unlink = () => {};
  private stateListeners: readonly (() => void)[] = [];
  private messageListeners: readonly ((message: In) => void)[] = [];
  private readonly create: (() => WebSocket<In, Out>) | undefined;

  /** Owns sockets made by `create`; or borrows `socket`, which it never closes. */
  constructor(create: () => WebSocket<In, Out>);
  constructor(create: undefined, socket: WebSocket<In, Out>);
  constructor(create?: () => WebSocket<In, Out>, socket?: WebSocket<In, Out>) {
    this.create = create;
    if (socket) this.link(socket);
  }

  /** The socket, created if needed. Call from effects and event handlers, never from render. */
  get(): WebSocket<In, Out> {
    if (!this.socket && this.create) {
      this.link(this.create());
      // Made on demand by a child's effect before the provider's own effect took a reference.
      if (!this.refs) this.releaseLater();
    }
    return this.socket as WebSocket<In, Out>;
  }

  /** The socket if one exists, for snapshots (render must not create one). */
  peek(): WebSocket<In, Out> | undefined {
    return this.socket;
  }

  state(): ConnectionState {
    const state = this.socket?.connection.state;
    // A fresh socket's Connecting is the same fact as INITIAL: keep the identity, skip a render.
    return !state || state.type === 'connecting' ? INITIAL : state;
  }

  /** Takes a reference; the returned release is idempotent. */
  acquire(): () => void {
    this.refs++;
    this.get();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.refs--;
      this.releaseLater();
    };
  }

  /** For `useSyncExternalStore`: notified on every state change and socket replacement. */
  subscribeState = (listener: () => void): (() => void) => {
    this.stateListeners = [...this.stateListeners, listener];
    this.get();
    return () => {
      this.stateListeners = this.stateListeners.filter((l) => l !== listener);
    };
  };

  subscribeMessages(listener: (message: In) => void): () => void {
    this.messageListeners = [...this.messageListeners, listener];
    this.get();
    return () => {
      this.messageListeners = this.messageListeners.filter((l) => l !== listener);
    };
  }

  /** Replaces an ended socket with a fresh one from the same options; false if it cannot. */
  renew(): boolean {
    const state = this.socket?.connection.state.type;
    // Closing counts as spent too: the socket will never reconnect, so a Retry gets a fresh one.
    if (!this.create || (state !== 'disconnected' && state !== 'disconnecting')) return false;
    this.discard();
    this.get();
    this.notify();
    return true;
  }

  private link(socket: WebSocket<In, Out>): void {
    this.socket = socket;
    const stopState = socket.connection.subscribe(() => this.notify());
    const stopMessages = socket.messages.subscribe((message) => {
      for (const listener of this.messageListeners) listener(message);
    });
    this.unlink = () => {
      stopState();
      stopMessages();
    };
  }

  /** Lets go of the owned socket: no more events from it, and it is closed. */
  private discard(): void {
    this.unlink();
    this.socket?.close();
    this.socket = undefined;
  }

  private notify(): void {
    for (const listener of this.stateListeners) listener();
  }

  private releaseLater(): void {
    queueMicrotask(() => {
      if (this.refs || !this.socket || !this.create) return;
      this.discard();
      this.notify();
    });
  }
}
