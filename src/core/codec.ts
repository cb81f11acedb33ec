import type { Data } from './transport';

/** Turns outgoing values into frames and incoming frames into values. */
export interface Codec<In, Out> {
  encode(value: Out): Data;
  decode(data: Data): In;
}

/**
 * JSON in both directions: text frames out; text or binary (UTF-8) frames in, since `ws` hands
 * binary frames over as bytes. A Blob cannot be read synchronously: use `binaryType: 'arraybuffer'`.
 * `json<Incoming, Outgoing>()` types the socket.
 */
export const json = <In = unknown, Out = unknown>(): Codec<In, Out> => ({
  encode: (value) => JSON.stringify(value),
  decode: (data) =>
    JSON.parse(
      typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer),
    ) as In,
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The `codec` option's type. A socket whose messages stay raw frames (`Data` both ways, the
 * default) takes no codec: one would decode into values its types still call frames, and a
 * typed `send(object)` would not compile. The type says what to write instead.
 */
export type CodecOption<In, Out> =
  Same<In, Data> extends true
    ? Same<Out, Data> extends true
      ? 'A codec needs message types: json<In, Out>(), and in React createWebSocketContext<In, Out>()'
      : Codec<In, Out>
    : Codec<In, Out>;
