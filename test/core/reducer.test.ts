import { describe, expect, it } from 'vitest';
import { ConnectTimeoutError, Disconnected } from '../../src/core';
import {
  type Config,
  type Effect,
  type Event,
  type Facts,
  initialModel,
  type Model,
  type Phase,
  reduce,
} from '../../src/core/reducer';
import {
  CONNECTED,
  CONNECTING,
  DISCONNECTING,
  RECONNECTED,
  RECONNECTING,
} from '../../src/core/states';

const config: Config = {
  timeout: 1000,
  budget: 5000,
  minUptime: 100,
  closeGrace: 500,
  errorGrace: 50,
  interval: undefined,
  probeTimeout: 200,
  gated: false,
  askOnClose: false,
  askOnFailure: false,
};
const facts: Facts = { now: 0, online: true, idle: 0, answered: false, canProbe: false };

/** Runs events in order from the initial model; returns every step. */
const run = (events: Event[], c: Partial<Config> = {}, f: Partial<Facts> = {}) => {
  let model: Model = initialModel;
  return events.map((event) => {
    const step = reduce(model, event, { ...config, ...c }, { ...facts, ...f });
    model = step.model;
    return step;
  });
};
const last = <T>(xs: T[]): T => xs[xs.length - 1] as T;
const types = (effects: readonly Effect[]) => effects.map((e) => e.type);
const opened = { type: 'opened', attempt: 1, beats: false, protocol: 'v1' } as const;

