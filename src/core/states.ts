/**
 * The six connection states of the seed. Each is an immutable object with a `type` discriminant,
 * so `switch (state.type)` narrows and `state instanceof Connected` works as in Dart.
 */
export class Connecting {
  readonly type = 'connecting' as const;
  constructor() {
    Object.freeze(this);
  }
}
export class Connected {
  readonly type = 'connected' as const;
  constructor() {
    Object.freeze(this);
  }
}
export class Reconnecting {
  readonly type = 'reconnecting' as const;
  constructor() {
    Object.freeze(this);
  }
}
export class Reconnected {
  readonly type = 'reconnected' as const;
  constructor() {
    Object.freeze(this);
  }
}
export class Disconnecting {
  readonly type = 'disconnecting' as const;
  constructor() {
    Object.freeze(this);
  }
}

export interface DisconnectedInit {
  /** Close code: the server's, the caller's of `close()`, or 1006 for a give-up or a dead link. */
  code?: number | undefined;
  reason?: string | undefined;
  /** Why the very first attempt failed (the seed reports no error for later failed attempts). */
  error?: unknown;
}

export class Disconnected {
  readonly type = 'disconnected' as const;
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
  readonly error?: unknown;
  constructor(init: DisconnectedInit = {}) {
    this.code = init.code;
    this.reason = init.reason;
    this.error = init.error;
    Object.freeze(this);
  }
}

export type ConnectionState =
  | Connecting
  | Connected
  | Reconnecting
  | Reconnected
  | Disconnecting
  | Disconnected;

/** True when the socket can send right now: `Connected` or `Reconnected`. */
export const isOpen = (state: ConnectionState): state is Connected | Reconnected =>
  state.type === 'connected' || state.type === 'reconnected';

// One instance per state without data: identity means "unchanged", and snapshots stay stable.
export const CONNECTING = new Connecting();
export const CONNECTED = new Connected();
export const RECONNECTING = new Reconnecting();
export const RECONNECTED = new Reconnected();
export const DISCONNECTING = new Disconnecting();
