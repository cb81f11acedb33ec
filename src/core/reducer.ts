import type { EnvironmentSignal } from './environment';
import { ConnectTimeoutError } from './errors';
import {
  CONNECTED,
  CONNECTING,
  type ConnectionState,
  DISCONNECTING,
  Disconnected,
  RECONNECTED,
  RECONNECTING,
} from './states';

/**
 * The one place that decides what the socket does. `reduce` is pure: (model, event) → the next
 * model, the state to tell listeners (at most one per step) and the effects for the shell to
 * run. It never calls user code; where a decision needs it (the URL provider, `onOpen`,
 * `shouldReconnect`, the backoff) it asks with an effect and hears the answer as a later event.
 */

/** Every timer the socket owns, by name; a phase owns some and leaving it cancels them. */
export type TimerName =
  /** The connect timeout of the attempt in flight (handshake and `onOpen`). */
  | 'attempt'
  /** An error event waits this long for its close event (Node 22's undici sends none). */
  | 'error'
  /** The backoff delay between failed attempts. */
  | 'backoff'
  /** While offline: the rest of the give-up budget. */
  | 'give-up'
  /** Open and idle: when the link is due for a probe. */
  | 'heartbeat'
  /** A probe is out: when the link is declared dead. */
  | 'probe'
  /** Disconnecting: the most the closing handshake may take. */
  | 'closing';

export type Phase =
  /** An attempt: the URL is being resolved or the transport is opening. */
  | 'dialing'
  /** The transport opened; `onOpen` runs before the socket counts as open. */
  | 'gating'
  /** Open; the heartbeat (if any) waits for the link to go quiet. */
  | 'open'
  /** Open; a probe is out. */
  | 'probing'
  /** The policy (`shouldReconnect`, `shouldRetry`) decides about a loss or a failed attempt. */
  | 'asking'
  /** A transient Disconnected was told; Reconnecting and the retry follow. */
  | 'lost'
  /** A backoff delay runs. */
  | 'waiting'
  /** Offline: no attempt until the network is back (or the budget runs out). */
  | 'paused'
  /** Disconnecting: the closing handshake runs. */
  | 'closing'
  | 'ended';

const OWNS: Record<Phase, readonly TimerName[]> = {
  dialing: ['attempt', 'error'],
  gating: ['attempt', 'error'],
  open: ['heartbeat', 'error'],
  probing: ['probe', 'error'],
  asking: [],
  lost: [],
  waiting: ['backoff'],
  paused: ['give-up'],
  closing: ['closing'],
  ended: [],
};

export interface Config {
  /** Per attempt, handshake and `onOpen`. */
  readonly timeout: number;
  /** Give up when the summed backoff delays of one outage reach this. */
  readonly budget: number;
  readonly minUptime: number;
  /** The most `close()` waits for the closing handshake. */
  readonly closeGrace: number;
  /** How long an error event waits for its close event. */
  readonly errorGrace: number;
  /** The heartbeat's idle interval; undefined without a heartbeat. */
  readonly interval: number | undefined;
  /** How long a probe waits for life. */
  readonly probeTimeout: number;
  /** `onOpen` is set: an open transport is gated before it counts. */
  readonly gated: boolean;
  /** `shouldReconnect` is set: asked after a loss. */
  readonly askOnClose: boolean;
  /** `shouldRetry` is set: asked after a failed attempt. */
  readonly askOnFailure: boolean;
}

/** What the phase is about: the loss or failure being asked about, the retry that follows, the close. */
type Pending =
  | {
      readonly kind: 'loss';
      readonly code: number;
      readonly reason: string;
      readonly stable: boolean;
    }
  | { readonly kind: 'failure'; readonly error: unknown }
  | { readonly kind: 'retry'; readonly dial: boolean }
  | {
      readonly kind: 'close';
      readonly code: number | undefined;
      readonly reason: string | undefined;
    }
  /** An error event waiting for its close event. */
  | { readonly kind: 'error'; readonly error: unknown };

