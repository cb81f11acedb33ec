/** Types of scripts/chaos-server.mjs. */

export interface ChaosStats {
  /** Connections accepted since the server started, across restarts. */
  total: number;
  /** Connections open right now. */
  open: number;
}

export interface ChaosServer {
  /** `ws://host:port`, the same across restarts. */
  readonly url: string;
  /** `http://host:port`, for `GET /stats?room=/path`. */
  readonly httpUrl: string;
  readonly port: number;
  /** Counts for one room (URL path), or for all rooms. */
  stats(room?: string): ChaosStats;
  /** The error of a restart that could not listen again, if there was one. */
  readonly failure: Error | undefined;
  /**
   * Stops for good: every client terminated, the port released. Rejects with `failure`, if a
   * restart could not listen again.
   */
  close(): Promise<void>;
}

export interface ChaosServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  log?: (line: string) => void;
  /** A restart could not listen again (the port was taken meanwhile). Default: on stderr. */
  onError?: (error: Error) => void;
}

export declare function startChaosServer(options?: ChaosServerOptions): Promise<ChaosServer>;
