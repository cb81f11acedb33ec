import { type ConnectionState, Disconnected, isOpen, type RetryState } from '../core/index';
import { IDLE } from '../core/retry-state';
import type { LifecycleSignal } from './lifecycle';
import type { TabMessage } from './protocol';
import type { RetryWire, StateWire } from './wire-state';
import {
  CONNECTED,
  CONNECTING,
  DISCONNECTING,
  RECONNECTED,
  RECONNECTING,
  retryFromWire,
  retryToWire,
  stateFromWire,
  stateToWire,
} from './wire-state';

/**
 * The one place that decides what a tab does about the shared connection. `reduce` is pure:
 * (model, event) → the next model, the state to tell this tab's listeners (at most one per step)
 * and the effects for the shell to run: post to the other tabs, take or let go of the lock, dial
 * or close this tab's own connection, arm a named timer. Frames and sends (the hot path) do not
 * step: the shell checks them against the model with `hearsFrame`, `relays` and `route`.
 */

/** Which part a tab plays: it owns the connection, mirrors another tab's, or is on its own. */
export type Role = 'leader' | 'follower' | 'standalone';

export type Phase =
  /** In the lock's queue; the view follows the leader it knows, if any. */
  | 'following'
  /** The page is frozen: out of the queue (a frozen tab must not be handed the lock) until it resumes. */
  | 'frozen'
  /**
   * Holds the lock and waits `takeoverDelay` before dialing: the old leader's connection may
   * still be closing at the server (its tab closed or crashed a moment ago; even a clean close
   * is over for the browser a moment before it is for the server).
   */
  | 'taking-over'
  /** Holds the lock and owns the connection. */
  | 'leading'
  /** Its user closed it, but tabs still wait: it leads for them until none does. */
  | 'relaying'
  /** Said `bye`: its connection closes (or its page goes away); then it lets go of the lock. */
  | 'leaving'
  /**
   * A follower whose user closed it with messages in flight: out of the queue, its view ended,
   * it waits for the leader's verdict on each (written: `ack`; not, and never: `nack`, `bye`,
   * `end`), or until none can be written any more (`settleBy`), and reports those not written.
   */
  | 'withdrawing'
  | 'ended';

/** Every timer a tab owns, by name. */
export type TimerName =
  /** Taking over: when to dial although the old leader never said its connection closed. */
  | 'takeover'
  /** Relaying: when to count again the tabs waiting in the lock's queue. */
  | 'census'
  /** Withdrawing: when to stop waiting for the leader's verdict. */
  | 'linger';

/** A connection the view follows: the leader's, as it said, or this tab's own. */
export interface Source {
  readonly state: ConnectionState;
  readonly retry: RetryState;
  readonly protocol: string;
  /** Grow with each change at the leader: a repeat (an answer to `hello`) changes nothing. */
  readonly stateVersion: number;
  readonly retryVersion: number;
}

export interface Model {
  readonly phase: Phase;
  /** What this tab's listeners see: the seed's six states, with a local socket's rules. */
  readonly view: ConnectionState;
  /** The view went through a loss: it opens again as Reconnected. */
  readonly lost: boolean;
  /** The view has ended: its final Disconnected was told. */
  readonly final: boolean;
  /** `close()` was called: the code and reason of the final Disconnected (and of the last close). */
  readonly closing:
    | { readonly code: number | undefined; readonly reason: string | undefined }
    | undefined;
  /** The newest leader's epoch this tab knows; its own while it holds the lock. */
  readonly epoch: number;
  /** The tab the view follows: the leader, or this tab itself. */
  readonly leader: string | undefined;
  /** While taking over or leading: the leader before, whose `end` still matters. */
  readonly predecessor: { readonly id: string; readonly epoch: number } | undefined;
  readonly source: Source | undefined;
  /** The loss told when a leader left or vanished: the retry state's `lastClose` meanwhile. */
  readonly loss: Disconnected | undefined;
  /**
   * Withdrawing: past this time (the wall clock every tab shares) the leader writes none of the
   * messages in flight, and its verdict on them had time to arrive. Infinite when they carry no
   * deadline (the tabs' clocks disagree): then they are in doubt, as with a leader that crashed.
   */
  readonly settleBy: number;
  /** Withdrawing: the linger timer was armed again once, for a wall clock set back meanwhile. */
  readonly lingered: boolean;
  /** The page is going away for good: no verdict can reach it, so a close does not wait for one. */
  readonly departed: boolean;
}

