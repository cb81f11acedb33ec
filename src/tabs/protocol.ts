import type { Data } from '../core/index';
import type { RetryWire, StateWire } from './wire-state';

/**
 * The name tabs meet under, for the lock and the BroadcastChannel alike. The protocol version is
 * part of it: after a deploy, tabs of the old and the new app never talk to each other (each
 * version then has its connection until the old tabs are gone).
 */
export const meetingName = (channel: string): string => `web-socket-client/tabs/2:${channel}`;

/**
 * Whether a follower's message whose deadline is `until` may be written at `now` (the wall clock
 * every tab shares): before its deadline and within `window` of it, so never after the follower
 * that closed may have reported it dropped, even if the clock was set back since the hand-over.
 * A message without a deadline (the tabs' clocks disagree) always may.
 */
export const inWindow = (until: number, now: number, window: number): boolean =>
  until === Number.POSITIVE_INFINITY || (now < until && until - now <= window);

/**
 * Per follower, the sequence number the leader expects next: every message below it was written
 * to the connection.
 */
export type Written = Readonly<Record<string, number>>;

/**
 * What tabs say to each other. Every message names its sender (`from`, a tab id); what a leader
 * says carries its `epoch`, which grows with every new leader, so a late message of an old leader
 * is recognised and ignored. Sends carry the epoch of the leader they are meant for.
 */
export type TabMessage =
  /**
   * A tab joined or woke up: the leader answers with its `state`. `epoch`: the newest it heard
   * of, so a leader granted the lock without hearing of that one takes a newer epoch.
   */
  | { readonly type: 'hello'; readonly from: string; readonly epoch: number }
  /** The leader's connection. Each part has its version, so hearing it twice changes nothing. */
  | {
      readonly type: 'state';
      readonly from: string;
      readonly epoch: number;
      readonly stateVersion: number;
      readonly retryVersion: number;
      readonly state: StateWire;
      readonly retry: RetryWire;
      readonly protocol: string;
    }
  /** A frame the leader received, before decoding: each tab decodes with its own codec. */
  | { readonly type: 'frame'; readonly from: string; readonly epoch: number; readonly data: Data }
  /**
   * A follower's message for the connection, already encoded. `seq` counts the follower's
   * messages; `round` counts how often it had to send them again after a refusal. `until`: the
   * leader writes it only before then, and within the relay window of then (the wall clock every
   * tab of a browser shares), so a follower that closed knows when none of its messages can be
   * written any more. Infinite once the follower found the tabs' clocks disagree.
   */
  | {
      readonly type: 'send';
      readonly from: string;
      readonly epoch: number;
      readonly seq: number;
      readonly round: number;
      readonly until: number;
      readonly data: Data;
    }
  /**
   * What the leader wrote, per follower: posted in the task that wrote them (one message for the
   * sends written in that task), so a write is in doubt only if the leader's tab dies within it.
   */
  | { readonly type: 'ack'; readonly from: string; readonly epoch: number; readonly next: Written }
  /**
   * The leader did not write `seq` of `to`, nor anything after it (not open, out of turn, or
   * `late`: out of its deadline's window, the connection being fine): send them again (at once
   * when `late`).
   */
  | {
      readonly type: 'nack';
      readonly from: string;
      readonly epoch: number;
      readonly to: string;
      readonly seq: number;
      readonly round: number;
      /** Refused for its deadline: the `until` it carried, so the follower can tell skewed clocks. */
      readonly late?: number | undefined;
    }
  /** A follower's "retry now". */
  | { readonly type: 'reconnect'; readonly from: string; readonly epoch: number }
  /** A follower stopped following (closed, or its page is going away). */
  | { readonly type: 'leave'; readonly from: string }
  /**
   * The leader stops leading (its page is going away or freezing, or no tab is left). Its
   * connection may not have closed yet. `next`: what it wrote, so followers send the rest again.
   */
  | { readonly type: 'bye'; readonly from: string; readonly epoch: number; readonly next: Written }
  /** The leader's connection ended for good (gave up, or the policy said stop): every tab ends. */
  | {
      readonly type: 'end';
      readonly from: string;
      readonly epoch: number;
      readonly state: StateWire;
      /** Its last retry state: why it ended (the error of the attempt that gave up). */
      readonly retry: RetryWire;
      /** What it wrote, as in `bye`: the followers report the rest as dropped. */
      readonly next: Written;
    };
