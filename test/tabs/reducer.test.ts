/**
 * The protocol between tabs as a pure function: each case feeds events to `reduce` and reads
 * the model, the state told and the effects, with no shell, channel or timer involved.
 */
import { describe, expect, it } from 'vitest';
import { Connected, type ConnectionState, Disconnected } from '../../src/core';
import { IDLE } from '../../src/core/retry-state';
import type { TabMessage, Written } from '../../src/tabs/protocol';
import {
  type Config,
  type Effect,
  type Event,
  fromLeader,
  hearsFrame,
  initialModel,
  LOST,
  type Model,
  reduce,
  retryOf,
  roleOf,
  route,
  type Source,
} from '../../src/tabs/reducer';
import { retryToWire, type StateWire, stateToWire } from '../../src/tabs/wire-state';

const config: Config = {
  self: 'me',
  takeoverDelay: 50,
  censusInterval: 5000,
  relayWindow: 3000,
  linger: 4000,
};
const NOW = 2_000_000;

/** Feeds `events` in order (and each `continue` the steps ask for); what happened. */
const run = (model: Model, ...events: Event[]) => {
  const told: ConnectionState[] = [];
  const effects: Effect[] = [];
  const queue = [...events];
  let m = model;
  for (let event = queue.shift(); event; event = queue.shift()) {
    const step = reduce(m, event, config, NOW);
    m = step.model;
    if (step.state) told.push(step.state);
    for (const effect of step.effects) {
      if (effect.type === 'continue') queue.push({ type: 'continue' });
      else effects.push(effect);
    }
  }
  return { model: m, told: told.map((s) => s.type), effects };
};

const state = (
  from: string,
  epoch: number,
  version: number,
  s: ConnectionState,
  retry = IDLE,
): Event => ({
  type: 'heard',
  message: {
    type: 'state',
    from,
    epoch,
    stateVersion: version,
    retryVersion: version,
    state: stateToWire(s),
    retry: retryToWire(retry),
    protocol: '',
  },
});
const heard = (message: TabMessage): Event => ({ type: 'heard', message });
/** A leader's `end`: its connection's final state, and what it wrote for each tab. */
const endFrom = (from: string, epoch: number, state: StateWire, next: Written): Event =>
  heard({ type: 'end', from, epoch, state, retry: retryToWire(IDLE), next });
const own = (s: ConnectionState, version: number, ended = false): Event => ({
  type: 'own',
  source: { state: s, retry: IDLE, protocol: '', stateVersion: version, retryVersion: 0 } as Source,
  ended,
});
const types = (effects: readonly Effect[]) => effects.map((e) => e.type);
const posted = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'post' ? [e.message.type] : []));

/** A follower of `leader` (epoch 100) whose view is connected. */
const following = (leader = 'L') =>
  run(initialModel, { type: 'start' }, state(leader, 100, 1, new Connected()));