export interface Config {
  /** This tab's id, as the others know it. */
  readonly self: string;
  readonly takeoverDelay: number;
  readonly censusInterval: number;
  /** How long after its hand-over the leader may still write a follower's message (`until`). */
  readonly relayWindow: number;
  /**
   * How long a follower that closed waits at most for the verdict on its messages in flight:
   * past `relayWindow`, with time for the last acknowledgement to arrive.
   */
  readonly linger: number;
}

export type Event =
  | { readonly type: 'start' }
  /** The lock is this tab's. */
  | { readonly type: 'granted' }
  | { readonly type: 'timer'; readonly timer: TimerName }
  /** This tab's own connection changed; `ended`: its Disconnected is final. */
  | { readonly type: 'own'; readonly source: Source; readonly ended: boolean }
  | { readonly type: 'heard'; readonly message: TabMessage }
  /** How many tabs wait in the lock's queue. */
  | { readonly type: 'census'; readonly waiting: number }
  | {
      readonly type: 'close';
      readonly code?: number | undefined;
      readonly reason?: string | undefined;
      /**
       * Messages of this tab are in flight to the leader: the latest deadline they carry (the
       * shell says, as it applies it). Undefined when none is.
       */
      readonly inFlightUntil?: number | undefined;
    }
  /** Withdrawing: every message that was in flight is settled (acknowledged, or reported). */
  | { readonly type: 'settled' }
  | { readonly type: 'reconnect' }
  | { readonly type: 'signal'; readonly signal: LifecycleSignal }
  /** Listeners heard this step's state: go on. */
  | { readonly type: 'continue' };

export type Effect =
  | { readonly type: 'post'; readonly message: TabMessage }
  /** Post `bye`, with what the relay wrote for each follower. */
  | { readonly type: 'bye' }
  /** Post `end`, with what the relay wrote for each follower. */
  | { readonly type: 'announce-end'; readonly state: StateWire; readonly retry: RetryWire }
  /** Join the lock's queue. */
  | { readonly type: 'request' }
  /** Leave the lock's queue. */
  | { readonly type: 'abandon' }
  /** Let go of the lock. */
  | { readonly type: 'release' }
  /** Count the tabs waiting for the lock, and report `census`. */
  | { readonly type: 'census' }
  /** Open this tab's own connection (with the user's URL and options). */
  | { readonly type: 'dial' }
  /** Close this tab's own connection. */
  | {
      readonly type: 'shut';
      readonly code: number | undefined;
      readonly reason: string | undefined;
    }
  | { readonly type: 'retry-now' }
  | { readonly type: 'arm'; readonly timer: TimerName; readonly delay: number }
  | { readonly type: 'disarm'; readonly timer: TimerName }
  /** The view just opened: hand what waits in the queue to the connection, in order. */
  | { readonly type: 'flush' }
  /**
   * The leader wrote the messages in flight below `next` and will write none from `next` on (of
   * them all, without it): those go back to the queue, or once closed are reported dropped.
   */
  | { readonly type: 'requeue'; readonly next: number | undefined }
  /** The leader vanished: its messages in flight count as handed over (they may be lost). */
  | { readonly type: 'orphan' }
  /**
   * This tab's part is over: nothing goes out again, and each queued message is reported dropped
   * ('closed'), after those in flight are settled.
   */
  | { readonly type: 'discard' }
  /** A new epoch: the followers' streams start afresh. */
  | { readonly type: 'reset-relay' }
  | { readonly type: 'forget'; readonly tab: string }
  /** After listeners heard this step's state: feed `continue`. */
  | { readonly type: 'continue' }
  /** After listeners heard the final state: complete the streams. */
  | { readonly type: 'end' }
  /** Nothing more to hear or say: close the channel, stop listening to the page. */
  | { readonly type: 'stop' };

export interface Step {
  readonly model: Model;
  readonly state: ConnectionState | undefined;
  readonly effects: readonly Effect[];
}

/** A leader that left: its page went away or froze, and its `bye` said so. */
export const LEFT = new Disconnected({ code: 1001, reason: 'leader tab left' });
/** A leader that vanished without a word (its page crashed): a new leader said so. */
export const LOST = new Disconnected({ code: 1006, reason: 'leader tab lost' });

