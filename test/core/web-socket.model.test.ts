/**
 * Model-based tests: random interleavings of commands, transport events, time, environment
 * signals and commands issued from inside listeners and callbacks, with the invariants of
 * model/commands.ts checked after every step. Seeded, so a failure reproduces: CI runs a fixed
 * seed; `npm run fuzz` runs many more with a fresh one (FC_SEED and FC_RUNS override both) and
 * fast-check prints the failing seed and the shrunk command list.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkInvariants, commands, settle } from './model/commands';
import { System, type SystemOptions } from './model/system';

const seed = Number(process.env.FC_SEED ?? 20261201);
const numRuns = Number(process.env.FC_RUNS ?? 1000);

const options: fc.Arbitrary<SystemOptions> = fc.record({
  gated: fc.boolean(),
  asyncUrl: fc.boolean(),
  askOnClose: fc.boolean(),
  askOnFailure: fc.boolean(),
  heartbeat: fc.boolean(),
  flapping: fc.boolean(),
  budget: fc.constantFrom(0, 300, 2000, Number.POSITIVE_INFINITY),
});

/** Ends the socket whatever state it is in, and checks that it ended cleanly. */
const finish = async (system: System) => {
  system.reactions.clear();
  system.socket.close();
  await settle();
  system.transport?.finishClose();
  system.clock.advance(10_000);
  await settle();
  checkInvariants(system, true);
};

describe('WebSocket, model-based', () => {
  it(`keeps its invariants over ${numRuns} random runs (seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.commands(commands, { maxCommands: 60 }), async (o, cmds) => {
        const system = new System(o);
        await settle();
        checkInvariants(system);
        await fc.asyncModelRun(() => ({ model: {}, real: system }), cmds);
        await finish(system);
      }),
      { seed, numRuns, verbose: 1 },
    );
  }, 600_000);
});