describe('a follower', () => {
  it('joins: asks for the lock and says hello; mirrors the leader it hears', () => {
    const start = run(initialModel, { type: 'start' });
    expect(types(start.effects)).toEqual(['request', 'post']);
    expect(posted(start.effects)).toEqual(['hello']);
    const { model, told, effects } = following();
    expect(told).toEqual(['connected']);
    expect(model.leader).toBe('L');
    expect(model.epoch).toBe(100);
    // Opening flushes the queue before anyone hears of it.
    expect(types(effects)).toContain('flush');
    expect(route(model)).toBe('leader');
  });

  it('ignores a repeat of the same versions, and anything of an older epoch', () => {
    const { model } = following();
    expect(run(model, state('L', 100, 1, new Connected())).model).toBe(model);
    const late = run(
      model,
      state('OLD', 99, 7, new Disconnected({ code: 1006 })),
      heard({ type: 'bye', from: 'OLD', epoch: 99, next: {} }),
      endFrom('OLD', 99, { type: 'disconnected', code: 1008 }, {}),
    );
    expect(late.told).toEqual([]);
    expect(late.model).toBe(model);
    expect(hearsFrame(model, 'OLD', 99)).toBe(false);
    expect(hearsFrame(model, 'L', 100)).toBe(true);
  });

  it('a newer leader without a word from the old one: a loss (1006), orphans what was in flight', () => {
    const { model } = following();
    const {
      told,
      effects,
      model: next,
    } = run(model, state('N', 101, 0, { type: 'connecting' } as ConnectionState));
    expect(told).toEqual(['disconnected', 'reconnecting']);
    expect(types(effects)).toContain('orphan');
    expect(next.leader).toBe('N');
    expect(retryOf(next, IDLE)).toMatchObject({ phase: 'dialing', attempt: 1, lastClose: LOST });
    const back = run(next, state('N', 101, 1, new Connected()));
    expect(back.told).toEqual(['reconnected']);
  });

  it('a bye: a loss (1001), and the unwritten messages go back to the queue', () => {
    const { model } = following();
    const { told, effects } = run(
      model,
      heard({ type: 'bye', from: 'L', epoch: 100, next: { me: 7 } }),
    );
    expect(told).toEqual(['disconnected', 'reconnecting']);
    expect(effects).toContainEqual({ type: 'requeue', next: 7 });
  });

  it('a tie (two leaders, one epoch): the one that speaks last, and a hello to make it speak', () => {
    const { model } = following();
    const { effects, model: next } = run(model, state('T', 100, 0, new Connected()));
    expect(next.leader).toBe('T');
    expect(posted(effects)).toContain('hello');
  });

  it('an end ends this tab too, with the leader’s Disconnected; what it did not write is reported', () => {
    const { model } = following();
    const {
      told,
      effects,
      model: next,
    } = run(
      model,
      endFrom(
        'L',
        100,
        { type: 'disconnected', code: 4008, reason: 'policy' },
        { me: 4, other: 9 },
      ),
    );
    expect(told).toEqual(['disconnected']);
    expect(next.final).toBe(true);
    expect(next.phase).toBe('ended');
    // Back to the queue from 4 on, which the end then reports, older messages first.
    expect(effects.slice(0, 2)).toEqual([{ type: 'requeue', next: 4 }, { type: 'discard' }]);
    expect(types(effects)).toEqual(['requeue', 'discard', 'end', 'abandon', 'stop']);
  });

  it('close: Disconnecting, then Disconnected with the code; leaves the queue and says leave', () => {
    const { model } = following();
    const { told, effects, model: next } = run(model, { type: 'close', code: 4000, reason: 'x' });
    expect(told).toEqual(['disconnecting', 'disconnected']);
    expect(next.view).toMatchObject({ code: 4000, reason: 'x' });
    expect(types(effects)).toEqual(['discard', 'abandon', 'post', 'stop', 'end']);
    expect(posted(effects)).toEqual(['leave']);
    expect(route(next)).toBe('refuse');
  });
});

