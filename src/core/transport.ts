/** A frame: what a WebSocket sends and receives. */
export type Data = string | ArrayBufferLike | Blob | ArrayBufferView;

export interface TransportEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly error?: unknown;
}

/**
 * The part of the WHATWG WebSocket the client uses. The browser's `WebSocket`, the `ws` client
 * and mock-socket all fit; `ping`/`terminate`/`on`/`off` exist only on `ws` and are used when
 * present (protocol pings, and an immediate teardown instead of a close handshake on a dead link).
 */
export interface Transport {
  readonly readyState: number;
  readonly protocol: string;
  binaryType: string;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: Data): void;
  close(code?: number, reason?: string): void;
  ping?: (() => void) | undefined;
  terminate?: (() => void) | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: ws's EventEmitter signature
  on?: ((event: 'ping' | 'pong', listener: (...args: any[]) => void) => unknown) | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: ws's EventEmitter signature
  off?: ((event: 'ping' | 'pong', listener: (...args: any[]) => void) => unknown) | undefined;
}

/** A WebSocket constructor: `globalThis.WebSocket`, `ws`'s default export, or a test double. */
export type WebSocketImplementation = new (
  url: string,
  protocols?: string | string[],
  // biome-ignore lint/suspicious/noExplicitAny: the third argument is implementation-specific (ws: options)
  options?: any,
) => Transport;
