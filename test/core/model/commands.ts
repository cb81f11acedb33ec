/**
 * fast-check commands over the `System`, and the invariants checked after every one of them.
 * Commands that do not apply to the current situation (open a transport that is not connecting)
 * do nothing: the interleavings stay random without a model of what the socket "should" be in.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { EnvironmentSignal } from '../../../src/core';
import type { FakeTransport } from '../fake-transport';
import type { Hook, Reaction, System } from './system';

type Model = Record<string, never>;
type Command = fc.AsyncCommand<Model, System>;

/** Lets the promise callbacks of a step run (URL provider, gate, deferred failures). */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const attached = (t: FakeTransport | undefined): t is FakeTransport =>
  t !== undefined && !t.detached;

/** The invariants of the socket, checked after every command. `final`: it must have ended. */
export const checkInvariants = (system: System, final = false): void => {
  const { socket, states, clock } = system;
  expect(system.violations).toEqual([]);
  const types = states.map((s) => s.type);
  expect(types[0]).toBe('connecting');
  // A listener hears a subsequence of the states passed (one superseded before its turn is not
  // told), so the rules are about what came before, not what came right before.
  for (let i = 1; i < states.length; i++) {
    const now = types[i];
    const before = types.slice(0, i);
    expect(states[i], `the same state twice in a row at ${i}: ${types}`).not.toBe(states[i - 1]);
    if (now === 'connecting') expect.fail(`connecting again at ${i}: ${types}`);
    if (now === 'connected') expect(before, 'connected after a loss').not.toContain('disconnected');
    if (now === 'reconnected' || now === 'reconnecting') {
      expect(before, `${now} without a loss: ${types}`).toContain('disconnected');
    }
  }
  expect(types.filter((t) => t === 'connected').length).toBeLessThanOrEqual(1);
  // Named timers: at most one each, and never more than the attempt, error and one other.
  expect(clock.live).toBeLessThanOrEqual(3);
  // Never two transports alive at once.
  expect(system.transports().filter(attached).length).toBeLessThanOrEqual(1);

  // Delivery: every accepted message is written once and in order, dropped (reported) once, or
  // still queued; nothing is both, nothing is lost.
  const written = system.written();
  const queued = [...socket.queued];
  const accounted = [...written, ...system.dropped, ...queued];
  expect(new Set(accounted).size, 'an id written, dropped or queued twice').toBe(accounted.length);
  expect([...accounted].sort()).toEqual([...system.accepted].sort());
  const order = written.map((id) => system.accepted.indexOf(id));
  expect(order, 'written out of order').toEqual([...order].sort((a, b) => a - b));

  if (system.closeRequested) {
    // close() wins, wherever it was called from: no new attempt, and closing or ended.
    expect(['disconnecting', 'disconnected']).toContain(socket.connection.state.type);
    expect(system.transports().length, 'dialled after close()').toBe(system.transportsAtClose);
  }

  const retry = socket.retry.state;
  const state = socket.connection.state.type;
  if (retry.phase === 'waiting') {
    expect(retry.retryAt).toBeGreaterThanOrEqual(clock.now());
    expect(state).toBe('reconnecting');
  }
  if (retry.phase === 'dialing') expect(state).toBe('reconnecting');

  if (system.ended || final) {
    expect(system.ended, 'the socket has ended').toBe(true);
    expect(types.at(-1)).toBe('disconnected');
    expect(clock.live, 'timers left after the end').toBe(0);
    expect(system.transports().filter(attached), 'transports left attached').toEqual([]);
    expect(queued).toEqual([]);
    expect(system.environment.listeners.size).toBe(0);
    expect(retry.phase).toBe('idle');
    expect(
      system.waits.every((w) => w.settled),
      'a firstWhere never settled',
    ).toBe(true);
  }
};

/** A command that acts, lets the step's promises run, then checks the invariants. */
const command = (name: string, act: (system: System) => void): Command => ({
  check: () => true,
  async run(_model, system) {
    act(system);
    await settle();
    checkInvariants(system);
  },
  toString: () => name,
});

