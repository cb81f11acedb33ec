import { WebSocketClientError } from '../core/index';

/**
 * Two tabs read clocks that disagree by more than the relay window: a follower's message was
 * refused as late by a leader whose `scheduler.now()` is far from the follower's. Tabs compare
 * deadlines on the wall clock they share; a scheduler of its own in one tab (fake timers,
 * `performance.now()`) breaks that. Reported to `onError` once; the follower then sends without
 * deadlines, so a message it had in flight when it closes is in doubt rather than reported.
 */
export class TabClockError extends WebSocketClientError {
  override readonly code = 'TAB_CLOCK_SKEW' as const;
  override readonly name = 'TabClockError';
}
