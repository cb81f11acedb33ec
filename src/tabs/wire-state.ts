import {
  Connected,
  Connecting,
  type ConnectionState,
  ConnectTimeoutError,
  DecodeError,
  Disconnected,
  Disconnecting,
  HandshakeRejectedError,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  NoWebSocketError,
  Reconnected,
  Reconnecting,
  type RetryState,
  SlowConsumerError,
  SocketEndedError,
  type WebSocketClientError,
} from '../core/index';

/**
 * States, retry states and errors as they cross from the leader tab to the others. A
 * BroadcastChannel carries only what structured clone can copy: an error event of a browser
 * transport cannot cross at all, and a typed error would arrive as a plain `Error` without its
 * `code`. So they travel as plain records and are revived as the core's own classes, and
 * `state instanceof Disconnected` or `error.code === 'CONNECT_TIMEOUT'` hold in every tab.
 */
export interface ErrorWire {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly status?: number | undefined;
}

export interface StateWire {
  readonly type: ConnectionState['type'];
  readonly code?: number | undefined;
  readonly reason?: string | undefined;
  readonly error?: ErrorWire | undefined;
}

export interface RetryWire {
  readonly phase: RetryState['phase'];
  readonly attempt: number;
  readonly retryAt: number | undefined;
  readonly lastClose: StateWire | undefined;
  readonly lastError: ErrorWire | undefined;
}

// One instance per state without data, as in the core: identity means "unchanged".
export const CONNECTING = new Connecting();
export const CONNECTED = new Connected();
export const RECONNECTING = new Reconnecting();
export const RECONNECTED = new Reconnected();
export const DISCONNECTING = new Disconnecting();

const PLAIN = {
  connecting: CONNECTING,
  connected: CONNECTED,
  reconnecting: RECONNECTING,
  reconnected: RECONNECTED,
  disconnecting: DISCONNECTING,
} as const;

export const errorToWire = (error: unknown): ErrorWire | undefined => {
  if (error === undefined) return undefined;
  if (error instanceof Error) {
    const { name, message } = error;
    const { code, status } = error as { code?: unknown; status?: unknown };
    return {
      name,
      message,
      code: typeof code === 'string' ? code : undefined,
      status: typeof status === 'number' ? status : undefined,
    };
  }
  // A transport's error event (browsers give no detail) or anything else that was thrown.
  const type = (error as { type?: unknown } | null)?.type;
  return { name: 'Error', message: typeof type === 'string' ? type : String(error) };
};

type ErrorClass = new (message: string) => WebSocketClientError;
const TYPED: Record<string, ErrorClass> = {
  CONNECT_TIMEOUT: ConnectTimeoutError,
  DECODE_FAILED: DecodeError,
  INVALID_CLOSE: InvalidCloseError,
  INVALID_OPTION: InvalidOptionError,
  INVALID_URL: InvalidUrlError,
  NO_WEBSOCKET: NoWebSocketError,
  SLOW_CONSUMER: SlowConsumerError,
  SOCKET_ENDED: SocketEndedError,
};

export const errorFromWire = (wire: ErrorWire | undefined): unknown => {
  if (!wire) return undefined;
  if (wire.code === 'HANDSHAKE_REJECTED') return new HandshakeRejectedError(wire.status ?? 0);
  const Typed = wire.code === undefined ? undefined : TYPED[wire.code];
  if (Typed) return new Typed(wire.message);
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
};

export const stateToWire = (state: ConnectionState): StateWire =>
  state.type === 'disconnected'
    ? { type: state.type, code: state.code, reason: state.reason, error: errorToWire(state.error) }
    : { type: state.type };

export const stateFromWire = (wire: StateWire): ConnectionState =>
  wire.type === 'disconnected'
    ? new Disconnected({ code: wire.code, reason: wire.reason, error: errorFromWire(wire.error) })
    : PLAIN[wire.type];

export const retryToWire = (retry: RetryState): RetryWire => ({
  phase: retry.phase,
  attempt: retry.attempt,
  retryAt: retry.retryAt,
  lastClose: retry.lastClose && stateToWire(retry.lastClose),
  lastError: errorToWire(retry.lastError),
});

export const retryFromWire = (wire: RetryWire): RetryState =>
  Object.freeze({
    phase: wire.phase,
    attempt: wire.attempt,
    retryAt: wire.retryAt,
    lastClose: wire.lastClose && (stateFromWire(wire.lastClose) as Disconnected),
    lastError: errorFromWire(wire.lastError),
  });