export interface Model {
  /** The public state, one of the seed's six. */
  readonly state: ConnectionState;
  readonly phase: Phase;
  /**
   * The attempt that owns the transport, the URL provider and the gate in flight. Events of an
   * older attempt carry an older number and are ignored.
   */
  readonly attempt: number;
  /** Attempts since the connection was last stable: 1 is the retry right after a loss. */
  readonly tries: number;
  /** Backoff delays summed in this outage: the give-up budget spent. */
  readonly spent: number;
  /** When the current connection opened (scheduler clock). */
  readonly openedAt: number;
  /** The heartbeat runs on the current link. */
  readonly beats: boolean;
  /** The sub-protocol of the open link; kept after a client close, '' after a loss (as the seed). */
  readonly protocol: string;
  /** While waiting: when the next attempt starts (scheduler clock). */
  readonly retryAt: number | undefined;
  /** The error of the latest failed attempt. */
  readonly lastError: unknown;
  /** The latest Disconnected told, transient or final. */
  readonly lastClose: Disconnected | undefined;
  readonly pending: Pending | undefined;
}

/** What the shell knows when a step runs, gathered once per step. */
export interface Facts {
  /** The scheduler's clock. */
  readonly now: number;
  /** The environment's word on the network (true without one). */
  readonly online: boolean;
  /** Milliseconds since the current link was last heard from. */
  readonly idle: number;
  /** Anything arrived since the last probe. */
  readonly answered: boolean;
  /** The current link can be probed (an app-level ping or a protocol ping). */
  readonly canProbe: boolean;
}

/** Events that name an attempt are ignored unless it is the current one. */
export type Event =
  | { readonly type: 'start' }
  /** The URL provider answered for `attempt`. */
  | { readonly type: 'url'; readonly attempt: number; readonly url: string }
  /** The attempt failed before it opened: provider, constructor or `onOpen` threw or rejected. */
  | { readonly type: 'failed'; readonly attempt: number; readonly error: unknown }
  | {
      readonly type: 'opened';
      readonly attempt: number;
      /** The heartbeat runs on this link. */
      readonly beats: boolean;
      readonly protocol: string;
    }
  /** `onOpen` resolved; `ready`: the transport is still OPEN. */
  | {
      readonly type: 'gated';
      readonly attempt: number;
      readonly ready: boolean;
      readonly protocol: string;
    }
  | {
      readonly type: 'closed';
      readonly attempt: number;
      readonly code?: number | undefined;
      readonly reason?: string | undefined;
    }
  /** An error event, and the transport's readyState when it came. */
  | {
      readonly type: 'errored';
      readonly attempt: number;
      readonly error: unknown;
      readonly readyState: number;
    }
  /** The policy's answer to `ask`. */
  | { readonly type: 'answer'; readonly retry: boolean }
  /** The backoff delay the shell armed for `wait`. */
  | { readonly type: 'armed'; readonly delay: number }
  /** The backoff had no delay to give (its `next()` threw): no more attempts. */
  | { readonly type: 'exhausted' }
  | { readonly type: 'timer'; readonly timer: TimerName }
  | {
      readonly type: 'close';
      readonly code?: number | undefined;
      readonly reason?: string | undefined;
    }
  | { readonly type: 'reconnect' }
  | { readonly type: 'signal'; readonly signal: EnvironmentSignal }
  /** Listeners heard the transient Disconnected: go on with Reconnecting. */
  | { readonly type: 'continue' };

