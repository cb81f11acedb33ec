import type { Data } from './transport';

/** Turns outgoing values into frames and incoming frames into values. */
export interface Codec<In, Out> {
  encode(value: Out): Data;
  decode(data: Data): In;
}

/** JSON text frames in both directions. `json<Incoming, Outgoing>()` types the socket. */
export const json = <In = unknown, Out = unknown>(): Codec<In, Out> => ({
  encode: (value) => JSON.stringify(value),
  decode: (data) => JSON.parse(String(data)) as In,
});
