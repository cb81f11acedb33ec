/** Types of scripts/chaos-protocol.mjs (plain JS so that Node 20 runs it without a build). */

export type Frame = string | ArrayBuffer | ArrayBufferView | Blob;

/** One client connection, as a server sees it. */
export interface ChaosPeer {
  /** The URL path the client connected to: chat broadcasts stay inside it. */
  readonly room: string;
  send(data: Frame): void;
  /** Closes with a close frame carrying `code` and `reason`. */
  close(code: number, reason: string): void;
  /** Ends the connection without a close frame. */
  drop(): void;
  /** Whether the connection is still open: a stream stops once it is not. */
  readonly open: boolean;
}

/** The server as the protocol sees it. */
export interface ChaosHub {
  /** Every open client in `room`. */
  peers(room: string): Iterable<ChaosPeer>;
  /** Closes every client with 1012, stops listening for `ms`, then listens again. */
  restart(ms: number): void;
}

export type ChaosCommand =
  | { type: 'drop' }
  | { type: 'close'; code: number; reason: string }
  | { type: 'restart'; ms: number }
  | { type: 'burst'; count: number }
  | { type: 'stream'; rate: number; ms: number; count: number }
  | { type: 'error'; message: string };

export declare const MAX_BURST: number;
export declare const MAX_RESTART: number;
export declare const MAX_STREAM_RATE: number;
export declare const MAX_STREAM_MS: number;
export declare const RESTART_CODE: number;
export declare function isSendableCloseCode(code: number): boolean;
export declare function parseControl(data: unknown): ChaosCommand | undefined;
export declare function handleFrame(hub: ChaosHub, peer: ChaosPeer, data: Frame): void;
export declare function roomOf(url: string): string;