export const initialModel: Model = {
  phase: 'following',
  view: CONNECTING,
  lost: false,
  final: false,
  closing: undefined,
  epoch: 0,
  leader: undefined,
  predecessor: undefined,
  source: undefined,
  loss: undefined,
  settleBy: 0,
  lingered: false,
  departed: false,
};

const holds = (phase: Phase) =>
  phase === 'taking-over' || phase === 'leading' || phase === 'relaying' || phase === 'leaving';
const follows = (phase: Phase) => phase === 'following' || phase === 'frozen';

/**
 * Where the view goes next from what the source says, by a local socket's rules: one
 * Reconnecting per outage, Reconnected after any loss, never Connecting again. `closing` and a
 * final view are handled by `reduce`.
 */
export const target = (m: Model): ConnectionState | undefined => {
  const { view, source } = m;
  if (view.type === 'disconnected') return RECONNECTING;
  if (!source) return undefined;
  switch (source.state.type) {
    case 'connected':
    case 'reconnected':
      return isOpen(view) ? undefined : m.lost ? RECONNECTED : CONNECTED;
    // A transient loss at the source (a final one ends every tab: `end`).
    case 'disconnected':
      return view.type === 'reconnecting' ? undefined : source.state;
    // The source's Disconnected was superseded before it was said: tell it from the retry state.
    case 'reconnecting':
      return view.type === 'reconnecting' ? undefined : (source.retry.lastClose ?? LOST);
    // A new leader's first attempt, and the view never heard the old one go.
    case 'connecting':
      return isOpen(view) ? LOST : undefined;
    default:
      return undefined;
  }
};

/** A source from a leader's `state`; the parts whose version did not move keep their identity. */
const heard = (m: TabMessage & { type: 'state' }, previous: Source | undefined): Source => ({
  state: previous?.stateVersion === m.stateVersion ? previous.state : stateFromWire(m.state),
  retry: previous?.retryVersion === m.retryVersion ? previous.retry : retryFromWire(m.retry),
  protocol: m.protocol,
  stateVersion: m.stateVersion,
  retryVersion: m.retryVersion,
});

