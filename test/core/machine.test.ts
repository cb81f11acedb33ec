import { describe, expect, it } from 'vitest';
import { type MachineEvent, transition } from '../../src/core/machine';
import {
  Connected,
  Connecting,
  type ConnectionState,
  Disconnected,
  Disconnecting,
  Reconnected,
  Reconnecting,
} from '../../src/core/states';

const error = new Error('refused');
const events = {
  open: { type: 'open' },
  lostRetry: { type: 'lost', retry: true, code: 4200, reason: 'bye', error },
  lostStop: { type: 'lost', retry: false, code: 4401, reason: 'auth' },
  giveUp: { type: 'giveUp' },
  close: { type: 'close', code: 4000, reason: 'done' },
  closed: { type: 'closed', code: 4000, reason: 'done' },
} satisfies Record<string, MachineEvent>;
type EventName = keyof typeof events;

const states: Record<string, ConnectionState> = {
  connecting: new Connecting(),
  connected: new Connected(),
  reconnecting: new Reconnecting(),
  reconnected: new Reconnected(),
  disconnecting: new Disconnecting(),
  disconnected: new Disconnected({ code: 1000 }),
};

const timeout = new Disconnected({ code: 1006, reason: 'connection timeout' });
const lostD = new Disconnected({ code: 4200, reason: 'bye', error });
const stopD = new Disconnected({ code: 4401, reason: 'auth' });
const closeD = new Disconnected({ code: 4000, reason: 'done' });

// The whole table: state × event → the states passed through. [] means "nothing changes".
const table: Record<string, Record<EventName, ConnectionState[]>> = {
  connecting: {
    open: [new Connected()],
    lostRetry: [lostD, new Reconnecting()],
    lostStop: [stopD],
    giveUp: [timeout],
    close: [closeD],
    closed: [],
  },
  connected: {
    open: [],
    lostRetry: [lostD, new Reconnecting()],
    lostStop: [stopD],
    giveUp: [timeout],
    close: [new Disconnecting()],
    closed: [],
  },
  reconnecting: {
    open: [new Reconnected()],
    lostRetry: [],
    lostStop: [],
    giveUp: [timeout],
    close: [closeD],
    closed: [],
  },
  reconnected: {
    open: [],
    lostRetry: [lostD, new Reconnecting()],
    lostStop: [stopD],
    giveUp: [timeout],
    close: [new Disconnecting()],
    closed: [],
  },
  disconnecting: {
    open: [],
    lostRetry: [],
    lostStop: [],
    giveUp: [timeout],
    close: [],
    closed: [closeD],
  },
  disconnected: {
    open: [],
    lostRetry: [],
    lostStop: [],
    giveUp: [],
    close: [],
    closed: [],
  },
};

describe('transition', () => {
  for (const [from, row] of Object.entries(table)) {
    describe(`from ${from}`, () => {
      for (const [name, expected] of Object.entries(row) as [EventName, ConnectionState[]][]) {
        it(`${name} → [${expected.map((s) => s.type).join(', ')}]`, () => {
          const state = states[from] as ConnectionState;
          const passed = transition(state, events[name]);
          expect(passed).toEqual(expected);
          // Class, not just shape: `instanceof` must keep working as in the seed.
          passed.forEach((s, i) => {
            expect(s).toBeInstanceOf((expected[i] as object).constructor);
          });
        });
      }
    });
  }

  it('covers every state × event', () => {
    expect(Object.keys(table).sort()).toEqual([
      'connected',
      'connecting',
      'disconnected',
      'disconnecting',
      'reconnected',
      'reconnecting',
    ]);
    for (const row of Object.values(table)) {
      expect(Object.keys(row).sort()).toEqual(Object.keys(events).sort());
    }
  });

  it('returns the same object for a state without data, so identity means "unchanged"', () => {
    const a = transition(new Connecting(), { type: 'open' })[0];
    const b = transition(new Connecting(), { type: 'open' })[0];
    expect(a).toBe(b);
    const r1 = transition(new Connected(), events.lostRetry)[1];
    const r2 = transition(new Reconnected(), events.lostRetry)[1];
    expect(r1).toBe(r2);
  });

  it('a close without code or reason gives an empty Disconnected', () => {
    const [d] = transition(new Reconnecting(), { type: 'close' });
    expect(d).toEqual(new Disconnected());
    expect(d).toMatchObject({ code: undefined, reason: undefined, error: undefined });
  });

  it('the Disconnected of a lost event carries only code, reason and error', () => {
    const [d] = transition(new Connecting(), { type: 'lost', retry: true, error });
    expect(Object.keys(d as object).sort()).toEqual(['code', 'error', 'reason', 'type']);
    expect(d).toMatchObject({ type: 'disconnected', code: undefined, reason: undefined, error });
  });
});