export type Effect =
  /** Resolve the URL for `attempt` (user code), then report `url` or `failed`. */
  | { readonly type: 'dial'; readonly attempt: number }
  /** Construct the transport for `attempt`. */
  | { readonly type: 'connect'; readonly attempt: number; readonly url: string }
  /** Run `onOpen` (user code), then report `gated` or `failed`. */
  | { readonly type: 'gate'; readonly attempt: number }
  /** The link is open: take its protocol, flush the queue into it. */
  | { readonly type: 'ready' }
  /** Send a probe and start listening for its answer. */
  | { readonly type: 'probe' }
  /** Start the closing handshake of the open link; it stays attached. */
  | {
      readonly type: 'shut';
      readonly code: number | undefined;
      readonly reason: string | undefined;
    }
  /** Detach the current link and tear it down at once. */
  | { readonly type: 'abort' }
  | { readonly type: 'arm'; readonly timer: TimerName; readonly delay: number }
  | { readonly type: 'disarm'; readonly timer: TimerName }
  /** Arm 'backoff' for `backoff.next()` (user code) and report `armed`. */
  | { readonly type: 'wait' }
  | { readonly type: 'reset' }
  /** Ask the policy (user code) and report `answer`. */
  | {
      readonly type: 'ask';
      readonly close?: { readonly code: number; readonly reason: string } | undefined;
      readonly failure?: { readonly error: unknown } | undefined;
    }
  /** Report each queued message as dropped (`onDrop`, user code). */
  | { readonly type: 'discard' }
  /** After listeners heard this step's state: feed `continue`. */
  | { readonly type: 'continue' }
  /** After listeners heard the final state: stop the environment, complete the streams. */
  | { readonly type: 'end' };

export interface Step {
  readonly model: Model;
  /** The state listeners are told of, if it changed. */
  readonly state: ConnectionState | undefined;
  readonly effects: readonly Effect[];
}

export const initialModel: Model = {
  state: CONNECTING,
  phase: 'ended',
  attempt: 0,
  tries: 0,
  spent: 0,
  openedAt: 0,
  beats: false,
  protocol: '',
  retryAt: undefined,
  lastError: undefined,
  lastClose: undefined,
  pending: undefined,
};

const attempting = (phase: Phase) => phase === 'dialing' || phase === 'gating';
const linked = (phase: Phase) => attempting(phase) || phase === 'open' || phase === 'probing';

const UNCHANGED: readonly Effect[] = [];

