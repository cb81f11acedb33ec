import type { Model } from './reducer';
import type { Disconnected } from './states';

/**
 * What the socket is doing about a lost connection, beside the seed's six states (which keep one
 * Reconnecting per outage): enough for "Connection lost (1006) — retrying in 3 s (attempt 2)".
 * Immutable; the same object until something in it changes.
 */
export interface RetryState {
  /**
   * - 'idle': not retrying: the first attempt is in flight, or the socket is open, closing or ended;
   * - 'dialing': retry attempt `attempt` is in flight;
   * - 'waiting': the backoff runs; attempt `attempt` starts at `retryAt`;
   * - 'offline': waiting for the network (or the give-up budget) before attempt `attempt`.
   */
  readonly phase: 'idle' | 'dialing' | 'waiting' | 'offline';
  /**
   * The attempt in flight or next, counted since the connection was last stable (up at least
   * `minUptime`), like the backoff: 1 is the immediate retry after a loss. 0 for the very first
   * connection.
   */
  readonly attempt: number;
  /** While waiting: when the next attempt starts, on the scheduler's clock (`Date.now()` by default). */
  readonly retryAt: number | undefined;
  /** The latest Disconnected, transient or final: the close code and reason, or the first failure's error. */
  readonly lastClose: Disconnected | undefined;
  /** The error of the latest failed attempt (a refused upgrade carries its HTTP `status`). */
  readonly lastError: unknown;
}

export const IDLE: RetryState = Object.freeze({
  phase: 'idle',
  attempt: 0,
  retryAt: undefined,
  lastClose: undefined,
  lastError: undefined,
});

/** The retry state of `model`; `previous` itself when nothing in it changed. */
export const retryStateOf = (model: Model, previous: RetryState): RetryState => {
  const first = model.state.type === 'connecting';
  let { phase, attempt } = previous;
  switch (model.phase) {
    case 'dialing':
    case 'gating':
      phase = first ? 'idle' : 'dialing';
      attempt = model.tries;
      break;
    case 'waiting':
    case 'paused':
      phase = model.phase === 'waiting' ? 'waiting' : 'offline';
      attempt = first ? 0 : model.tries + 1;
      break;
    // Between a loss and its retry: nothing to say until the retry is decided.
    case 'asking':
    case 'lost':
      return previous;
    default:
      phase = 'idle';
      attempt = 0;
  }
  // The reducer keeps retryAt only while waiting.
  const { retryAt, lastClose, lastError } = model;
  return phase === previous.phase &&
    attempt === previous.attempt &&
    retryAt === previous.retryAt &&
    lastClose === previous.lastClose &&
    lastError === previous.lastError
    ? previous
    : Object.freeze({ phase, attempt, retryAt, lastClose, lastError });
};
