/**
 * Model-based tests: random runs of several simulated tabs (open, send, take the queue back,
 * close, send and close at once, crash, page leave, freeze, resume, retry now), a server that
 * drops, closes and refuses, frames from it, time, and the browser's tasks (channel deliveries, lock grants, server
 * answers) run in random order, within what a browser promises: one sender's messages reach a
 * receiver in order. Invariants are checked after every command; at the end the network heals,
 * every tab must be open with one leader, and then, all closed, nothing may be left: every
 * message `send` accepted was written once or reported once. Seeded: CI runs a fixed seed;
 * FC_SEED and FC_RUNS override it (`npm run fuzz` style).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SimBrowser as Browser, SimBrowser, type SimTab } from './support/browser';

const seed = Number(process.env.FC_SEED ?? 20261202);
const numRuns = Number(process.env.FC_RUNS ?? 1000);
/** FC_PATH replays one counterexample (with its FC_SEED), as fast-check reports it. */
const path = process.env.FC_PATH;
const MAX_TABS = 5;
const LOCK = 'web-socket-client/tabs/2:test';

interface Run {
  readonly browser: Browser;
  /** Tabs that stopped leading abruptly (crashed, left, froze): what they had in flight may be lost. */
  readonly vanished: Set<string>;
}

const live = (run: Run) => run.browser.tabs.filter((t) => !t.dead);
const pick = <T>(list: readonly T[], i: number): T | undefined =>
  list[i % Math.max(1, list.length)];

/** What is neither written, reported, taken back nor queued. */
const unaccounted = (run: Run, tab: SimTab): string[] => {
  const written = new Set(run.browser.framesOf(tab) as string[]);
  const dropped = new Set(tab.dropped.map((d) => d.data));
  const queued = new Set(tab.socket.queued);
  const taken = new Set(tab.taken);
  return tab.accepted.filter(
    (m) => !written.has(m) && !dropped.has(m) && !queued.has(m) && !taken.has(m),
  );
};

/**
 * The messages a tab may lose without a report, read from what the tabs said to each other: the
 * last hand-over of each went to a leader that vanished (as a frame handed to a transport that
 * then dies). Closing the tab is no excuse: what it had in flight is written or reported.
 */
const mayBeLost = (run: Run, tab: SimTab): Set<string> => {
  const leaderOf = new Map<number, string>();
  const last = new Map<string, { epoch: number; at: number }>();
  run.browser.hub.posted.forEach(({ from, data }, at) => {
    const m = data as { type: string; epoch: number; data: string };
    if (m.type === 'state') leaderOf.set(m.epoch, from);
    if (m.type === 'send' && from === tab.id) last.set(m.data, { epoch: m.epoch, at });
  });
  const out = new Set<string>();
  for (const [m, post] of last) if (run.vanished.has(leaderOf.get(post.epoch) ?? '')) out.add(m);
  return out;
};

/** The first pending task of each lane, the orders a browser may choose between. */
const eligible = (browser: Browser): number[] => {
  const seen = new Set<string>();
  const out: number[] = [];
  browser.hub.tasks.forEach((task, i) => {
    const lane =
      task.kind === 'message'
        ? `m:${task.to.tab}:${task.from}`
        : task.kind === 'grant'
          ? 'grant'
          : `o:${task.tab}`;
    if (seen.has(lane)) return;
    seen.add(lane);
    out.push(i);
  });
  return out;
};

const LEGAL_AFTER_LOSS = new Set(['reconnecting', 'reconnected']);

const checkStates = (tab: SimTab) => {
  const types = tab.types;
  expect(types[0]).toBe('connecting');
  for (let i = 1; i < types.length; i++) {
    const before = types.slice(0, i);
    const now = types[i] as string;
    expect(tab.states[i], `${tab.id}: the same state twice: ${types}`).not.toBe(tab.states[i - 1]);
    expect(now, `${tab.id}: connecting again: ${types}`).not.toBe('connecting');
    if (now === 'connected') expect(before, `${tab.id}: ${types}`).not.toContain('disconnected');
    if (LEGAL_AFTER_LOSS.has(now)) expect(before, `${tab.id}: ${types}`).toContain('disconnected');
  }
  expect(types.filter((t) => t === 'connected').length).toBeLessThanOrEqual(1);
};