describe('a follower that closes with messages in flight', () => {
  /** A follower of L (epoch 100) whose user just closed it while L had its messages. */
  /** Its last hand-over was at NOW, so its messages' deadline is NOW + relayWindow. */
  const withdrawing = () =>
    run(following().model, { type: 'close', inFlightUntil: NOW + config.relayWindow });
  const verdicts = (effects: Effect[]) => effects.filter((e) => e.type === 'requeue');

  it('ends its view at once, leaves the queue, and waits for the verdict, at most `linger`', () => {
    const { model, told, effects } = withdrawing();
    expect(told).toEqual(['disconnecting', 'disconnected']);
    expect(model.final).toBe(true);
    expect(model.phase).toBe('withdrawing');
    expect(model.settleBy).toBe(NOW + config.linger);
    expect(route(model)).toBe('refuse');
    // The queue is closed (its reports wait behind those in flight); no stop: it still listens.
    expect(types(effects)).toEqual(['discard', 'abandon', 'post', 'arm', 'end']);
    expect(posted(effects)).toEqual(['leave']);
    expect(effects).toContainEqual({ type: 'arm', timer: 'linger', delay: config.linger });
    // It hears the acknowledgements and refusals of the leader it handed them to, not frames.
    expect(fromLeader(model, 'L', 100)).toBe(true);
    expect(hearsFrame(model, 'L', 100)).toBe(false);
  });

  it('without messages in flight, its part ends at once', () => {
    const { model, effects } = run(following().model, { type: 'close' });
    expect(model.phase).toBe('ended');
    expect(types(effects)).toContain('stop');
  });

  it('a frozen follower closing with messages in flight waits for them too', () => {
    const frozen = run(following().model, { type: 'signal', signal: 'freeze' }).model;
    const closed = run(frozen, { type: 'close', inFlightUntil: NOW + config.relayWindow });
    expect(closed.model.phase).toBe('withdrawing');
  });

  it('every message settled (acknowledged or refused): its part ends', () => {
    const { effects, model } = run(withdrawing().model, { type: 'settled' });
    expect(model.phase).toBe('ended');
    expect(effects).toEqual([{ type: 'disarm', timer: 'linger' }, { type: 'stop' }]);
  });

  it("the leader's bye is the verdict: what it wrote, and no more", () => {
    const { effects, model, told } = run(
      withdrawing().model,
      heard({ type: 'bye', from: 'L', epoch: 100, next: { me: 3 } }),
    );
    expect(told).toEqual([]);
    expect(verdicts(effects)).toEqual([{ type: 'requeue', next: 3 }]);
    expect(model.phase).toBe('ended');
  });

  it("the leader's end is the verdict too", () => {
    const { effects, model, told } = run(
      withdrawing().model,
      endFrom('L', 100, { type: 'disconnected', code: 4008 }, {}),
    );
    expect(told).toEqual([]);
    // Nothing of this tab reached it: none of them was written.
    expect(verdicts(effects)).toEqual([{ type: 'requeue', next: undefined }]);
    expect(model.phase).toBe('ended');
  });

  it('a newer leader, or an older one, says nothing about messages handed to this one', () => {
    const start = withdrawing().model;
    const { model, effects, told } = run(
      start,
      state('N', 101, 1, new Connected()),
      heard({ type: 'bye', from: 'N', epoch: 101, next: { me: 9 } }),
      heard({ type: 'bye', from: 'OLD', epoch: 99, next: { me: 9 } }),
    );
    expect(model).toBe(start);
    expect(effects).toEqual([]);
    expect(told).toEqual([]);
    expect(fromLeader(model, 'N', 101)).toBe(false);
  });

  it('promoted while closing (a grant already on its way): lets go at once and keeps waiting', () => {
    const start = withdrawing().model;
    const { model, effects } = run(start, { type: 'granted' });
    expect(effects).toEqual([{ type: 'release' }]);
    expect(model).toBe(start);
    expect(roleOf(model)).toBe('follower');
  });

  it('no verdict by `settleBy`: none can be written any more, so each is reported', () => {
    const start = withdrawing().model;
    const due = reduce(start, { type: 'timer', timer: 'linger' }, config, NOW + config.linger);
    expect(due.effects).toEqual([
      { type: 'requeue', next: undefined },
      { type: 'disarm', timer: 'linger' },
      { type: 'stop' },
    ]);
  });

  it('waits past the deadline of its last hand-over, not from the close', () => {
    // Handed over at NOW, closed 2 s later: the leader may write it until NOW + relayWindow.
    const late = reduce(
      following().model,
      { type: 'close', inFlightUntil: NOW + config.relayWindow },
      config,
      NOW + 2000,
    );
    expect(late.model.settleBy).toBe(NOW + config.linger);
    expect(late.effects).toContainEqual({
      type: 'arm',
      timer: 'linger',
      delay: config.linger - 2000,
    });
    // The wall clock was set back 10 s between the hand-over and the close: it waits at most
    // `linger` at a time, never the whole set-back.
    const back = reduce(
      following().model,
      { type: 'close', inFlightUntil: NOW + config.relayWindow },
      config,
      NOW - 10_000,
    );
    expect(back.model.settleBy).toBe(NOW + config.linger);
    expect(back.effects).toContainEqual({ type: 'arm', timer: 'linger', delay: config.linger });
  });

  it('a wall clock set back while it waits: once more for the rest, then it reports', () => {
    const start = withdrawing().model;
    // The timer fired early by the wall clock, which the leader reads: it waits the rest, once.
    const early = reduce(start, { type: 'timer', timer: 'linger' }, config, NOW + 1000);
    expect(early.effects).toEqual([{ type: 'arm', timer: 'linger', delay: config.linger - 1000 }]);
    expect(early.model.lingered).toBe(true);
    expect(early.model.phase).toBe('withdrawing');
    // Set back again: a clock that keeps going back does not keep the tab.
    const again = reduce(early.model, { type: 'timer', timer: 'linger' }, config, NOW + 2000);
    expect(types(again.effects)).toEqual(['requeue', 'disarm', 'stop']);
  });

  it('without deadlines (the clocks disagree), nothing proves them unwritten: in doubt, not reported', () => {
    const start = run(following().model, {
      type: 'close',
      inFlightUntil: Number.POSITIVE_INFINITY,
    }).model;
    expect(start.phase).toBe('withdrawing');
    const { effects } = reduce(start, { type: 'timer', timer: 'linger' }, config, NOW + 10 ** 9);
    // Orphaned: taken from the outbox unreported; what waited behind them is reported.
    expect(types(effects)).toEqual(['orphan', 'disarm', 'stop']);
  });

  it('frozen while it waits: the timer stops; as the page resumes, the verdict gets time to arrive', () => {
    const start = withdrawing().model;
    const frozen = run(start, { type: 'signal', signal: 'freeze' });
    expect(frozen.effects).toEqual([{ type: 'disarm', timer: 'linger' }]);
    expect(frozen.model.phase).toBe('withdrawing');
    // Resumed long past settleBy: still the margin, for an acknowledgement already on its way.
    const margin = config.linger - config.relayWindow;
    const resumed = reduce(
      frozen.model,
      { type: 'signal', signal: 'resume' },
      config,
      NOW + 60_000,
    );
    expect(resumed.effects).toEqual([{ type: 'arm', timer: 'linger', delay: margin }]);
    // Resumed early: the rest of the wait.
    const soon = reduce(frozen.model, { type: 'signal', signal: 'resume' }, config, NOW + 500);
    expect(soon.effects).toEqual([{ type: 'arm', timer: 'linger', delay: config.linger - 500 }]);
  });

  it('its page goes away: no time to wait; what was never handed over is reported', () => {
    const { effects, model } = run(withdrawing().model, { type: 'signal', signal: 'leave' });
    expect(types(effects)).toEqual(['orphan', 'disarm', 'stop']);
    expect(model.phase).toBe('ended');
  });

  it('the leader it closed on answers nothing special: a leave only forgets the tab', () => {
    const { model } = run(
      initialModel,
      { type: 'start' },
      { type: 'granted' },
      { type: 'timer', timer: 'takeover' },
    );
    const { effects } = run(model, heard({ type: 'leave', from: 'F' }));
    expect(effects).toEqual([{ type: 'forget', tab: 'F' }]);
  });
});

