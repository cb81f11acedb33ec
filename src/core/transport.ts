import { HandshakeRejectedError, InvalidUrlError } from './errors';

/** A frame: what a WebSocket sends and receives. */
export type Data = string | ArrayBufferLike | Blob | ArrayBufferView;

export interface TransportEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly error?: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the implementations' EventEmitter and EventTarget signatures differ
type Listener = (...args: any[]) => void;

/**
 * The part of the WHATWG WebSocket the client uses. Browsers, Deno, Node 22's undici, Bun, React
 * Native, the `ws` client and mock-socket all fit. `ping`/`terminate` exist on `ws` and Bun;
 * `ws` reports pings and pongs with `on`, Bun with `addEventListener`.
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
  // Method syntax: parameters compare bivariantly, so ws's and the DOM's own signatures fit.
  on?(event: string, listener: Listener): unknown;
  off?(event: string, listener: Listener): unknown;
  addEventListener?(type: string, listener: Listener): void;
  removeEventListener?(type: string, listener: Listener): void;
}

/** A WebSocket constructor: `globalThis.WebSocket`, `ws`'s default export, or a test double. */
export type WebSocketImplementation = new (
  url: string,
  protocols?: string | string[],
  // biome-ignore lint/suspicious/noExplicitAny: the third argument is implementation-specific (ws: options)
  options?: any,
) => Transport;

const noop = () => {};

/**
 * An absolute ws:/wss: href. http(s) maps to ws(s), relative URLs resolve against the page.
 * Only `href` is read: React Native's URL has no working setters or component getters.
 */
export const toUrl = (value: string | URL): string => {
  let href: string;
  try {
    href = new URL(value, (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    throw new InvalidUrlError(
      __DEV__
        ? `"${String(value)}" is not a valid URL. Pass an absolute URL such as "wss://example.com/socket".`
        : String(value),
    );
  }
  href = href.replace(/^http(s?):/i, 'ws$1:');
  if (!/^wss?:\/\/[^/?#]/i.test(href)) {
    throw new InvalidUrlError(
      __DEV__
        ? `"${String(value)}" is not a WebSocket URL: it must start with ws:// or wss:// and name a host.`
        : String(value),
    );
  }
  return href;
};

/** UTF-8 bytes of a string, counted without Blob or TextEncoder (absent or partial in React Native). */
const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      bytes += 4; // a surrogate pair: one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
};

/** The size of a frame on the wire, for the send queue's byte bound. */
export const byteLength = (data: Data): number => {
  if (data && typeof data === 'object') {
    if ('byteLength' in data) return data.byteLength;
    if ('size' in data) return data.size;
  }
  // Text, or not a frame at all (`null`, a number): the transport sends its string form.
  return utf8Length(String(data));
};

export interface LinkEvents {
  open(): void;
  message(data: unknown): void;
  /** The close event: `code`/`reason` as the transport reported them. */
  close(code: number | undefined, reason: string | undefined): void;
  /** An error event, with the transport's readyState then (its close event may never follow). */
  error(error: unknown, readyState: number): void;
}

/** One attempt's transport behind one shape, whatever the implementation. */
export interface Link {
  readonly transport: Transport;
  /** OPEN: writes reach the wire. */
  ready(): boolean;
  /** Whether a protocol-level ping exists (ws, Bun). */
  readonly canPing: boolean;
  /** Sends a protocol ping; inbound pings and pongs are reported through `watch`. */
  ping(): void;
  /** Calls `alive` on every protocol ping or pong from the server (idempotent per link). */
  watch(alive: () => void): void;
  /** Starts the closing handshake; the link stays attached to hear its close event. */
  close(code?: number, reason?: string): void;
  /** Detaches every handler and tears the transport down at once: nothing of it is heard again. */
  abort(): void;
}

export interface LinkOptions {
  protocols: string | string[] | undefined;
  headers: Record<string, string> | undefined;
  binaryType: 'blob' | 'arraybuffer' | undefined;
}

/** Constructs the transport (which may throw) and wires its events to `events`. */
export const connect = (
  Implementation: WebSocketImplementation,
  url: string,
  { protocols, headers, binaryType }: LinkOptions,
  events: LinkEvents,
): Link => {
  const t = new Implementation(url, protocols, headers && { headers });
  if (binaryType) t.binaryType = binaryType;
  let rejected: HandshakeRejectedError | undefined;
  let alive: (() => void) | undefined;
  const lifeEvents = ['ping', 'pong'];
  t.onopen = () => events.open();
  t.onmessage = (e: TransportEvent) => events.message(e.data);
  // A refused upgrade ends in a close event too; it is the failure with its status.
  t.onclose = (e: TransportEvent) =>
    rejected ? events.error(rejected, 3) : events.close(e?.code, e?.reason);
  t.onerror = (e: TransportEvent) => events.error(rejected ?? e?.error ?? e, t.readyState);
  // ws: the HTTP answer to a refused upgrade. With a listener ws leaves the request open, so it
  // is torn down here; its error and close events then carry the status.
  const onResponse = (_request: unknown, response: { statusCode?: number }) => {
    rejected = new HandshakeRejectedError(response.statusCode ?? 0);
    t.terminate?.();
  };
  t.on?.('unexpected-response', onResponse);
  const unwatch = () => {
    if (!alive) return;
    for (const type of lifeEvents) {
      t.off?.(type, alive);
      t.removeEventListener?.(type, alive);
    }
  };
  return {
    transport: t,
    ready: () => t.readyState === 1,
    canPing: typeof t.ping === 'function',
    ping: () => {
      try {
        t.ping?.();
      } catch {}
    },
    watch(listener) {
      if (alive) return;
      alive = listener;
      for (const type of lifeEvents) {
        // ws reports these with `on` only; Bun with `addEventListener` only.
        if (t.on) t.on(type, listener);
        else t.addEventListener?.(type, listener);
      }
    },
    close: (code, reason) => t.close(code, reason),
    abort() {
      t.onopen = t.onmessage = t.onclose = null;
      // ws throws an unhandled 'error' when it has none, e.g. after aborting a handshake.
      t.onerror = noop;
      t.off?.('unexpected-response', onResponse);
      unwatch();
      try {
        // On a dead link a polite close takes 10–30 s; terminate (ws, Bun) tears down at once,
        // and does nothing to a closed one.
        if (t.terminate) t.terminate();
        else if (t.readyState < 2) t.close();
      } catch {}
    },
  };
};