const check = (run: Run) => {
  const { browser } = run;
  // Never two connections for one channel at once, counted at the server.
  expect(browser.server.maxLive).toBeLessThanOrEqual(1);
  expect(browser.leaders.length).toBeLessThanOrEqual(1);
  for (const tab of browser.tabs) {
    checkStates(tab);
    // A crashed tab's last microtasks still run here (a real one runs nothing): not its errors.
    if (!tab.dead) expect(tab.errors).toEqual([]);
    // Written once each, in the tab's order, and never both written and reported.
    const written = browser.framesOf(tab) as string[];
    expect(new Set(written).size, `${tab.id} written twice: ${written}`).toBe(written.length);
    const order = written.map((m) => tab.accepted.indexOf(m));
    expect(order, `${tab.id} out of order: ${written}`).toEqual([...order].sort((a, b) => a - b));
    expect(order.includes(-1)).toBe(false);
    // Reported once at most, and never also written (before or after the report).
    const reported = tab.dropped.map((d) => d.data);
    expect(new Set(reported).size, `${tab.id} reported twice: ${reported}`).toBe(reported.length);
    for (const d of reported) expect(written, `${tab.id} written and reported`).not.toContain(d);
    for (const m of tab.taken) expect(written, `${tab.id} taken back and written`).not.toContain(m);
  }
};

type Command = fc.AsyncCommand<object, Run>;
const command = (name: string, act: (run: Run) => Promise<void> | void): Command => ({
  check: () => true,
  run: async (_m, run) => {
    await act(run);
    check(run);
  },
  toString: () => name,
});

const commands = [
  fc.constant(
    command('open', (run) => {
      if (run.browser.tabs.length < MAX_TABS)
        run.browser.open({ giveUpAfter: Number.POSITIVE_INFINITY });
    }),
  ),
  fc.nat().map((i) =>
    command(`send ${i}`, (run) => {
      pick(live(run), i)?.send();
    }),
  ),
  fc.nat().map((i) =>
    command(`take queued ${i}`, (run) => {
      pick(live(run), i)?.take();
    }),
  ),
  fc.nat().map((i) =>
    command(`close ${i}`, (run) => {
      const tab = pick(live(run), i);
      if (!tab) return;
      tab.socket.close();
    }),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })).map(([i, n]) =>
    command(`send ${n} and close ${i}`, (run) => {
      // Closed with its messages still in flight to the leader.
      const tab = pick(live(run), i);
      if (!tab) return;
      for (let k = 0; k < n; k++) tab.send();
      tab.socket.close();
    }),
  ),
  fc.nat().map((i) =>
    command(`crash ${i}`, (run) => {
      const tab = pick(live(run), i);
      if (!tab || live(run).length < 2) return;
      run.vanished.add(tab.id);
      tab.crash();
    }),
  ),
  fc.nat().map((i) =>
    command(`leave ${i}`, (run) => {
      const tab = pick(live(run), i);
      if (!tab || live(run).length < 2) return;
      run.vanished.add(tab.id);
      tab.lifecycle.emit('leave');
      tab.crash();
    }),
  ),
  fc.nat().map((i) =>
    command(`freeze ${i}`, (run) => {
      const tab = pick(live(run), i);
      if (!tab) return;
      run.vanished.add(tab.id);
      tab.lifecycle.emit('freeze');
    }),
  ),
  fc.nat().map((i) =>
    command(`resume ${i}`, (run) => {
      pick(live(run), i)?.lifecycle.emit('resume');
    }),
  ),
  fc.nat().map((i) =>
    command(`reconnect ${i}`, (run) => {
      const tab = pick(live(run), i);
      if (tab && tab.socket.connection.state.type !== 'disconnected') {
        if (tab.socket.connection.state.type !== 'disconnecting') tab.socket.reconnect();
      }
    }),
  ),
  fc.nat(99).map((n) =>
    command(`frame f${n}`, (run) => {
      run.browser.server.broadcast(`f${n}`);
    }),
  ),
  fc.constant(
    command('server drops', (run) => {
      run.browser.server.dropAll();
    }),
  ),
  fc.constant(
    command('server closes', (run) => {
      // Its close frame came: the connection is CLOSING (nothing can be written) until the
      // handshake ends, in a task of its own.
      run.browser.server.closeAll();
    }),
  ),
  fc.boolean().map((accepting) =>
    command(`server accepting ${accepting}`, (run) => {
      run.browser.server.accepting = accepting;
    }),
  ),
  fc.nat().map((i) =>
    command(`task ${i}`, async (run) => {
      const lanes = eligible(run.browser);
      const index = pick(lanes, i);
      if (index !== undefined) await run.browser.hub.run(index);
    }),
  ),
  fc.constantFrom(0, 10, 50, 100, 1000).map((ms) =>
    command(`advance ${ms}`, async (run) => {
      // Tasks run before time passes: the browser is faster than the takeover delay.
      await run.browser.advance(ms);
    }),
  ),
];

