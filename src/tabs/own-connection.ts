import {
  type ConnectionState,
  type Data,
  Disconnected,
  type RetryState,
  type UrlSource,
  WebSocket,
  type WebSocketOptions,
} from '../core/index';
import { IDLE } from '../core/retry-state';
import type { Source } from './reducer';

export interface OwnConnectionEvents {
  /** What the connection is now; `ended`: it ended for good (its Disconnected is final). */
  changed(source: Source, ended: boolean): void;
  /** A frame as it came, not decoded: each tab decodes with its own codec. */
  frame(data: Data): void;
}

/**
 * The connection of the tab that leads: a core WebSocket of raw frames, and the snapshots of it
 * that the reducer follows, each part with a version that grows when it changes.
 *
 * Whether a Disconnected is final shows only in what follows it: Reconnecting, or the end of the
 * socket (which `connection.firstWhere` reports). So it is held until then, and the other tabs
 * never take a final loss for one that is retried, or the reverse.
 */
export class OwnConnection {
  readonly socket: WebSocket<Data, Data>;
  #live = true;
  #held: Disconnected | undefined;
  #state: ConnectionState | undefined;
  #retry: RetryState = IDLE;
  #stateVersion = 0;
  #retryVersion = 0;

  /** Opens it (throws what the core's constructor throws); it is heard from after `listen`. */
  constructor(url: UrlSource, options: WebSocketOptions<Data, Data>) {
    this.socket = new WebSocket<Data, Data>(url, options);
  }

  /** Starts reporting; the current state and retry state come at once. */
  listen(events: OwnConnectionEvents): void {
    const { socket } = this;
    socket.connection.subscribe((state) => {
      if (!this.#live) return;
      if (state instanceof Disconnected) {
        this.#held = state;
        return;
      }
      const held = this.#held;
      this.#held = undefined;
      if (held) this.#tell(events, held, false);
      this.#tell(events, state, false);
    });
    socket.retry.subscribe((retry) => {
      if (!this.#live) return;
      this.#retry = retry;
      this.#retryVersion++;
      if (this.#state) this.#tell(events, this.#state, false);
    });
    socket.messages.subscribe((data) => this.#live && events.frame(data));
    socket.connection
      .firstWhere(() => false)
      .catch(() => {
        if (!this.#live) return;
        this.#live = false;
        // The last retry state is published after the streams ended: read it.
        if (socket.retry.state !== this.#retry) {
          this.#retry = socket.retry.state;
          this.#retryVersion++;
        }
        this.#tell(events, this.#held ?? socket.connection.state, true);
      });
  }

  /** Nothing more of it is heard (a newer connection replaced it). */
  detach(): void {
    this.#live = false;
  }

  #tell(events: OwnConnectionEvents, state: ConnectionState, ended: boolean): void {
    if (state !== this.#state) this.#stateVersion++;
    this.#state = state;
    events.changed(
      {
        state,
        retry: this.#retry,
        protocol: this.socket.protocol,
        stateVersion: this.#stateVersion,
        retryVersion: this.#retryVersion,
      },
      ended,
    );
  }
}
