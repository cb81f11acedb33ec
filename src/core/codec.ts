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
