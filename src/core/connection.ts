import { SocketEndedError } from './errors';
import type { ConnectionState } from './states';
import { type Emitter, ValueStore } from './subscribable';

/** The connection state as a store: current value, subscription with replay, and waiting. */
export class Connection extends ValueStore<ConnectionState> {
  readonly #ended: () => boolean;
  /** `ended`: whether the socket has ended; by default, a Disconnected that is current is final. */
  constructor(
    emitter: Emitter<ConnectionState>,
    read: () => ConnectionState,
    ended: () => boolean = () => read().type === 'disconnected',
  ) {
    super(emitter, read);
    this.#ended = ended;
  }

  /**
   * Resolves with the first state (the current one included) that matches. Rejects with
   * `SocketEndedError` if the socket ends first, or with the signal's reason when aborted.
   * A transient Disconnected (Reconnecting follows) does not end the wait.
   */
  firstWhere<S extends ConnectionState>(
    predicate: ((state: ConnectionState) => state is S) | ((state: ConnectionState) => boolean),
    { signal }: { signal?: AbortSignal | undefined } = {},
  ): Promise<S> {
    return new Promise<S>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let settled = false;
      let stop = () => {};
      // Settling twice is harmless: a promise settles once, and removing listeners is idempotent.
      const settle = (outcome: () => void) => {
        settled = true;
        outcome();
        signal?.removeEventListener('abort', abort);
        stop(); // a no-op while `subscribe` is still replaying: see below
      };
      const abort = () => settle(() => reject(signal?.reason));
      signal?.addEventListener('abort', abort);
      stop = this.subscribe((state) => {
        if (predicate(state)) settle(() => resolve(state as S));
        else if (state.type === 'disconnected' && this.#ended()) {
          settle(() =>
            reject(
              new SocketEndedError(
                __DEV__ ? 'The socket ended before reaching the awaited state.' : '',
              ),
            ),
          );
        }
      });
      if (settled) stop();
    });
  }
}
