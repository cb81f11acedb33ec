/**
 * Every error this library throws is a `WebSocketClientError` with a literal `code`, so callers
 * can branch on `error.code` without string-matching messages, and the message says how to fix it.
 * Production builds carry the code and the offending value only; development builds the full
 * prose (DESIGN §9).
 */
export class WebSocketClientError extends Error {
  declare readonly code: string;
}

// One factory keeps each class a single line while its `code` stays a literal type.
const define = <C extends string>(code: C, name: string) =>
  class extends WebSocketClientError {
    override readonly code: C = code;
    override readonly name = name;
  };

/** The URL is not a valid absolute `ws:`/`wss:` URL (or `http:`/`https:`, which map to them). */
export class InvalidUrlError extends define('INVALID_URL', 'InvalidUrlError') {}
/** An option (backoff numbers, timeout, queue bounds, heartbeat, protocols) is nonsensical. */
export class InvalidOptionError extends define('INVALID_OPTION', 'InvalidOptionError') {}
/** `close()` was given a code other than 1000 or 3000–4999, or a reason over 123 UTF-8 bytes. */
export class InvalidCloseError extends define('INVALID_CLOSE', 'InvalidCloseError') {}
/** No WebSocket implementation was passed and the platform has no global `WebSocket`. */
export class NoWebSocketError extends define('NO_WEBSOCKET', 'NoWebSocketError') {}
/** The socket has ended (closed by the client, or gave up): it never connects again. */
export class SocketEndedError extends define('SOCKET_ENDED', 'SocketEndedError') {}
/** A connect attempt did not open within `timeout`; carried as `Disconnected.error`. */
export class ConnectTimeoutError extends define('CONNECT_TIMEOUT', 'ConnectTimeoutError') {}
/** The codec could not decode an incoming message; it is reported to `onError` and dropped. */
export class DecodeError extends define('DECODE_FAILED', 'DecodeError') {}
/** An async iterator fell too far behind the messages: its buffer overflowed and it stopped. */
export class SlowConsumerError extends define('SLOW_CONSUMER', 'SlowConsumerError') {}

/**
 * The server answered the upgrade with an HTTP status instead of switching protocols (401, 403,
 * 502…). Only implementations that expose the response (`ws`) report it; browsers cannot.
 */
export class HandshakeRejectedError extends define('HANDSHAKE_REJECTED', 'HandshakeRejectedError') {
  readonly status: number;
  constructor(status: number) {
    super(
      __DEV__
        ? `The server refused the WebSocket upgrade with HTTP ${status}. Decide with shouldRetry({ status }) whether to try again.`
        : `${status}`,
    );
    this.status = status;
  }
}