describe('taking over', () => {
  it('after an unannounced leader: announce, then dial only after the takeover delay', () => {
    const { model } = following();
    const granted = run(model, { type: 'granted' });
    expect(granted.model.phase).toBe('taking-over');
    expect(granted.model.epoch).toBe(NOW);
    expect(granted.told).toEqual(['disconnected', 'reconnecting']);
    expect(granted.effects).toContainEqual({ type: 'arm', timer: 'takeover', delay: 50 });
    expect(types(granted.effects)).not.toContain('dial');
    expect(posted(granted.effects)).toEqual(['state']);
    // What it had in flight to the one before waited for a verdict; none came: in doubt now.
    expect(types(granted.effects)).not.toContain('orphan');
    const dialed = run(granted.model, { type: 'timer', timer: 'takeover' });
    expect(types(dialed.effects)).toEqual(['orphan', 'disarm', 'dial']);
    expect(dialed.model.phase).toBe('leading');
  });

  it("the one before's bye after the grant is still its verdict: the rest goes out on the new connection", () => {
    const granted = run(following().model, { type: 'granted' });
    const bye = run(granted.model, heard({ type: 'bye', from: 'L', epoch: 100, next: { me: 3 } }));
    expect(bye.effects).toEqual([{ type: 'requeue', next: 3 }]);
    expect(bye.model.phase).toBe('taking-over');
    // Its acknowledgements and refusals count until this tab dials; a stranger's never.
    expect(fromLeader(granted.model, 'L', 100)).toBe(true);
    expect(fromLeader(granted.model, 'X', 100)).toBe(false);
    const dialed = run(granted.model, { type: 'timer', timer: 'takeover' }).model;
    expect(fromLeader(dialed, 'L', 100)).toBe(false);
    // After the dial a bye says nothing: what was in flight is in doubt already.
    expect(run(dialed, heard({ type: 'bye', from: 'L', epoch: 100, next: {} })).effects).toEqual(
      [],
    );
  });

  it("the one before's end after the grant: what it did not write is reported with the end", () => {
    const granted = run(following().model, { type: 'granted' });
    const ended = run(
      granted.model,
      endFrom('L', 100, { type: 'disconnected', code: 4008, reason: 'policy' }, { me: 2 }),
    );
    expect(types(ended.effects).slice(0, 2)).toEqual(['requeue', 'discard']);
    expect(ended.effects[0]).toEqual({ type: 'requeue', next: 2 });
  });

  it('waits even after a clean bye: the server hears a closed connection go a moment late', () => {
    const { model } = following();
    const granted = run(model, heard({ type: 'bye', from: 'L', epoch: 100, next: {} }), {
      type: 'granted',
    });
    expect(granted.model.phase).toBe('taking-over');
    expect(granted.model.predecessor).toEqual({ id: 'L', epoch: 100 });
    expect(types(granted.effects)).not.toContain('dial');
  });

  it('an end of the leader before it ends this tab even while it takes over', () => {
    const { model } = following();
    const granted = run(model, { type: 'granted' });
    const ended = run(granted.model, endFrom('L', 100, { type: 'disconnected', code: 4008 }, {}));
    expect(ended.model.phase).toBe('ended');
    expect(types(ended.effects)).toContain('announce-end');
    expect(types(ended.effects)).toContain('release');
  });

  it('epochs only grow: past what it heard, even when the clock is behind', () => {
    const { model } = run(
      initialModel,
      { type: 'start' },
      state('L', NOW + 500, 1, new Connected()),
    );
    expect(run(model, { type: 'granted' }).model.epoch).toBe(NOW + 501);
  });

  it('a grant that comes too late (frozen, ended) is handed back', () => {
    const { model } = following();
    const frozen = run(model, { type: 'signal', signal: 'freeze' });
    expect(types(frozen.effects)).toEqual(['abandon']);
    expect(types(run(frozen.model, { type: 'granted' }).effects)).toEqual(['release']);
  });
});