/** The network heals and time passes: every tab must be open, with one leader and one connection. */
const heal = async (run: Run) => {
  const { browser } = run;
  browser.server.accepting = true;
  for (const tab of live(run)) tab.lifecycle.emit('resume');
  await browser.advance(10_000);
  const open = live(run).filter((t) => !t.socket.connection.state.type.startsWith('disconnect'));
  for (const tab of open) expect(['connected', 'reconnected']).toContain(tab.state);
  if (open.length) {
    // One tab holds the lock: a leader, or one whose user closed it and that relays for them.
    expect(browser.hub.holder(LOCK)).toBeDefined();
    expect(browser.leaders.length).toBeLessThanOrEqual(1);
    expect(browser.server.live).toBe(1);
    // What waited went out.
    for (const tab of open) expect(tab.socket.queued).toEqual([]);
    // And what is sent now goes out too: nothing earlier left the leader waiting for ever.
    const last = open.filter((tab) => tab.send()).map((tab) => tab.accepted.at(-1) as string);
    await browser.quiet();
    for (const m of last) expect(browser.server.frames, `${m} never written`).toContain(m);
  }
  check(run);
};

const finish = async (run: Run) => {
  const { browser } = run;
  for (const tab of live(run)) tab.socket.close();
  await browser.advance(10_000);
  check(run);
  expect(browser.server.live).toBe(0);
  expect(browser.clock.live()).toBe(0);
  expect(browser.hub.holder(LOCK)).toBeUndefined();
  expect(browser.hub.waiting(LOCK)).toEqual([]);
  for (const tab of live(run)) {
    expect(tab.lifecycle.size).toBe(0);
    expect(tab.state).toBe('disconnected');
  }
  // Every accepted message: written, reported, or in flight at a moment that allows a loss.
  for (const tab of browser.tabs) {
    if (tab.dead) continue;
    const allowed = mayBeLost(run, tab);
    const lost = unaccounted(run, tab).filter((m) => !allowed.has(m));
    expect(lost, `${tab.id} lost without a report`).toEqual([]);
  }
};

describe('SharedWebSocket, model-based', () => {
  it(`keeps its invariants over ${numRuns} random runs of several tabs (seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), async (cmds) => {
        const browser = new SimBrowser();
        const run: Run = { browser, vanished: new Set() };
        // The third tab's queue lets messages expire: refused ones among them.
        for (let i = 0; i < 3; i++) {
          browser.open({
            giveUpAfter: Number.POSITIVE_INFINITY,
            ...(i === 2 ? { queue: { maxAge: 1_500 } } : {}),
          });
        }
        await fc.asyncModelRun(() => ({ model: {}, real: run }), cmds);
        try {
          await heal(run);
          await finish(run);
        } catch (error) {
          if (process.env.FC_DEBUG) {
            for (const tab of browser.tabs) {
              console.log(tab.id, tab.dead, tab.types.join(' '), tab.roles.join(' '));
            }
            console.log(
              browser.hub.posted.map((p) => `${p.from} ${JSON.stringify(p.data)}`).join('\n'),
            );
          }
          throw error;
        }
      }),
      { seed, numRuns, verbose: 1, ...(path ? { path, endOnFailure: true } : {}) },
    );
  }, 600_000);
});