describe('reduce', () => {
  it('is pure: the same model and event give equal results, and the input model is not touched', () => {
    const before = structuredClone(initialModel);
    const a = reduce(initialModel, { type: 'start' }, config, facts);
    const b = reduce(initialModel, { type: 'start' }, config, facts);
    expect(a).toEqual(b);
    expect(initialModel).toEqual(before);
    expect(Object.isFrozen(CONNECTED)).toBe(true);
  });

  it('start dials attempt 1 with its connect timeout; offline it pauses with the budget armed', () => {
    const [online] = run([{ type: 'start' }]);
    expect(online?.model).toMatchObject({ phase: 'dialing', attempt: 1, tries: 0 });
    expect(online?.effects).toEqual([
      { type: 'arm', timer: 'attempt', delay: 1000 },
      { type: 'dial', attempt: 1 },
    ]);
    const [offline] = run([{ type: 'start' }], {}, { online: false });
    expect(offline?.model.phase).toBe('paused');
    expect(offline?.effects).toEqual([{ type: 'arm', timer: 'give-up', delay: 5000 }]);
  });

  it('ignores every event of an older attempt, whatever it says', () => {
    const steps = run([
      { type: 'start' },
      { type: 'timer', timer: 'attempt' }, // attempt 1 fails; attempt 2 dials
      { type: 'continue' },
    ]);
    const model = last(steps).model;
    expect(model.attempt).toBe(2);
    for (const event of [
      opened,
      { type: 'closed', attempt: 1, code: 4000 },
      { type: 'errored', attempt: 1, error: 'x', readyState: 3 },
      { type: 'failed', attempt: 1, error: 'x' },
      { type: 'url', attempt: 1, url: 'ws://x/' },
    ] satisfies Event[]) {
      const step = reduce(model, event, config, facts);
      expect(step.model).toBe(model);
      expect(step.state).toBeUndefined();
      expect(step.effects).toEqual([]);
    }
  });

  it('opens: Connected, the queue flushed, the connect timeout cancelled', () => {
    const step = last(run([{ type: 'start' }, opened]));
    expect(step.state).toBe(CONNECTED);
    expect(step.model).toMatchObject({ phase: 'open', protocol: 'v1' });
    expect(step.effects).toEqual([{ type: 'disarm', timer: 'attempt' }, { type: 'ready' }]);
  });

  it('with onOpen, an open transport is gated first; a gate that ends on a CLOSING transport opens nothing', () => {
    const steps = run(
      [{ type: 'start' }, opened, { type: 'gated', attempt: 1, ready: false, protocol: 'v1' }],
      { gated: true },
    );
    expect(steps[1]?.model.phase).toBe('gating');
    expect(steps[1]?.effects).toContainEqual({ type: 'gate', attempt: 1 });
    expect(steps[2]?.state).toBeUndefined();
    expect(steps[2]?.model.phase).toBe('gating');
  });

  it('a first failure tells Disconnected{error}, then continue tells Reconnecting and dials at once', () => {
    const steps = run([
      { type: 'start' },
      { type: 'timer', timer: 'attempt' },
      { type: 'continue' },
    ]);
    const failed = steps[1] as (typeof steps)[number];
    expect(failed.state).toBeInstanceOf(Disconnected);
    expect((failed.state as Disconnected).error).toBeInstanceOf(ConnectTimeoutError);
    expect(failed.model.phase).toBe('lost');
    expect(types(failed.effects)).toEqual(['abort', 'disarm', 'disarm', 'continue']);
    expect(steps[2]?.state).toBe(RECONNECTING);
    expect(steps[2]?.model).toMatchObject({ phase: 'dialing', attempt: 2, tries: 1 });
  });

  it('a failed retry tells nothing and waits the backoff; the armed delay counts against the budget', () => {
    const steps = run(
      [
        { type: 'start' },
        { type: 'timer', timer: 'attempt' },
        { type: 'continue' },
        { type: 'failed', attempt: 2, error: 'refused' },
        { type: 'armed', delay: 300 },
      ],
      {},
      { now: 1000 },
    );
    expect(steps[3]?.state).toBeUndefined();
    expect(steps[3]?.effects).toContainEqual({ type: 'wait' });
    expect(last(steps).model).toMatchObject({ phase: 'waiting', spent: 300, retryAt: 1300 });
  });

  it('the backoff timer gives up once the budget is spent', () => {
    const steps = run(
      [
        { type: 'start' },
        { type: 'timer', timer: 'attempt' },
        { type: 'continue' },
        { type: 'failed', attempt: 2, error: 'refused' },
        { type: 'armed', delay: 5000 },
        { type: 'timer', timer: 'backoff' },
      ],
      {},
    );
    const end = last(steps);
    expect(end.state).toEqual(new Disconnected({ code: 1006, reason: 'connection timeout' }));
    expect(end.model.phase).toBe('ended');
    expect(types(end.effects)).toEqual(['abort', 'disarm', 'end']);
  });

  it('a loss of a stable connection resets the backoff and retries at once; an early one waits', () => {
    const open = last(run([{ type: 'start' }, opened], {}, { now: 0 })).model;
    const loss = { type: 'closed', attempt: 1, code: 1001, reason: 'bye' } as const;
    const stable = reduce(open, loss, config, { ...facts, now: 100 });
    expect(stable.state).toEqual(new Disconnected({ code: 1001, reason: 'bye' }));
    expect(stable.effects).toContainEqual({ type: 'reset' });
    expect(stable.model.pending).toEqual({ kind: 'retry', dial: true });
    const early = reduce(open, loss, config, { ...facts, now: 99 });
    expect(early.effects).not.toContainEqual({ type: 'reset' });
    expect(early.model.pending).toEqual({ kind: 'retry', dial: false });
    // The flapping retry waits: continue tells Reconnecting and starts the backoff.
    expect(reduce(early.model, { type: 'continue' }, config, facts).effects).toEqual([
      { type: 'wait' },
    ]);
  });

  it('asks the policy when it is set, and only then', () => {
    const steps = run(
      [{ type: 'start' }, opened, { type: 'closed', attempt: 1, code: 4401, reason: 'auth' }],
      { askOnClose: true },
      { now: 1000 },
    );
    expect(last(steps).model.phase).toBe('asking');
    expect(last(steps).state).toBeUndefined();
    expect(last(steps).effects).toContainEqual({
      type: 'ask',
      close: { code: 4401, reason: 'auth' },
    });
    const answer = reduce(last(steps).model, { type: 'answer', retry: false }, config, facts);
    expect(answer.state).toEqual(new Disconnected({ code: 4401, reason: 'auth' }));
    expect(answer.model.phase).toBe('ended');
    // Asking owns no timer: leaving it disarms nothing, whichever way the policy answers.
    expect(answer.effects).toEqual([{ type: 'abort' }, { type: 'end' }]);
    const retry = reduce(last(steps).model, { type: 'answer', retry: true }, config, facts);
    expect(retry.model.phase).toBe('lost');
    expect(retry.effects).toEqual([{ type: 'continue' }]);
  });

  it('close: from open through Disconnecting with the grace armed; from anywhere else straight to the end', () => {
    const open = run([{ type: 'start' }, opened, { type: 'close', code: 4000, reason: 'x' }]);
    expect(last(open).state).toBe(DISCONNECTING);
    expect(last(open).effects).toEqual([
      { type: 'disarm', timer: 'heartbeat' },
      { type: 'disarm', timer: 'error' },
      { type: 'shut', code: 4000, reason: 'x' },
      { type: 'arm', timer: 'closing', delay: 500 },
      { type: 'discard' },
    ]);
    const done = reduce(
      last(open).model,
      { type: 'closed', attempt: 1, code: 1000 },
      config,
      facts,
    );
    // The client's own code and reason, not the echo.
    expect(done.state).toEqual(new Disconnected({ code: 4000, reason: 'x' }));
    const dialing = last(run([{ type: 'start' }, { type: 'close' }]));
    expect(dialing.state).toEqual(new Disconnected());
    expect(types(dialing.effects)).toEqual(['abort', 'disarm', 'disarm', 'end']);
  });

  it('leaving a phase cancels the timers it owns, and only those', () => {
    const waiting = run([
      { type: 'start' },
      { type: 'timer', timer: 'attempt' },
      { type: 'continue' },
      { type: 'failed', attempt: 2, error: 'x' },
      { type: 'armed', delay: 10 },
    ]);
    const retry = reduce(last(waiting).model, { type: 'reconnect' }, config, facts);
    expect(retry.effects).toEqual([
      { type: 'disarm', timer: 'backoff' },
      { type: 'arm', timer: 'attempt', delay: 1000 },
      { type: 'dial', attempt: 3 },
    ]);
    const gating = run([{ type: 'start' }, opened], { gated: true });
    // dialing → gating keeps the connect timeout (it bounds the gate too) and an error's grace.
    expect(last(gating).effects).toEqual([{ type: 'gate', attempt: 1 }]);
  });

  it('the end of a closing handshake, a pause and a probe cancel their own timers', () => {
    const closing = last(run([{ type: 'start' }, opened, { type: 'close' }])).model;
    const ended = reduce(closing, { type: 'closed', attempt: 1 }, config, facts);
    expect(ended.effects).toContainEqual({ type: 'disarm', timer: 'closing' });
    const paused = last(run([{ type: 'start' }], {}, { online: false })).model;
    const online = reduce(paused, { type: 'signal', signal: 'online' }, config, facts);
    expect(online.effects).toContainEqual({ type: 'disarm', timer: 'give-up' });
    const probing = last(
      run(
        [{ type: 'start' }, { ...opened, beats: true }, { type: 'timer', timer: 'heartbeat' }],
        {
          interval: 300,
        },
        { idle: 300 },
      ),
    ).model;
    expect(probing.phase).toBe('probing');
    const lost = reduce(probing, { type: 'closed', attempt: 1, code: 4000 }, config, facts);
    expect(lost.effects).toContainEqual({ type: 'disarm', timer: 'probe' });
    expect(lost.effects).toContainEqual({ type: 'disarm', timer: 'error' });
  });

  it('heartbeat: a quiet link is probed; a probe without an answer is a loss', () => {
    const heartbeat = { interval: 300 } as const;
    const steps = run(
      [
        { type: 'start' },
        { ...opened, beats: true },
        { type: 'timer', timer: 'heartbeat' },
        { type: 'timer', timer: 'probe' },
      ],
      heartbeat,
      { idle: 300, answered: false, now: 1000 },
    );
    expect(steps[1]?.effects).toContainEqual({ type: 'arm', timer: 'heartbeat', delay: 300 });
    // open → probing: the heartbeat's timer goes, an error's grace (the link's) stays.
    expect(steps[2]?.effects).toEqual([
      { type: 'disarm', timer: 'heartbeat' },
      { type: 'probe' },
      { type: 'arm', timer: 'probe', delay: 200 },
    ]);
    expect(last(steps).state).toEqual(
      new Disconnected({ code: 1006, reason: 'heartbeat timeout' }),
    );
    // Heard from recently: the check only looks again when the link would be quiet.
    const fresh = run(
      [{ type: 'start' }, { ...opened, beats: true }, { type: 'timer', timer: 'heartbeat' }],
      heartbeat,
      {
        idle: 120,
      },
    );
    expect(last(fresh).effects).toContainEqual({ type: 'arm', timer: 'heartbeat', delay: 180 });
  });

  it('an error event: CLOSED fails at once, CLOSING waits for its close, CONNECTING gets a grace', () => {
    const closed = last(
      run([{ type: 'start' }, { type: 'errored', attempt: 1, error: 'e', readyState: 3 }]),
    );
    expect(closed.model.phase).toBe('lost');
    const closing = last(
      run([{ type: 'start' }, { type: 'errored', attempt: 1, error: 'e', readyState: 2 }]),
    );
    expect(closing.effects).toEqual([]);
    expect(closing.model.pending).toEqual({ kind: 'error', error: 'e' });
    const connecting = last(
      run([{ type: 'start' }, { type: 'errored', attempt: 1, error: 'e', readyState: 0 }]),
    );
    expect(connecting.effects).toEqual([{ type: 'arm', timer: 'error', delay: 50 }]);
    const after = reduce(connecting.model, { type: 'timer', timer: 'error' }, config, facts);
    expect((after.state as Disconnected).error).toBe('e');
  });

  it('signals: online resets and dials from a wait; offline pauses a wait; a resume without a probe is a loss', () => {
    const waiting = run([
      { type: 'start' },
      { type: 'timer', timer: 'attempt' },
      { type: 'continue' },
      { type: 'failed', attempt: 2, error: 'x' },
      { type: 'armed', delay: 100 },
    ]);
    const online = reduce(last(waiting).model, { type: 'signal', signal: 'online' }, config, facts);
    expect(online.model).toMatchObject({ phase: 'dialing', spent: 0, tries: 1 });
    expect(online.effects).toContainEqual({ type: 'reset' });
    const offline = reduce(
      last(waiting).model,
      { type: 'signal', signal: 'offline' },
      config,
      facts,
    );
    expect(offline.model.phase).toBe('paused');
    const open = last(run([{ type: 'start' }, opened]));
    const resume = reduce(open.model, { type: 'signal', signal: 'resume' }, config, facts);
    expect(resume.state).toEqual(new Disconnected({ code: 1006, reason: 'woke from sleep' }));
    const probe = reduce(open.model, { type: 'signal', signal: 'resume' }, config, {
      ...facts,
      canProbe: true,
    });
    expect(probe.model.phase).toBe('probing');
  });

  it('after a failure Reconnected, never Connected; after the end nothing moves', () => {
    const steps = run([
      { type: 'start' },
      { type: 'timer', timer: 'attempt' },
      { type: 'continue' },
      { ...opened, attempt: 2 },
    ]);
    expect(last(steps).state).toBe(RECONNECTED);
    const ended = reduce(last(steps).model, { type: 'close' }, config, facts);
    const closedEnd = reduce(ended.model, { type: 'closed', attempt: 2 }, config, facts);
    for (const event of [
      { type: 'start' },
      { type: 'close' },
      { type: 'reconnect' },
      { type: 'signal', signal: 'online' },
      { type: 'timer', timer: 'backoff' },
    ] satisfies Event[]) {
      if (event.type === 'start') continue; // only the constructor starts
      const step = reduce(closedEnd.model, event, config, facts);
      expect(step.state).toBeUndefined();
      expect(step.effects).toEqual([]);
    }
    expect(closedEnd.model.state).toBeInstanceOf(Disconnected);
    expect(CONNECTING.type).toBe('connecting');
  });

  it("an error's grace survives the heartbeat's own steps (open ↔ probing): the link still ends", () => {
    const steps = run(
      [
        { type: 'start' },
        { ...opened, beats: true },
        { type: 'errored', attempt: 1, error: 'e', readyState: 1 }, // undici, open
        { type: 'timer', timer: 'heartbeat' }, // the heartbeat probes meanwhile
      ],
      { interval: 300 },
      { idle: 300 },
    );
    expect(last(steps).effects).not.toContainEqual({ type: 'disarm', timer: 'error' });
    const lost = reduce(
      last(steps).model,
      { type: 'timer', timer: 'error' },
      { ...config, interval: 300 },
      facts,
    );
    expect(lost.state).toEqual(new Disconnected({ code: 1006, reason: '' }));
  });

  it('an event that does not apply to the phase changes nothing: no state, no effect, the same model', () => {
    const heartbeat: Partial<Config> = { interval: 300, gated: true, askOnClose: true };
    const at = (events: Event[], f: Partial<Facts> = {}) => last(run(events, heartbeat, f)).model;
    const failedOnce: Event[] = [{ type: 'start' }, { type: 'timer', timer: 'attempt' }];
    const waitingEvents: Event[] = [
      ...failedOnce,
      { type: 'continue' },
      { type: 'failed', attempt: 2, error: 'x' },
      { type: 'armed', delay: 100 },
    ];
    const gated = { type: 'gated', attempt: 1, ready: true, protocol: '' } as const;
    const openEvents: Event[] = [{ type: 'start' }, { ...opened, beats: true }, gated];
    const phases: Record<Phase, Model> = {
      dialing: at([{ type: 'start' }]),
      gating: at([{ type: 'start' }, opened]),
      open: at(openEvents),
      probing: at([...openEvents, { type: 'timer', timer: 'heartbeat' }], { idle: 300 }),
      asking: at([...openEvents, { type: 'closed', attempt: 1, code: 4000 }]),
      lost: at(failedOnce),
      waiting: at(waitingEvents),
      paused: at([...waitingEvents, { type: 'signal', signal: 'offline' }]),
      closing: at([...openEvents, { type: 'close' }]),
      ended: at([{ type: 'start' }, { type: 'close' }]),
    };
    const timers = ['attempt', 'error', 'backoff', 'give-up', 'heartbeat', 'probe', 'closing'];
    /** What each phase answers to; everything else must leave it as it is. */
    const applies: Record<Phase, string[]> = {
      dialing: ['url', 'failed', 'opened', 'closed', 'errored', 'close', 'attempt', 'error'],
      gating: ['failed', 'gated', 'closed', 'errored', 'close', 'attempt', 'error'],
      open: ['closed', 'errored', 'close', 'error', 'heartbeat', 'resume'],
      probing: ['closed', 'errored', 'close', 'error', 'probe'],
      asking: ['answer', 'close'],
      lost: ['continue', 'close'],
      waiting: [
        'armed',
        'exhausted',
        'close',
        'reconnect',
        'backoff',
        'online',
        'offline',
        'wake',
        'resume',
      ],
      paused: ['close', 'reconnect', 'give-up', 'online'],
      closing: ['closed', 'errored', 'closing'],
      ended: [],
    };
    for (const [phase, model] of Object.entries(phases) as [Phase, Model][]) {
      expect(model.phase, phase).toBe(phase);
      const attempt = model.attempt;
      const events: [string, Event][] = [
        ['url', { type: 'url', attempt, url: 'ws://x/' }],
        ['failed', { type: 'failed', attempt, error: 'x' }],
        ['opened', { ...opened, attempt }],
        ['gated', { ...gated, attempt }],
        ['closed', { type: 'closed', attempt, code: 4000 }],
        ['errored', { type: 'errored', attempt, error: 'x', readyState: 3 }],
        ['answer', { type: 'answer', retry: true }],
        ['armed', { type: 'armed', delay: 100 }],
        ['exhausted', { type: 'exhausted' }],
        ['continue', { type: 'continue' }],
        ['close', { type: 'close' }],
        ['reconnect', { type: 'reconnect' }],
        ...timers.map((timer): [string, Event] => [timer, { type: 'timer', timer } as Event]),
        ...(['online', 'offline', 'wake', 'resume'] as const).map((signal): [string, Event] => [
          signal,
          { type: 'signal', signal },
        ]),
      ];
      // Paused means offline; a probe that is out makes the link one that can be asked.
      const f = { ...facts, online: phase !== 'paused', canProbe: phase === 'probing' };
      for (const [name, event] of events) {
        if (applies[phase].includes(name)) continue;
        const step = reduce(model, event, { ...config, ...heartbeat }, f);
        expect({ phase, name, ...step }).toEqual({
          phase,
          name,
          model,
          state: undefined,
          effects: [],
        });
        expect(step.model, `${phase}: ${name}`).toBe(model);
      }
    }
  });
});