export const reduce = (model: Model, event: Event, config: Config, facts: Facts): Step => {
  // A late event of an older attempt (its transport, URL provider or gate): ignored.
  if ('attempt' in event && event.attempt !== model.attempt) {
    return { model, state: undefined, effects: UNCHANGED };
  }
  const { now } = facts;
  let next = model;
  let told: ConnectionState | undefined;
  const effects: Effect[] = [];
  const set = (patch: Partial<Model>) => {
    next = { ...next, ...patch };
  };
  const tell = (state: ConnectionState) => {
    told = state;
    set({ state, ...(state instanceof Disconnected ? { lastClose: state } : {}) });
  };
  /** Enters `phase`: a timer lives as long as the phases that own it (dialing → gating keeps the connect timeout). */
  const go = (phase: Phase, patch: Partial<Model> = {}) => {
    for (const timer of OWNS[next.phase]) {
      if (!OWNS[phase].includes(timer)) effects.push({ type: 'disarm', timer });
    }
    set({ phase, pending: undefined, ...patch });
  };
  const arm = (timer: TimerName, delay: number) => effects.push({ type: 'arm', timer, delay });

  const dial = () => {
    const attempt = next.attempt + 1;
    go('dialing', {
      attempt,
      tries: next.state.type === 'connecting' ? 0 : next.tries + 1,
      retryAt: undefined,
    });
    arm('attempt', config.timeout);
    effects.push({ type: 'dial', attempt });
  };
  const wait = () => {
    go('waiting');
    effects.push({ type: 'wait' });
  };
  const pause = () => {
    go('paused', { retryAt: undefined });
    if (config.budget < Number.POSITIVE_INFINITY) {
      arm('give-up', Math.max(0, config.budget - next.spent));
    }
  };
  const end = (state: Disconnected) => {
    effects.push({ type: 'abort' });
    go('ended', { retryAt: undefined });
    tell(state);
    effects.push({ type: 'end' });
  };
  const giveUp = () => end(new Disconnected({ code: 1006, reason: 'connection timeout' }));
  const open = (beats: boolean, protocol: string) => {
    tell(next.state.type === 'connecting' ? CONNECTED : RECONNECTED);
    go('open', { openedAt: now, beats, protocol, retryAt: undefined, lastError: undefined });
    effects.push({ type: 'ready' });
    if (beats && config.interval !== undefined) arm('heartbeat', config.interval);
  };
  const probe = () => {
    go('probing');
    effects.push({ type: 'probe' });
    arm('probe', config.probeTimeout);
  };
  /** The heartbeat's check: probe a link that went quiet, or look again when it would be. */
  const beat = (idle: number) => {
    const interval = config.interval;
    if (interval === undefined || !next.beats) go('open');
    else if (idle < interval) {
      go('open');
      arm('heartbeat', interval - idle);
    } else probe();
  };

  /** The retry after a loss or an initial failure: tell Reconnecting once listeners heard the loss. */
  const retryAfter = (state: Disconnected, dial: boolean) => {
    tell(state);
    go('lost', { pending: { kind: 'retry', dial } });
    effects.push({ type: 'continue' });
  };
  const lose = (retry: boolean, code: number, reason: string, stable: boolean) => {
    if (stable) {
      set({ spent: 0, tries: 0 });
      effects.push({ type: 'reset' });
    }
    const state = new Disconnected({ code, reason });
    if (!retry) end(state);
    else if (next.spent >= config.budget) giveUp();
    // A connection that did not stay up is no recovery: wait, so a flapping server meets a growing delay.
    else retryAfter(state, stable);
  };
  /** An open connection was lost. */
  const loss = (code: number, reason: string) => {
    effects.push({ type: 'abort' });
    set({ protocol: '' });
    const stable = now - next.openedAt >= config.minUptime;
    if (!config.askOnClose) return lose(true, code, reason, stable);
    go('asking', { pending: { kind: 'loss', code, reason, stable } });
    effects.push({ type: 'ask', close: { code, reason } });
  };
  const fail = (retry: boolean, error: unknown) => {
    set({ lastError: error });
    if (!retry) return end(new Disconnected({ error }));
    // A failed retry emits nothing (one Reconnecting per outage, as the seed); it waits the backoff.
    if (next.state.type !== 'connecting') return wait();
    if (next.spent >= config.budget) return giveUp();
    // The first failure is visible (the seed's Disconnected with the error); the retry is immediate.
    retryAfter(new Disconnected({ error }), true);
  };
  /** The attempt in flight failed. */
  const failure = (error: unknown) => {
    effects.push({ type: 'abort' });
    if (!config.askOnFailure) return fail(true, error);
    go('asking', { pending: { kind: 'failure', error } });
    effects.push({ type: 'ask', failure: { error } });
  };
  const heldError = () => (next.pending?.kind === 'error' ? next.pending.error : undefined);
  /** The closing handshake is over: the end carries the client's own code and reason. */
  const finish = () => {
    // Only the closing phase finishes, and it holds the close it was entered with.
    const { code, reason } = next.pending as Extract<Pending, { kind: 'close' }>;
    end(new Disconnected({ code, reason }));
  };
  /**
   * An error event. CLOSED (browsers): the transport is done, whatever follows. CLOSING (ws): its
   * close event follows and carries on. CONNECTING or OPEN (Node 22's undici): a close event may
   * never come, so it gets a short grace and then the transport counts as closed.
   */
  const errored = (error: unknown, readyState: number) => {
    if (next.phase === 'closing') return finish();
    if (readyState === 3) return attempting(next.phase) ? failure(error) : loss(1006, '');
    set({ pending: { kind: 'error', error } });
    if (readyState !== 2) arm('error', config.errorGrace);
  };

  const { phase } = model;
  switch (event.type) {
    case 'start':
      if (facts.online) dial();
      else pause();
      break;
    case 'url':
      if (phase === 'dialing')
        effects.push({ type: 'connect', attempt: model.attempt, url: event.url });
      break;
    case 'failed':
      if (attempting(phase)) failure(event.error);
      break;
    case 'opened':
      if (phase !== 'dialing') break;
      if (!config.gated) open(event.beats, event.protocol);
      else {
        go('gating', { beats: event.beats });
        effects.push({ type: 'gate', attempt: model.attempt });
      }
      break;
    case 'gated':
      // A transport that is closing by now is no connection: its close event fails the attempt.
      if (phase === 'gating' && event.ready) open(model.beats, event.protocol);
      break;
    case 'closed':
      if (phase === 'closing') finish();
      else if (attempting(phase)) failure(heldError());
      else if (linked(phase)) loss(event.code ?? 1006, event.reason ?? '');
      break;
    case 'errored':
      if (linked(phase) || phase === 'closing') errored(event.error, event.readyState);
      break;
    case 'answer': {
      // A loss or a failure is pending only while asking.
      const { pending } = model;
      if (pending?.kind === 'loss') lose(event.retry, pending.code, pending.reason, pending.stable);
      else if (pending?.kind === 'failure') fail(event.retry, pending.error);
      break;
    }
    case 'armed':
      if (phase === 'waiting')
        set({ spent: model.spent + event.delay, retryAt: now + event.delay });
      break;
    case 'exhausted':
      if (phase === 'waiting') giveUp();
      break;
    case 'continue':
      // A retry is pending only in the lost phase.
      if (model.pending?.kind === 'retry') {
        const { dial: now } = model.pending;
        tell(RECONNECTING);
        if (now) dial();
        else wait();
      }
      break;
    case 'timer':
      switch (event.timer) {
        case 'attempt':
          if (attempting(phase)) {
            failure(
              new ConnectTimeoutError(
                __DEV__ ? `No connection within ${config.timeout} ms.` : `${config.timeout}`,
              ),
            );
          }
          break;
        case 'error':
          if (attempting(phase)) failure(heldError());
          else if (phase === 'open' || phase === 'probing') loss(1006, '');
          break;
        case 'backoff':
          if (phase !== 'waiting') break;
          if (model.spent >= config.budget) giveUp();
          else if (!facts.online) pause();
          else dial();
          break;
        case 'give-up':
          if (phase === 'paused') giveUp();
          break;
        case 'heartbeat':
          if (phase === 'open') beat(facts.idle);
          break;
        case 'probe':
          if (phase !== 'probing') break;
          if (facts.answered) beat(facts.idle);
          else loss(1006, 'heartbeat timeout');
          break;
        case 'closing':
          if (phase === 'closing') finish();
          break;
      }
      break;
    case 'close':
      if (phase === 'closing' || phase === 'ended') break;
      if (phase === 'open' || phase === 'probing') {
        tell(DISCONNECTING);
        go('closing', { pending: { kind: 'close', code: event.code, reason: event.reason } });
        effects.push({ type: 'shut', code: event.code, reason: event.reason });
        arm('closing', config.closeGrace);
        effects.push({ type: 'discard' });
      } else end(new Disconnected({ code: event.code, reason: event.reason }));
      break;
    case 'reconnect':
      if (phase === 'waiting' || phase === 'paused') dial();
      break;
    case 'signal': {
      const { signal } = event;
      if (phase === 'open' || phase === 'probing') {
        // The link may have died unnoticed (sleep, a network change): ask it, where it can be asked.
        if (facts.canProbe) {
          if (phase === 'open') probe();
        } else if (signal === 'resume') loss(1006, 'woke from sleep');
      } else if (phase === 'waiting' || phase === 'paused') {
        if (signal === 'offline') {
          if (phase === 'waiting') pause();
        } else if (signal === 'online') {
          set({ spent: 0, tries: 0 });
          dial();
          effects.push({ type: 'reset' });
        } else if (facts.online) dial();
      }
      break;
    }
  }
  return { model: next, state: told, effects };
};

/** The socket will never be open again (closing or ended): no send, no reconnect. */
export const ending = (model: Model): boolean =>
  model.phase === 'closing' || model.phase === 'ended';

/**
 * Whether a message `send` was given is written to the link now (`linkReady`: it is OPEN) rather
 * than queued until the next open. The shell refuses it first if the socket is ending.
 */
export const writable = (model: Model, linkReady: boolean): boolean =>
  linkReady && (model.phase === 'open' || model.phase === 'probing');