export const reduce = (model: Model, event: Event, config: Config, now: number): Step => {
  const { self } = config;
  let next = model;
  let told: ConnectionState | undefined;
  const effects: Effect[] = [];
  const set = (patch: Partial<Model>) => {
    next = { ...next, ...patch };
  };
  const tell = (state: ConnectionState) => {
    told = state;
    set({ view: state, ...(state instanceof Disconnected ? { lost: true } : {}) });
  };
  const post = (message: TabMessage) => effects.push({ type: 'post', message });
  const go = (phase: Phase, patch: Partial<Model> = {}) => {
    if (next.phase === 'taking-over') effects.push({ type: 'disarm', timer: 'takeover' });
    if (next.phase === 'relaying') effects.push({ type: 'disarm', timer: 'census' });
    if (next.phase === 'withdrawing') effects.push({ type: 'disarm', timer: 'linger' });
    set({ phase, ...patch });
  };
  /** The view ends with `state` (at once: no Disconnecting, as a socket that gave up). */
  const finish = (state: Disconnected) => {
    if (next.final) return;
    tell(state);
    // After a close the queue was discarded already.
    if (!next.closing) effects.push({ type: 'discard' });
    set({ final: true });
    effects.push({ type: 'end' });
  };
  const stop = () => {
    go('ended');
    effects.push({ type: 'stop' });
  };
  /** This tab's `state`, for the others: its own connection, or Connecting before it dialed. */
  const announce = () => {
    const s = next.source;
    post({
      type: 'state',
      from: self,
      epoch: next.epoch,
      stateVersion: s?.stateVersion ?? 0,
      retryVersion: s?.retryVersion ?? 0,
      state: stateToWire(s?.state ?? CONNECTING),
      retry: retryToWire(s?.retry ?? IDLE),
      protocol: s?.protocol ?? '',
    });
  };
  /** The connection the view showed went with its leader: a loss, as after any. */
  const lose = (state: Disconnected) => {
    set({ source: undefined });
    if (!next.final && !next.closing && isOpen(next.view)) {
      tell(state);
      set({ loss: state });
    }
  };
  const dial = () => {
    // No verdict from the one before came in time: what this tab handed it is in doubt (it may
    // have written it, then crashed), as a frame handed to a transport that then dies.
    effects.push({ type: 'orphan' });
    go('leading');
    effects.push({ type: 'dial' });
  };
  /** How long to wait for a verdict from now: to `settleBy`, within `linger`. */
  const lingerFor = (settleBy: number, floor: number) =>
    Math.min(Math.max(settleBy - now, floor), config.linger);
  /**
   * Closed with messages in flight (the latest deadline they carry: `until`): the leader writes
   * or refuses them, and says which (it reads them before this tab's leave), so this tab's part
   * ends once it has, or once none can be written any more: past their deadline, with time for
   * the last acknowledgement to arrive. A page going away cannot wait: they are in doubt, and
   * what waits behind them is reported.
   */
  const withdraw = (until: number | undefined, patch: Partial<Model> = {}) => {
    if (until !== undefined && next.departed) effects.push({ type: 'orphan' });
    if (until === undefined || next.departed) return stop();
    const settleBy = until + config.linger - config.relayWindow;
    go('withdrawing', { ...patch, settleBy, lingered: false });
    effects.push({ type: 'arm', timer: 'linger', delay: lingerFor(settleBy, 0) });
  };
  /**
   * The shared connection ended for good (gave up, or the policy said stop): so does this tab,
   * and every tab that follows it. `dialed`: this tab's own connection is still alive (it had
   * just taken over): it is closed before the lock goes.
   */
  const endAll = (state: Disconnected, dialed: boolean) => {
    finish(state);
    if (holds(next.phase)) {
      effects.push({
        type: 'announce-end',
        state: stateToWire(state),
        retry: retryToWire(next.source?.retry ?? IDLE),
      });
      if (dialed) {
        effects.push({ type: 'shut', code: undefined, reason: undefined });
        go('leaving');
        return;
      }
      effects.push({ type: 'release' });
    } else effects.push({ type: 'abandon' });
    stop();
  };

  const { phase } = model;
  switch (event.type) {
    case 'start':
      effects.push({ type: 'request' });
      post({ type: 'hello', from: self, epoch: next.epoch });
      break;

    case 'granted': {
      // Too late: this tab froze or ended while the grant was on its way.
      if (phase !== 'following') {
        effects.push({ type: 'release' });
        break;
      }
      // Epochs only grow: past the newest this tab heard of, and past the clock, for a leader
      // it never heard of (the clock is the same for every tab of a browser).
      const epoch = Math.max(model.epoch + 1, Math.floor(now));
      const wait = config.takeoverDelay > 0;
      lose(LOST);
      // What is in flight to the one before stays so until its verdict (its `bye` or `end`
      // may come after the grant: the lock and the channel are different pipes) or the dial.
      effects.push({ type: 'reset-relay' });
      set({
        epoch,
        leader: self,
        predecessor:
          model.leader === undefined ? undefined : { id: model.leader, epoch: model.epoch },
      });
      announce();
      if (wait) {
        go('taking-over');
        effects.push({ type: 'arm', timer: 'takeover', delay: config.takeoverDelay });
      } else dial();
      break;
    }

    case 'timer':
      if (event.timer === 'takeover' && phase === 'taking-over') dial();
      else if (event.timer === 'census' && phase === 'relaying') effects.push({ type: 'census' });
      else if (event.timer === 'linger' && phase === 'withdrawing') {
        if (model.settleBy === Number.POSITIVE_INFINITY) {
          // Without deadlines nothing says the leader will not write them yet: in doubt, as
          // after a crash (onError heard why); what waits behind them is reported.
          effects.push({ type: 'orphan' });
        } else if (now < model.settleBy && !model.lingered) {
          // Early by the wall clock, which the leader reads: it was set back meanwhile. Once
          // more, at most `linger`: a clock set back far must not keep the tab for hours.
          set({ lingered: true });
          effects.push({ type: 'arm', timer: 'linger', delay: lingerFor(model.settleBy, 0) });
          break;
        } else {
          // No verdict, and no message in flight can be written any more: the leader vanished
          // (or is stuck). Those it did not acknowledge are reported.
          effects.push({ type: 'requeue', next: undefined });
        }
        stop();
      }
      break;

    case 'settled':
      if (phase === 'withdrawing') stop();
      break;

    case 'own': {
      const { source, ended } = event;
      if (phase === 'leaving') {
        if (!ended) break;
        effects.push({ type: 'release' });
        stop();
      } else if (phase === 'leading' || phase === 'relaying') {
        set({ source });
        if (ended) endAll(source.state as Disconnected, false);
        else announce();
      }
      break;
    }

    case 'heard': {
      const m = event.message;
      switch (m.type) {
        case 'hello':
          if (phase === 'leaving') effects.push({ type: 'bye' });
          else if (holds(phase) && m.epoch > model.epoch) {
            // That tab knows a newer epoch than this leader's, which was granted the lock without
            // hearing of it (grants within one millisecond), and ignores it. Before it dials, it
            // takes a newer one; once it has, it cannot without cutting its followers' streams,
            // and an answer would only be ignored again.
            if (phase === 'taking-over') {
              set({ epoch: m.epoch + 1 });
              announce();
            }
          } else if (holds(phase)) announce();
          break;
        case 'state': {
          if (!follows(phase)) break;
          if (m.epoch < model.epoch) {
            // Older than the newest this tab heard of: a late word of a leader gone, or a leader
            // granted the lock without hearing of the newer epoch; this tells the latter.
            if (m.from !== model.leader) post({ type: 'hello', from: self, epoch: model.epoch });
            break;
          }
          // Two leaders with one epoch: the second was granted the lock before it heard of the
          // first, in the same millisecond. The one that speaks last is the one alive (the other
          // let go of the lock); asking `hello` makes sure it speaks.
          const tie = m.epoch === model.epoch && m.from !== model.leader;
          if (tie) post({ type: 'hello', from: self, epoch: next.epoch });
          if (m.epoch > model.epoch || model.leader === undefined || tie) {
            // The one before is gone without a word (or its `bye` was heard already).
            if (model.leader !== undefined) {
              lose(LOST);
              effects.push({ type: 'orphan' });
            }
            set({ epoch: m.epoch, leader: m.from, source: heard(m, undefined) });
          } else if (m.from === model.leader && model.source) {
            const s = model.source;
            if (m.stateVersion > s.stateVersion || m.retryVersion > s.retryVersion) {
              set({ source: heard(m, s) });
            }
          } else if (m.from === model.leader) set({ source: heard(m, undefined) });
          break;
        }
        case 'reconnect':
          if (phase === 'leading' && m.epoch === model.epoch) effects.push({ type: 'retry-now' });
          break;
        case 'leave':
          if (holds(phase)) effects.push({ type: 'forget', tab: m.from });
          if (phase === 'relaying') effects.push({ type: 'census' });
          break;
        case 'bye':
          if (phase === 'taking-over' && fromPredecessor(model, m.from, m.epoch)) {
            // The verdict on what this tab had in flight to it: the rest goes out on the new
            // connection, in order (nothing newer has been written yet).
            effects.push({ type: 'requeue', next: m.next[self] });
            break;
          }
          if (!heardFrom(model, m.from, m.epoch)) break;
          if (follows(phase)) {
            lose(LEFT);
            effects.push({ type: 'requeue', next: m.next[self] });
          } else if (phase === 'withdrawing') {
            // It writes nothing more: its bye is the verdict.
            effects.push({ type: 'requeue', next: m.next[self] });
            stop();
          }
          break;
        case 'end': {
          if (phase === 'withdrawing' && heardFrom(model, m.from, m.epoch)) {
            effects.push({ type: 'requeue', next: m.next[self] });
            stop();
            break;
          }
          const fromLeader = follows(phase) && m.from === model.leader && m.epoch === model.epoch;
          const fromOneBefore =
            (phase === 'taking-over' || phase === 'leading') &&
            fromPredecessor(model, m.from, m.epoch);
          if (fromLeader || fromOneBefore) {
            const state = stateFromWire(m.state) as Disconnected;
            // What it did not write goes back to the queue, which the end reports, as a local
            // socket that gave up reports its queue (after the dial, nothing is in flight).
            effects.push({ type: 'requeue', next: m.next[self] });
            if (fromLeader) {
              // Its last retry state says why (the error of the attempt that gave up).
              set({
                source: {
                  state,
                  retry: retryFromWire(m.retry),
                  protocol: '',
                  stateVersion: Number.POSITIVE_INFINITY,
                  retryVersion: Number.POSITIVE_INFINITY,
                },
              });
            }
            endAll(state, phase === 'leading');
          }
          break;
        }
        // Frames, sends and their acknowledgements are the shell's hot path.
        default:
          break;
      }
      break;
    }

    case 'census':
      if (phase !== 'relaying') break;
      if (event.waiting > 0) {
        effects.push({ type: 'arm', timer: 'census', delay: config.censusInterval });
        break;
      }
      // The last tab let go: the connection closes, with the code this tab's user gave.
      effects.push(
        { type: 'bye' },
        { type: 'shut', code: model.closing?.code, reason: model.closing?.reason },
      );
      go('leaving');
      break;

    case 'close':
      if (model.final || model.closing) break;
      set({ closing: { code: event.code, reason: event.reason } });
      effects.push({ type: 'discard' });
      if (follows(phase)) {
        effects.push({ type: 'abandon' });
        post({ type: 'leave', from: self });
        withdraw(event.inFlightUntil);
      } else if (phase === 'taking-over') {
        // The next one waits the takeover delay: the old leader's connection may still be closing.
        effects.push({ type: 'release' });
        // What it had in flight to the one before still waits for that one's verdict.
        const before = model.predecessor;
        if (before) withdraw(event.inFlightUntil, { leader: before.id, epoch: before.epoch });
        else stop();
      } else if (phase === 'leading') {
        go('relaying');
        effects.push({ type: 'census' });
      }
      break;

    case 'reconnect':
      if (phase === 'leading') effects.push({ type: 'retry-now' });
      else if (phase === 'following' && model.leader !== undefined) {
        post({ type: 'reconnect', from: self, epoch: model.epoch });
      }
      break;

    case 'signal':
      switch (event.signal) {
        case 'leave':
          // The page goes away with its connection and its lock; the others need to know now.
          if (follows(phase)) {
            // Out of the lock's queue too: a page going away must not be handed the lock.
            effects.push({ type: 'abandon' });
            post({ type: 'leave', from: self });
            set({ departed: true });
          } else if (phase === 'withdrawing') {
            // No time to wait for a verdict: the leader writes what reached it, unreported; what
            // waits behind it was never handed over, and is reported.
            effects.push({ type: 'orphan' });
            stop();
          } else if (phase === 'taking-over') {
            // Nothing dialled, so nothing to wait for; the one before's verdict cannot reach a
            // page going away: what it had in flight is in doubt, what waits behind it is reported.
            effects.push({ type: 'bye' }, { type: 'orphan' }, { type: 'release' });
            stop();
          } else if (phase === 'leading' || phase === 'relaying') {
            // The browser would close the connection as the page goes, but only as its
            // document is torn down, which in Chromium may come after the lock has passed on:
            // closing it now lets the server hear it go first.
            effects.push(
              { type: 'bye' },
              { type: 'shut', code: model.closing?.code ?? 1000, reason: model.closing?.reason },
            );
            go('leaving');
          }
          break;
        case 'freeze':
          // Withdrawing: frozen, its timer and the verdict's message wait alike; as the page
          // resumes, either may run first, so the verdict is given time to arrive then.
          if (phase === 'withdrawing') effects.push({ type: 'disarm', timer: 'linger' });
          // A frozen tab cannot lead, nor be handed the lock: step down and out of the queue.
          else if (phase === 'following') {
            effects.push({ type: 'abandon' });
            go('frozen');
          } else if (phase === 'leaving') {
            // Frozen, it would hold the lock for nobody: the next leader's takeover delay
            // covers the connection that is still closing.
            effects.push({ type: 'release' });
            stop();
          } else if (phase === 'taking-over' || phase === 'leading' || phase === 'relaying') {
            // It cannot wait for its connection to close while frozen: the next leader's
            // takeover delay covers that.
            effects.push(
              { type: 'bye' },
              { type: 'shut', code: undefined, reason: undefined },
              { type: 'release' },
            );
            if (phase === 'relaying') stop();
            else {
              // Taking over: the one before's verdict no longer counts once frozen: in doubt.
              if (phase === 'taking-over') effects.push({ type: 'orphan' });
              lose(LEFT);
              go('frozen', { leader: undefined, predecessor: undefined });
            }
          }
          break;
        case 'resume':
          if (phase === 'withdrawing') {
            const margin = config.linger - config.relayWindow;
            effects.push({
              type: 'arm',
              timer: 'linger',
              delay: lingerFor(model.settleBy, margin),
            });
          } else if (phase === 'frozen') {
            go('following');
            effects.push({ type: 'request' });
            post({ type: 'hello', from: self, epoch: next.epoch });
          }
          break;
      }
      break;

    case 'continue':
      break;
  }

  // One state per step; what follows waits until listeners heard it.
  if (told === undefined && !next.final) {
    if (next.closing) {
      if (isOpen(next.view)) tell(DISCONNECTING);
      else finish(new Disconnected({ code: next.closing.code, reason: next.closing.reason }));
    } else {
      const state = target(next);
      if (state) tell(state);
    }
  }
  if (!next.final && (next.closing || target(next))) effects.push({ type: 'continue' });
  // What waited goes out as soon as there is somewhere to send it (the view opened, the tab
  // woke up), before anyone hears of it: older messages first, as in the core.
  const to = route(next);
  if (to !== route(model) && (to === 'own' || to === 'leader')) effects.push({ type: 'flush' });
  return { model: next, state: told, effects };
};