describe('leading', () => {
  const leading = () => {
    const { model } = run(
      initialModel,
      { type: 'start' },
      { type: 'granted' },
      { type: 'timer', timer: 'takeover' },
      own({ type: 'connecting' } as ConnectionState, 1),
      own(new Connected(), 2),
    );
    return model;
  };

  it('mirrors its own connection, and announces each change', () => {
    const model = leading();
    expect(model.view.type).toBe('connected');
    expect(route(model)).toBe('own');
    const lost = run(model, own(new Disconnected({ code: 1006 }), 3));
    expect(lost.told).toEqual(['disconnected', 'reconnecting']);
    expect(posted(lost.effects)).toEqual(['state']);
  });

  it('answers hello with its state', () => {
    const hello = heard({ type: 'hello', from: 'F', epoch: 0 });
    expect(posted(run(leading(), hello).effects)).toEqual(['state']);
  });

  it('a tab that knows a newer epoch: taking over, it takes a newer one; leading, it stays quiet', () => {
    const granted = run(following().model, { type: 'granted' }).model;
    expect(granted.phase).toBe('taking-over');
    const newer = heard({ type: 'hello', from: 'F', epoch: granted.epoch + 5 });
    const bumped = run(granted, newer);
    expect(bumped.model.epoch).toBe(granted.epoch + 6);
    expect(posted(bumped.effects)).toEqual(['state']);
    expect(bumped.effects).toContainEqual({
      type: 'post',
      message: expect.objectContaining({ type: 'state', epoch: granted.epoch + 6 }),
    });
    const model = leading();
    const quiet = run(model, heard({ type: 'hello', from: 'F', epoch: model.epoch + 1 }));
    expect(quiet.effects).toEqual([]);
    expect(quiet.model.epoch).toBe(model.epoch);
  });

  it('a follower that hears an older epoch from another tab tells it the newest it knows', () => {
    const { model } = following(); // of L, epoch 100
    const old = run(model, state('X', 99, 1, new Connected()));
    expect(old.effects).toEqual([
      { type: 'post', message: { type: 'hello', from: 'me', epoch: 100 } },
    ]);
    expect(old.model).toBe(model);
    // From its own leader (a late copy) it says nothing.
    expect(run(model, state('L', 99, 1, new Connected())).effects).toEqual([]);
  });

  it('close: relays while tabs wait, counts them again later, and goes when none does', () => {
    const model = leading();
    const closed = run(model, { type: 'close', code: 4001, reason: 'done' });
    expect(closed.told).toEqual(['disconnecting', 'disconnected']);
    expect(closed.model.phase).toBe('relaying');
    expect(types(closed.effects)).toContain('census');
    const waiting = run(closed.model, { type: 'census', waiting: 2 });
    expect(waiting.effects).toEqual([{ type: 'arm', timer: 'census', delay: 5000 }]);
    const none = run(waiting.model, { type: 'census', waiting: 0 });
    expect(none.effects).toEqual([
      { type: 'bye' },
      { type: 'shut', code: 4001, reason: 'done' },
      { type: 'disarm', timer: 'census' },
    ]);
    const ended = run(none.model, own(new Disconnected({ code: 4001 }), 9, true));
    expect(types(ended.effects)).toEqual(['release', 'stop']);
  });

  it('its connection ended by itself: end for every tab, then let go', () => {
    const { effects, told } = run(leading(), own(new Disconnected({ code: 4008 }), 3, true));
    expect(told).toEqual(['disconnected']);
    expect(effects).toContainEqual({
      type: 'announce-end',
      state: stateToWire(new Disconnected({ code: 4008 })),
      retry: retryToWire(IDLE),
    });
    expect(types(effects)).toEqual(['discard', 'end', 'announce-end', 'release', 'stop']);
  });

  it('a page that goes away says bye, closes its connection and stops leading', () => {
    const { effects, model } = run(leading(), { type: 'signal', signal: 'leave' });
    expect(effects).toEqual([{ type: 'bye' }, { type: 'shut', code: 1000, reason: undefined }]);
    expect(model.phase).toBe('leaving');
  });

  it('a freeze: bye, close its connection, let go at once, and follow after resume', () => {
    const frozen = run(leading(), { type: 'signal', signal: 'freeze' });
    expect(types(frozen.effects)).toEqual(['bye', 'shut', 'release']);
    expect(frozen.told).toEqual(['disconnected', 'reconnecting']);
    const resumed = run(frozen.model, { type: 'signal', signal: 'resume' });
    expect(types(resumed.effects)).toEqual(['request', 'post']);
    expect(resumed.model.phase).toBe('following');
  });

  it('once closed, refuses its own sends while it relays for the others', () => {
    const closed = run(leading(), { type: 'close' }).model;
    expect(route(closed)).toBe('refuse');
    expect(closed.phase).toBe('relaying');
    expect(closed.view).toMatchObject({ type: 'disconnected', code: undefined });
  });
});
