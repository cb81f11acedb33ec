/**
 * The chaos protocol: what the demo server does with each text frame a client sends. One module,
 * shared by the real `ws` server (scripts/chaos-server.mjs, for `npm start` and the browser tests)
 * and the in-page mock-socket server (stories/support/mock-chaos.ts, for the static Storybook), so
 * both behave the same. It knows nothing about transports: a server hands it a `hub` and a `peer`.
 *
 *   chat:NAME:TEXT        broadcast unchanged to every client in the sender's room (its URL path),
 *                         the sender included
 *   __close:CODE:REASON   the server closes this client with CODE and REASON
 *   __drop                the server kills this client without a close frame (1006 at the client)
 *   __restart:MS          the server closes every client (1012) and stops listening for MS ms,
 *                         then listens again on the same address
 *   __burst:N             the server sends "burst:1/N" … "burst:N/N" in one synchronous loop
 *   __stream:RATE:MS      the server sends "stream:1/N" … "stream:N/N" evenly over MS ms, RATE a
 *                         second (N = RATE × MS / 1000); it stops early if the client goes away
 *   anything else         echoed back to the sender (binary frames too)
 *
 * A control frame that cannot be obeyed is answered with "error:WHY"; it never crashes a server.
 */

export const MAX_BURST = 100_000;
export const MAX_RESTART = 60_000;
export const MAX_STREAM_RATE = 20_000;
export const MAX_STREAM_MS = 10_000;
/** How often a stream wakes to send what has fallen due: a steady trickle, not one timer each. */
const STREAM_TICK = 5;
export const RESTART_CODE = 1012;

const encoder = new TextEncoder();

/** Close codes a server may put on the wire (RFC 6455 §7.4, as `ws` enforces them). */
export const isSendableCloseCode = (code) =>
  (code >= 1000 && code <= 1003) ||
  (code >= 1007 && code <= 1014) ||
  (code >= 3000 && code <= 4999);

const integer = (text) => (/^\d+$/.test(text) ? Number(text) : Number.NaN);

/**
 * Reads a control frame: `undefined` when `data` is no control frame (echo or chat), otherwise the
 * command, or `{ type: 'error', message }` when it is malformed.
 */
export const parseControl = (data) => {
  if (typeof data !== 'string' || !data.startsWith('__')) return undefined;
  const [name = '', ...rest] = data.slice(2).split(':');
  const arg = rest.join(':');
  switch (name) {
    case 'drop':
      return { type: 'drop' };
    case 'close': {
      const colon = arg.indexOf(':');
      const raw = colon < 0 ? arg : arg.slice(0, colon);
      const code = integer(raw);
      const reason = colon < 0 ? '' : arg.slice(colon + 1);
      if (!isSendableCloseCode(code)) {
        return { type: 'error', message: `close code "${raw}" cannot be sent by a server` };
      }
      if (encoder.encode(reason).length > 123) {
        return { type: 'error', message: 'close reason longer than 123 bytes' };
      }
      return { type: 'close', code, reason };
    }
    case 'restart': {
      const ms = integer(arg);
      if (!(ms <= MAX_RESTART)) {
        return { type: 'error', message: `restart needs 0..${MAX_RESTART} ms, got "${arg}"` };
      }
      return { type: 'restart', ms };
    }
    case 'burst': {
      const count = integer(arg);
      if (!(count >= 1 && count <= MAX_BURST)) {
        return { type: 'error', message: `burst needs 1..${MAX_BURST} messages, got "${arg}"` };
      }
      return { type: 'burst', count };
    }
    case 'stream': {
      const [rawRate = '', rawMs = ''] = arg.split(':');
      const rate = integer(rawRate);
      const ms = integer(rawMs);
      if (!(rate >= 1 && rate <= MAX_STREAM_RATE && ms >= 1 && ms <= MAX_STREAM_MS)) {
        return {
          type: 'error',
          message: `stream needs RATE 1..${MAX_STREAM_RATE} and MS 1..${MAX_STREAM_MS}, got "${arg}"`,
        };
      }
      return { type: 'stream', rate, ms, count: Math.max(1, Math.round((rate * ms) / 1000)) };
    }
    default:
      return { type: 'error', message: `unknown control message "${data.slice(0, 40)}"` };
  }
};

/** Handles one frame from `peer`. */
export const handleFrame = (hub, peer, data) => {
  const command = parseControl(data);
  if (!command) {
    if (typeof data === 'string' && data.startsWith('chat:')) {
      for (const other of hub.peers(peer.room)) other.send(data);
    } else peer.send(data);
    return;
  }
  switch (command.type) {
    case 'drop':
      return peer.drop();
    case 'close':
      return peer.close(command.code, command.reason);
    case 'restart':
      return hub.restart(command.ms);
    case 'burst':
      for (let i = 1; i <= command.count; i++) peer.send(`burst:${i}/${command.count}`);
      return;
    case 'stream':
      return stream(peer, command);
    case 'error':
      return peer.send(`error:${command.message}`);
  }
};

/** Sends `count` numbered frames spread evenly over `ms`, until done or the peer is gone. */
const stream = (peer, { ms, count }) => {
  const start = Date.now();
  let sent = 0;
  const tick = () => {
    if (!peer.open) return;
    const due = Math.min(count, Math.ceil(((Date.now() - start) / ms) * count));
    for (; sent < due; sent++) peer.send(`stream:${sent + 1}/${count}`);
    if (sent < count) setTimeout(tick, STREAM_TICK);
  };
  setTimeout(tick, STREAM_TICK);
};

/** The room of a connection: its URL path, "/" when none. */
export const roomOf = (url) => {
  try {
    return new URL(url, 'ws://chaos.invalid').pathname || '/';
  } catch {
    return '/';
  }
};