/** Whether a frame of the leader reaches this tab's listeners. */
export const hearsFrame = (m: Model, from: string, epoch: number): boolean =>
  follows(m.phase) && from === m.leader && epoch === m.epoch && isOpen(m.view);

/** Whether this tab, as the leader, writes a follower's message meant for `epoch`. */
export const relays = (m: Model, epoch: number): boolean =>
  (m.phase === 'leading' || m.phase === 'relaying') && epoch === m.epoch;

/** Whether a message comes from the leader this tab's messages in flight were handed to. */
const heardFrom = (m: Model, from: string, epoch: number): boolean =>
  from === m.leader && epoch === m.epoch;

/** Whether a message comes from the leader this tab took over from. */
const fromPredecessor = (m: Model, from: string, epoch: number): boolean =>
  from === m.predecessor?.id && epoch === m.predecessor.epoch;

/**
 * Whether an acknowledgement or a refusal comes from the leader this tab's messages in flight
 * went to: the one it follows, the one it waits on once closed, or the one it is taking over from.
 */
export const fromLeader = (m: Model, from: string, epoch: number): boolean =>
  ((follows(m.phase) || m.phase === 'withdrawing') && heardFrom(m, from, epoch)) ||
  (m.phase === 'taking-over' && fromPredecessor(m, from, epoch));