const onTransport = (
  name: string,
  when: (t: FakeTransport) => boolean,
  act: (t: FakeTransport) => void,
) =>
  command(name, (system) => {
    const t = system.transport;
    if (attached(t) && when(t)) act(t);
  });

const signals: EnvironmentSignal[] = ['online', 'offline', 'wake', 'resume'];
const hooks: Hook[] = [
  'state:connected',
  'state:reconnected',
  'state:disconnected',
  'state:reconnecting',
  'state:disconnecting',
  'shouldReconnect',
  'shouldRetry',
  'onOpen',
  'onDrop',
  'message',
];
const reactions: Reaction[] = ['close', 'close-code', 'reconnect', 'send'];

const all: [number, fc.Arbitrary<Command>][] = [
  [4, fc.constant(command('send', (s) => void s.send()))],
  [1, fc.constant(command('close()', (s) => s.close()))],
  [1, fc.constant(command('close(4000)', (s) => s.close(4000, 'bye')))],
  [2, fc.constant(command('reconnect()', (s) => s.reconnect()))],
  [1, fc.constant(command('firstWhere(reconnected)', (s) => s.wait()))],
  [
    2,
    fc
      .constantFrom(...signals)
      .map((signal) => command(`signal ${signal}`, (s) => s.environment.emit(signal))),
  ],
  [
    1,
    fc.boolean().map((online) =>
      command(`online() = ${online}, no event`, (s) => {
        s.environment.isOnline = online;
      }),
    ),
  ],
  [
    4,
    fc
      .constantFrom(0, 49, 50, 100, 250, 1000, 3000)
      .map((ms) => command(`advance ${ms} ms`, (s) => s.clock.advance(ms))),
  ],
  [
    3,
    fc.tuple(fc.constantFrom(...hooks), fc.constantFrom(...reactions)).map(([hook, reaction]) =>
      command(`arm ${reaction} in ${hook}`, (s) => {
        s.reactions.set(hook, reaction);
      }),
    ),
  ],
  [
    4,
    fc.constant(
      onTransport(
        'transport open',
        (t) => t.readyState === 0,
        (t) => t.open('v1'),
      ),
    ),
  ],
  [
    2,
    fc.constant(
      onTransport(
        'transport fails',
        (t) => t.readyState === 0,
        (t) => t.fail(),
      ),
    ),
  ],
  [
    1,
    fc.constant(
      onTransport(
        'transport error, no close (undici)',
        (t) => t.readyState < 2,
        (t) => t.undiciRefusal(),
      ),
    ),
  ],
  [
    1,
    fc.constant(
      onTransport(
        'transport error, closed',
        () => true,
        (t) => t.errorOnly(),
      ),
    ),
  ],
  [
    3,
    fc.constantFrom(1000, 1001, 1006, 4000).map((code) =>
      onTransport(
        `server closes ${code}`,
        (t) => t.readyState === 1,
        (t) => t.serverClose(code),
      ),
    ),
  ],
  [
    3,
    fc.constant(
      onTransport(
        'close frame arrived (CLOSING)',
        (t) => t.readyState === 1,
        (t) => {
          t.readyState = 2;
        },
      ),
    ),
  ],
  [
    2,
    fc.constant(
      onTransport(
        'closing handshake ends',
        (t) => t.readyState === 2 || t.closeCalls.length > 0,
        (t) => t.finishClose(),
      ),
    ),
  ],
  [
    2,
    fc.constantFrom('hello', 'pong').map((data) =>
      onTransport(
        `server sends ${data}`,
        (t) => t.readyState === 1,
        (t) => t.receive(data),
      ),
    ),
  ],
  [4, fc.constant(command('onOpen resolves', (s) => s.gates.shift()?.resolve()))],
  [1, fc.constant(command('onOpen rejects', (s) => s.gates.shift()?.reject(new Error('auth'))))],
];

/** The commands, each as often as its weight says: transport events and sends more than close(). */
export const commands = all.flatMap(([weight, arbitrary]) =>
  Array.from({ length: weight }, () => arbitrary),
);