/**
 * Where a message this tab sends goes: its own connection, the leader's (over the channel), the
 * queue (nothing open is known), or nowhere (closed).
 */
export const route = (m: Model): 'own' | 'leader' | 'queue' | 'refuse' => {
  if (m.closing || m.final) return 'refuse';
  if (!isOpen(m.view)) return 'queue';
  return m.phase === 'leading' ? 'own' : m.phase === 'following' ? 'leader' : 'queue';
};

/** The protocol the server chose, while the view is open; '' otherwise (as a local socket). */
export const protocolOf = (m: Model): string => (isOpen(m.view) ? (m.source?.protocol ?? '') : '');

export const roleOf = (m: Model): Role => (holds(m.phase) ? 'leader' : 'follower');

/** The view's retry state; `previous` itself when nothing in it changed. */
export const retryOf = (m: Model, previous: RetryState): RetryState => {
  const { view, source } = m;
  let next: RetryState;
  if (m.final) {
    next = {
      ...IDLE,
      lastClose: view as Disconnected,
      lastError: source?.retry.lastError ?? previous.lastError,
    };
  } else if (
    (view.type === 'disconnected' || view.type === 'reconnecting') &&
    (!source || (source.state.type === 'connecting' && source.retry.phase === 'idle'))
  ) {
    // Between leaders, or a new leader's first attempt: for this tab, the retry after a loss.
    next = {
      phase: 'dialing',
      attempt: 1,
      retryAt: undefined,
      lastClose: m.loss,
      lastError: undefined,
    };
  } else next = source?.retry ?? IDLE;
  return next.phase === previous.phase &&
    next.attempt === previous.attempt &&
    next.retryAt === previous.retryAt &&
    next.lastClose === previous.lastClose &&
    next.lastError === previous.lastError
    ? previous
    : Object.isFrozen(next)
      ? next
      : Object.freeze(next);
};
