/**
 * The shared socket over the in-memory platform (test/tabs/support): several simulated tabs, one
 * Web Lock, one BroadcastChannel, one scripted server and one clock. Every delivery and lock
 * grant is a task the test runs, so the orders a browser makes rare are made on purpose.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  ConnectTimeoutError,
  type Disconnected,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  json,
  NoWebSocketError,
  SocketEndedError,
  WebSocket,
} from '../../src/core';
import { SharedWebSocket, sharedSocket, TabClockError } from '../../src/tabs';
import { SimBrowser, type SimTab } from './support/browser';
import type { FakeConnection } from './support/fake-server';

/** The default takeover delay. */
const TAKEOVER = 100;
/** How long after its hand-over a leader may still write a follower's message (the shell's). */
const RELAY_WINDOW = 5_000;
/** How long a follower that closed waits at most for the verdict on its messages in flight. */
const LINGER = 6_000;
const LOCK = 'web-socket-client/tabs/2:test';

/** A browser with `n` tabs, all settled: one leader connected, the others following. */
const tabs = async (n: number) => {
  const browser = new SimBrowser();
  const list: SimTab[] = [];
  for (let i = 0; i < n; i++) list.push(browser.open());
  await browser.advance(TAKEOVER);
  return { browser, tabs: list };
};

describe('one connection for every tab', () => {
  it('elects the first tab, which dials once; every tab is connected', async () => {
    const { browser, tabs: list } = await tabs(5);
    expect(browser.server.connections).toHaveLength(1);
    expect(browser.server.maxLive).toBe(1);
    expect(list.map((t) => t.role)).toEqual([
      'leader',
      'follower',
      'follower',
      'follower',
      'follower',
    ]);
    for (const tab of list) expect(tab.types).toEqual(['connecting', 'connected']);
    expect(browser.hub.holder(LOCK)).toBe('t1');
    expect(browser.hub.waiting(LOCK)).toEqual(['t2', 't3', 't4', 't5']);
  });

  it('waits the takeover delay before the first dial: an unannounced leader may be closing', async () => {
    const browser = new SimBrowser();
    const tab = browser.open();
    await browser.advance(TAKEOVER - 1);
    expect(tab.role).toBe('leader');
    expect(browser.server.connections).toHaveLength(0);
    await browser.advance(1);
    expect(browser.server.connections).toHaveLength(1);
    expect(tab.state).toBe('connected');
  });

  it('hands every frame from the server to every tab, once and in order', async () => {
    const { browser, tabs: list } = await tabs(4);
    for (let i = 1; i <= 20; i++) browser.server.broadcast(`m${i}`);
    await browser.quiet();
    const expected = Array.from({ length: 20 }, (_, i) => `m${i + 1}`);
    for (const tab of list) expect(tab.messages).toEqual(expected);
  });

  it("writes each tab's sends once, in that tab's order, and says true", async () => {
    const { browser, tabs: list } = await tabs(3);
    for (let round = 0; round < 10; round++) for (const tab of list) expect(tab.send()).toBe(true);
    await browser.quiet();
    for (const tab of list) expect(browser.framesOf(tab)).toEqual(tab.accepted);
    expect(browser.server.frames).toHaveLength(30);
    // Acknowledged: nothing stays in flight at the followers.
    expect(list.every((t) => t.socket.queued.length === 0)).toBe(true);
  });

  it('decodes and encodes with each tab’s own codec; the leader forwards frames as they are', async () => {
    const browser = new SimBrowser();
    const plain = browser.open();
    const typed = new SharedWebSocket<{ n: number }, { n: number }>(browser.url, {
      channel: 'test',
      tabId: 'typed',
      locks: browser.hub.locksFor('typed'),
      BroadcastChannel: browser.hub.channelFor('typed'),
      WebSocket: browser.server.implementationFor('typed'),
      scheduler: browser.clock.forTab(),
      environment: null,
      lifecycle: null,
      codec: json(),
    });
    const heard: { n: number }[] = [];
    typed.messages.subscribe((m) => heard.push(m));
    await browser.advance(TAKEOVER);
    browser.server.broadcast('{"n":1}');
    await browser.quiet();
    expect(plain.messages).toEqual(['{"n":1}']);
    expect(heard).toEqual([{ n: 1 }]);
    expect(typed.send({ n: 2 })).toBe(true);
    await browser.quiet();
    expect(browser.server.frames).toEqual(['{"n":2}']);
    typed.close();
  });

  it('mirrors the protocol the server chose, and "" while not open', async () => {
    const browser = new SimBrowser();
    browser.server.protocol = 'chat.v1';
    const leader = browser.open({ protocols: ['chat.v1'] });
    const follower = browser.open();
    expect(follower.socket.protocol).toBe('');
    await browser.advance(TAKEOVER);
    expect(leader.socket.protocol).toBe('chat.v1');
    expect(follower.socket.protocol).toBe('chat.v1');
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    expect(follower.socket.protocol).toBe('');
  });
});

describe('a follower while the connection is down', () => {
  it('queues under its own bounds, says false when full, and flushes in order on open', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [, follower] = list as [SimTab, SimTab];
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    expect(follower.types.slice(-2)).toEqual(['disconnected', 'reconnecting']);
    const bounded = browser.open({ queue: { maxMessages: 2 } });
    await browser.quiet();
    expect([bounded.send(), bounded.send(), bounded.send()]).toEqual([true, true, false]);
    expect(bounded.socket.queued).toEqual(['t3:1', 't3:2']);
    for (let i = 0; i < 3; i++) follower.send();
    browser.server.accepting = true;
    await browser.advance(100);
    expect(follower.state).toBe('reconnected');
    expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3']);
    expect(browser.framesOf(bounded)).toEqual(['t3:1', 't3:2']);
    // A tab that joined during the outage never had a connection: Connected, not Reconnected.
    expect(bounded.types).toEqual(['connecting', 'disconnected', 'reconnecting', 'reconnected']);
  });

  it('reports a queued message that expired, as a local socket does', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    const short = browser.open({ queue: { maxAge: 150 } });
    await browser.quiet();
    short.send();
    await browser.advance(200);
    browser.server.accepting = true;
    await browser.advance(100);
    expect(short.dropped).toEqual([{ data: 't3:1', reason: 'expired' }]);
    expect(browser.framesOf(short)).toEqual([]);
    expect(follower.state).toBe('reconnected');
  });

  it('sends again, in order, what the leader refused while its connection went down', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    // The follower still believes the leader open: its sends are in flight when the link drops.
    for (let i = 0; i < 3; i++) follower.send();
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual([]);
    expect(follower.socket.queued).toEqual(['t2:1', 't2:2', 't2:3']);
    follower.send();
    browser.server.accepting = true;
    await browser.advance(100);
    expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3', 't2:4']);
  });
});

describe('takeover', () => {
  it('after a crash: the next tab dials after the takeover delay, every tab sees a loss then reconnected', async () => {
    const { browser, tabs: list } = await tabs(4);
    const [leader, next, ...rest] = list as [SimTab, SimTab, SimTab, SimTab];
    leader.crash();
    await browser.quiet();
    expect(next.role).toBe('leader');
    expect(browser.server.connections).toHaveLength(1);
    await browser.advance(TAKEOVER);
    expect(browser.server.connections).toHaveLength(2);
    expect(browser.server.maxLive).toBe(1);
    for (const tab of [next, ...rest]) {
      expect(tab.types).toEqual([
        'connecting',
        'connected',
        'disconnected',
        'reconnecting',
        'reconnected',
      ]);
      const loss = tab.states[2] as Disconnected;
      expect([loss.code, loss.reason]).toEqual([1006, 'leader tab lost']);
    }
    browser.server.broadcast('after');
    await browser.quiet();
    for (const tab of [next, ...rest]) expect(tab.messages).toEqual(['after']);
  });

  it('after a page that went away: its bye tells 1001, and what it had not written goes again', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    follower.send();
    await browser.quiet();
    // Two more in flight when the page goes: the leader never reads them.
    follower.send();
    follower.send();
    leader.lifecycle.emit('leave');
    leader.crash();
    await browser.advance(TAKEOVER);
    const loss = follower.states[2] as Disconnected;
    expect([loss.code, loss.reason]).toEqual([1001, 'leader tab left']);
    expect(other.types).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'reconnected',
    ]);
    expect(follower.role).toBe('leader');
    expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3']);
    expect(browser.server.maxLive).toBe(1);
  });

  it('a follower promoted while its sends are queued writes them first, in order', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    for (let i = 0; i < 3; i++) follower.send();
    for (let i = 0; i < 2; i++) other.send();
    leader.crash();
    await browser.advance(TAKEOVER);
    expect(follower.role).toBe('leader');
    browser.server.accepting = true;
    await browser.advance(1000);
    expect(follower.state).toBe('reconnected');
    expect(other.state).toBe('reconnected');
    // Its own queue first (flushed before Reconnected is told), then the other tab's.
    expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3']);
    expect(browser.framesOf(other)).toEqual(['t3:1', 't3:2']);
    expect(browser.server.frames.slice(0, 3)).toEqual(['t2:1', 't2:2', 't2:3']);
    expect(browser.server.maxLive).toBe(1);
  });

  it('ignores what an old leader says late, once a newer leader spoke', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, , watcher] = list as [SimTab, SimTab, SimTab];
    const epochOf = (tab: SimTab) =>
      Math.max(
        ...browser.hub.posted
          .filter((p) => p.from === tab.id && (p.data as { type: string }).type === 'state')
          .map((p) => (p.data as { epoch: number }).epoch),
      );
    const oldEpoch = epochOf(leader);
    // A frame the old leader broadcast, still on its way to the watcher when its tab dies.
    browser.server.broadcast('late');
    const late = browser.hub.tasks.findIndex(
      (t) => t.kind === 'message' && t.to.tab === watcher.id && t.from === leader.id,
    );
    const [held] = browser.hub.tasks.splice(late, 1);
    expect(held?.kind).toBe('message');
    leader.crash();
    await browser.advance(TAKEOVER);
    expect(watcher.state).toBe('reconnected');
    expect(epochOf(list[1] as SimTab)).toBeGreaterThan(oldEpoch);
    // Now the late frame, and an old state and end that would end everything.
    const to = (held as unknown as { to: never }).to;
    const old = (data: object) =>
      browser.hub.tasks.push({
        kind: 'message',
        to,
        from: leader.id,
        data: { from: leader.id, epoch: oldEpoch, ...data },
      });
    browser.hub.tasks.push(held as (typeof browser.hub.tasks)[number]);
    old({
      type: 'state',
      stateVersion: 99,
      retryVersion: 99,
      state: { type: 'disconnected', code: 1006 },
      retry: { phase: 'idle', attempt: 0 },
      protocol: '',
    });
    old({
      type: 'end',
      state: { type: 'disconnected', code: 1008 },
      retry: { phase: 'idle', attempt: 0 },
    });
    old({ type: 'ack', next: { [watcher.id]: 99 } });
    await browser.quiet();
    expect(watcher.messages).toEqual([]);
    expect(watcher.types).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'reconnected',
    ]);
    expect(watcher.send()).toBe(true);
    await browser.quiet();
    expect(browser.framesOf(watcher)).toEqual(['t3:1']);
  });

  it('after a clean close of the last tab, a new one still waits the takeover delay', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, frozen] = list as [SimTab, SimTab];
    // The frozen tab is out of the queue: the leader's user closes, nobody waits, it goes.
    frozen.lifecycle.emit('freeze');
    await browser.quiet();
    leader.socket.close();
    await browser.quiet();
    expect(browser.server.live).toBe(0);
    expect(browser.hub.holder(LOCK)).toBeUndefined();
    frozen.lifecycle.emit('resume');
    await browser.quiet();
    expect(frozen.role).toBe('leader');
    expect(browser.server.connections).toHaveLength(1);
    await browser.advance(TAKEOVER);
    expect(browser.server.connections).toHaveLength(2);
    expect(frozen.state).toBe('reconnected');
  });
});

describe('close()', () => {
  it('in a follower ends only its part: the others keep the connection', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    follower.socket.close(4000, 'bye');
    await browser.quiet();
    expect(follower.types).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
    const last = follower.states.at(-1) as Disconnected;
    expect([last.code, last.reason]).toEqual([4000, 'bye']);
    expect(follower.send()).toBe(false);
    expect(() => follower.socket.reconnect()).toThrow(SocketEndedError);
    expect(browser.hub.waiting(LOCK)).toEqual(['t3']);
    browser.server.broadcast('still');
    await browser.quiet();
    expect(leader.messages).toEqual(['still']);
    expect(other.messages).toEqual(['still']);
    expect(follower.messages).toEqual([]);
    expect(browser.server.live).toBe(1);
  });

  it('in the leader ends its part, keeps leading for the others, and the last to go closes', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    leader.socket.close();
    await browser.quiet();
    expect(leader.types).toEqual(['connecting', 'connected', 'disconnecting', 'disconnected']);
    expect(browser.server.live).toBe(1);
    expect(browser.server.connections).toHaveLength(1);
    follower.send();
    browser.server.broadcast('relayed');
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(other.messages).toEqual(['relayed']);
    expect(leader.messages).toEqual([]);
    follower.socket.close();
    await browser.quiet();
    expect(browser.server.live).toBe(1);
    other.socket.close(4001, 'last one');
    await browser.quiet();
    expect(browser.server.live).toBe(0);
    expect(browser.hub.holder(LOCK)).toBeUndefined();
    // Nothing left: no timer of any tab, no listener of the page, no channel open.
    expect(browser.clock.live()).toBe(0);
    for (const tab of list) {
      expect(tab.lifecycle.size).toBe(0);
      expect(browser.hub.openChannels(tab.id)).toBe(0);
    }
  });

  it('a relaying leader also goes when the tabs it waited for crash (census)', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    leader.socket.close();
    await browser.quiet();
    follower.crash();
    await browser.advance(5_000);
    expect(browser.server.live).toBe(0);
    expect(browser.clock.live()).toBe(0);
  });

  it('refuses a close code a local socket refuses, and is idempotent', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    expect(() => follower.socket.close(1001)).toThrow(InvalidCloseError);
    expect(() => follower.socket.close(1000, 'x'.repeat(124))).toThrow(InvalidCloseError);
    follower.socket.close();
    follower.socket.close(4000);
    await browser.quiet();
    expect(follower.types.filter((t) => t === 'disconnected')).toHaveLength(1);
  });

  it('reports queued messages as dropped (closed), as a local socket does', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    follower.send();
    follower.send();
    follower.socket.close();
    await browser.quiet();
    expect(follower.dropped).toEqual([
      { data: 't2:1', reason: 'closed' },
      { data: 't2:2', reason: 'closed' },
    ]);
  });

  it('takeQueued hands the queued messages over without reports', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.quiet();
    follower.send();
    expect(follower.socket.takeQueued()).toEqual(['t2:1']);
    follower.socket.close();
    await browser.quiet();
    expect(follower.dropped).toEqual([]);
  });
});

describe('close() with messages in flight: each is written once or reported once', () => {
  type Task = SimBrowser['hub']['tasks'][number];
  const isSend = (from: SimTab, to: SimTab) => (t: Task) =>
    t.kind === 'message' && t.from === from.id && t.to.tab === to.id;
  /** Takes the next delivery from `from` to `to` out of the browser's tasks (a stalled tab). */
  const hold = (browser: SimBrowser, from: SimTab, to: SimTab): Task => {
    const i = browser.hub.tasks.findIndex(isSend(from, to));
    const [task] = browser.hub.tasks.splice(i, 1);
    if (i < 0 || !task) throw new Error(`nothing on its way from ${from.id} to ${to.id}`);
    return task;
  };
  const over = (browser: SimBrowser, tab: SimTab) =>
    browser.hub.openChannels(tab.id) === 0 && tab.clock.live === 0;

  it("a follower's message the leader refuses after the follower closed: onDrop, as a local socket says", async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    const leaderConnection = browser.server.connections[0] as FakeConnection;
    // A local socket on the same server, in the same situation, for comparison.
    const localDrops: string[] = [];
    const local = new WebSocket<string, string>(browser.url, {
      WebSocket: browser.server.implementationFor('local'),
      scheduler: browser.clock.forTab(),
      environment: null,
      onDrop: (data, reason) => localDrops.push(`${data} ${reason}`),
    });
    await browser.quiet();
    // The server's close frame came: both connections are CLOSING, with no close event yet.
    leaderConnection.readyState = 2;
    (browser.server.connections[1] as FakeConnection).readyState = 2;
    expect(local.send('local:1')).toBe(true);
    expect(follower.send()).toBe(true);
    local.close();
    follower.socket.close();
    await browser.advance(10_000);
    expect(localDrops).toEqual(['local:1 closed']);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
    expect(browser.server.frames).toEqual([]);
    // Its part is over once the verdict is in: nothing of it is left.
    expect(browser.hub.openChannels(follower.id)).toBe(0);
    expect(follower.clock.live).toBe(0);
  });

  it('a healthy leader writes them all: no report, and the part ends once they are acknowledged', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    for (let i = 0; i < 3; i++) follower.send();
    follower.socket.close();
    expect(over(browser, follower)).toBe(false);
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3']);
    expect(follower.dropped).toEqual([]);
    // No time passed: the acknowledgements ended it, not the linger.
    expect(over(browser, follower)).toBe(true);
  });

  it('reports in the order send accepted them: those in flight, then those queued behind', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    expect(follower.send()).toBe(true);
    // The connection drops before the leader reads t2:1; the follower hears of it first.
    (browser.server.connections[0] as FakeConnection).end(1006, '');
    await browser.hub.runFirst(isSend(leader, follower));
    expect(follower.state).toBe('reconnecting');
    expect(follower.send()).toBe(true);
    expect(follower.socket.queued).toEqual(['t2:2']);
    follower.socket.close();
    await browser.quiet();
    expect(follower.dropped).toEqual([
      { data: 't2:1', reason: 'closed' },
      { data: 't2:2', reason: 'closed' },
    ]);
    expect(over(browser, follower)).toBe(true);
  });

  it('the leader crashes: what it acknowledged is not reported; the rest is, once none can be written', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    follower.send();
    // The leader reads and writes t2:1 (and acknowledges it in that task), then dies.
    await browser.hub.runFirst(isSend(follower, leader));
    follower.send();
    follower.socket.close();
    leader.crash();
    await browser.advance(RELAY_WINDOW - 1);
    // A new leader took over meanwhile: it says nothing about what the old one had.
    expect(other.role).toBe('leader');
    expect(follower.dropped).toEqual([]);
    expect(over(browser, follower)).toBe(false);
    await browser.advance(LINGER - RELAY_WINDOW + 1);
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    expect(browser.server.maxLive).toBe(1);
  });

  it('a leader that reads it too late refuses it: never reported, then written', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    follower.socket.close();
    // The leader's page stalls: the message reaches it only after the follower gave up on it.
    const late = hold(browser, follower, leader);
    await browser.advance(LINGER);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    browser.hub.tasks.push(late);
    await browser.quiet();
    expect(browser.server.frames).toEqual([]);
    expect(browser.hub.posted.at(-1)?.data).toMatchObject({
      type: 'nack',
      late: expect.any(Number),
    });
  });

  it('an open follower whose message came too late sends it again at once', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    const late = hold(browser, follower, leader);
    await browser.advance(RELAY_WINDOW);
    browser.hub.tasks.push(late);
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([]);
    expect(follower.socket.queued).toEqual([]);
  });

  it("the leader's page goes away: its bye says what it wrote, the rest is reported at once", async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower] = list as [SimTab, SimTab, SimTab];
    follower.send();
    follower.send();
    await browser.hub.runFirst(isSend(follower, leader));
    follower.socket.close();
    leader.lifecycle.emit('leave');
    leader.crash();
    const at = browser.clock.now();
    await browser.quiet();
    expect(browser.clock.now()).toBe(at);
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
  });

  it('the shared connection ends: what the leader did not write is reported, closing or not', async () => {
    const browser = new SimBrowser();
    const [leader, follower, closing] = [0, 1, 2].map(() =>
      browser.open({ shouldReconnect: (close) => close.code !== 4008 }),
    ) as [SimTab, SimTab, SimTab];
    await browser.advance(TAKEOVER);
    follower.send();
    closing.send();
    await browser.hub.runFirst(isSend(follower, leader));
    follower.send();
    closing.socket.close();
    (browser.server.connections[0] as FakeConnection).end(4008, 'policy');
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(closing.dropped).toEqual([{ data: 't3:1', reason: 'closed' }]);
    expect(over(browser, closing)).toBe(true);
  });

  it('its own page goes away while it waits: it stops at once; the leader writes what reached it', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    follower.send();
    follower.socket.close();
    follower.lifecycle.emit('leave');
    expect(over(browser, follower)).toBe(true);
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([]);
  });

  it('promoted while closing (the lock was on its way): it never leads, and still reports', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower, other] = list as [SimTab, SimTab, SimTab];
    follower.send();
    leader.crash();
    // The lock is granted to the follower, in a task not run yet, when its user closes it.
    expect(browser.hub.holder(LOCK)).toBe(follower.id);
    follower.socket.close();
    await browser.advance(LINGER);
    expect(follower.roles).not.toContain('leader');
    expect(other.role).toBe('leader');
    expect(other.state).toBe('reconnected');
    expect(browser.framesOf(follower)).toEqual([]);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    expect(browser.server.maxLive).toBe(1);
  });

  it('a close() from a callback wins over a send after it, as on a local socket', async () => {
    const { browser, tabs: list } = await tabs(2);
    const follower = list[1] as SimTab;
    const local = new WebSocket<string, string>(browser.url, {
      WebSocket: browser.server.implementationFor('local'),
      scheduler: browser.clock.forTab(),
      environment: null,
    });
    await browser.quiet();
    const results: boolean[] = [];
    for (const socket of [local, follower.socket]) {
      socket.messages.subscribe(() => {
        socket.close();
        results.push(socket.send('after close'));
      });
    }
    browser.server.broadcast('go');
    await browser.quiet();
    expect(results).toEqual([false, false]);
    expect(browser.server.frames).toEqual([]);
  });
});

describe('verdicts across the lock and the channel, and the clocks tabs share', () => {
  type Task = SimBrowser['hub']['tasks'][number];
  const toTab = (tab: SimTab) => (t: Task) => t.kind === 'message' && t.to.tab === tab.id;
  /** Takes every delivery to `tab` out of the browser's tasks, in order: its page stalls. */
  const stall = (browser: SimBrowser, tab: SimTab): Task[] => {
    const tasks = browser.hub.tasks;
    const held = tasks.filter(toTab(tab));
    tasks.splice(0, tasks.length, ...tasks.filter((t) => !toTab(tab)(t)));
    return held;
  };
  /** Every tab's wall clock moves by `ms`; timers keep their own time, as in a browser. */
  const shiftWallClock = (browser: SimBrowser, ms: number) => {
    for (const tab of browser.tabs) {
      const now = tab.clock.now.bind(tab.clock);
      tab.clock.now = () => now() + ms;
    }
  };
  const over = (browser: SimBrowser, tab: SimTab) =>
    browser.hub.openChannels(tab.id) === 0 && tab.clock.live === 0;
  /** t2 had t2:1 in flight to t1 when t1 crashed; the lock's grant came: t2 takes over. */
  const takingOverWithOneInFlight = async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    stall(browser, leader);
    follower.send();
    leader.crash();
    expect(await browser.hub.runFirst((t) => t.kind === 'grant')).toBe(true);
    return { browser, follower };
  };

  it("a frozen leader's bye that comes after the lock's grant still settles what it had: sent on the new connection", async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    stall(browser, leader); // it froze before reading it
    leader.lifecycle.emit('freeze'); // bye (it wrote nothing of t2), shut, release
    await new Promise((resolve) => setImmediate(resolve));
    // The lock manager and the channel are different pipes: the grant arrives first.
    expect(await browser.hub.runFirst((t) => t.kind === 'grant')).toBe(true);
    await browser.advance(10_000);
    expect(follower.role).toBe('leader');
    expect(follower.state).toBe('reconnected');
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    expect(follower.dropped).toEqual([]);
    expect(browser.server.maxLive).toBe(1);
  });

  it("the shared connection's end after the grant: what the leader did not write is reported", async () => {
    const browser = new SimBrowser();
    for (let i = 0; i < 2; i++) browser.open({ shouldReconnect: (close) => close.code !== 4008 });
    await browser.advance(TAKEOVER);
    const [leader, follower] = browser.tabs as [SimTab, SimTab];
    follower.send();
    stall(browser, leader);
    (browser.server.connections[0] as FakeConnection).end(4008, 'policy');
    await browser.hub.runFirst((t) => t.kind === 'other');
    await new Promise((resolve) => setImmediate(resolve));
    // The leader posted its end and let go of the lock; the grant is heard first.
    expect(await browser.hub.runFirst((t) => t.kind === 'grant')).toBe(true);
    await browser.advance(10_000);
    expect(follower.state).toBe('disconnected');
    expect(browser.framesOf(follower)).toEqual([]);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
  });

  for (const skew of [10_000, -10_000]) {
    it(`a leader whose clock is ${skew / 1000} s off: the follower says so once, and its messages are written`, async () => {
      const browser = new SimBrowser();
      const leader = browser.open();
      const follower = browser.open();
      // A scheduler of its own in one tab (fake timers, performance.now()): not the wall clock.
      const now = leader.clock.now.bind(leader.clock);
      leader.clock.now = () => now() + skew;
      await browser.advance(TAKEOVER);
      expect(follower.state).toBe('connected');
      for (let i = 0; i < 3; i++) follower.send();
      await browser.quiet();
      expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3']);
      expect(follower.errors).toHaveLength(1);
      const [error] = follower.errors as [TabClockError];
      expect(error).toBeInstanceOf(TabClockError);
      expect(error.code).toBe('TAB_CLOCK_SKEW');
      expect(error.message).toMatch(/clocks disagree.*Date\.now/);
      // Closed with one in flight to a leader that stalls: without a deadline it is in doubt.
      follower.send();
      const held = stall(browser, leader);
      follower.socket.close();
      await browser.advance(2 * LINGER);
      expect(over(browser, follower)).toBe(true);
      expect(follower.dropped).toEqual([]);
      browser.hub.tasks.push(...held);
      await browser.quiet();
      expect(browser.framesOf(follower)).toEqual(['t2:1', 't2:2', 't2:3', 't2:4']);
    });
  }

  it('an onError that throws is rethrown outside the step: the refused message still goes again', async () => {
    const real = globalThis.queueMicrotask.bind(globalThis);
    const thrown: unknown[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) =>
      real(() => {
        try {
          task();
        } catch (error) {
          thrown.push(error);
        }
      }),
    );
    try {
      const browser = new SimBrowser();
      const leader = browser.open();
      const follower = browser.open({
        onError: () => {
          throw new Error('onError bug');
        },
      });
      const now = leader.clock.now.bind(leader.clock);
      leader.clock.now = () => now() + 10_000;
      await browser.advance(TAKEOVER);
      follower.send();
      await browser.quiet();
      expect(browser.framesOf(follower)).toEqual(['t2:1']);
      expect(thrown).toEqual([new Error('onError bug')]);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('the wall clock set back between the hand-over and close(): it waits for the deadline of the hand-over', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send(); // its deadline: now + the relay window
    shiftWallClock(browser, -10_000);
    follower.socket.close();
    const held = stall(browser, leader);
    await browser.advance(LINGER);
    // By the wall clock, the leader may still write it: no report yet.
    expect(follower.dropped).toEqual([]);
    expect(over(browser, follower)).toBe(false);
    // The leader reads it now, 10 s before its hand-over by the wall clock: it refuses it.
    browser.hub.tasks.push(...held);
    await browser.quiet();
    expect(browser.framesOf(follower)).toEqual([]);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
    expect(follower.errors).toEqual([]);
    expect(over(browser, follower)).toBe(true);
  });

  it('a wall clock set back an hour while it waits on a vanished leader: it lets go within twice the linger', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, follower] = list as [SimTab, SimTab, SimTab];
    stall(browser, leader);
    follower.send();
    leader.crash();
    follower.socket.close();
    shiftWallClock(browser, -3_600_000);
    await browser.advance(2 * LINGER);
    expect(over(browser, follower)).toBe(true);
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
  });

  it('its page goes away while it waits: what was never handed over is reported, what was is not', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send(); // t2:1, handed over
    const held = stall(browser, leader);
    browser.server.dropAll();
    await browser.quiet();
    expect(follower.state).toBe('reconnecting');
    follower.send(); // t2:2, queued: no open connection is known
    expect(follower.socket.queued).toEqual(['t2:2']);
    follower.socket.close();
    follower.lifecycle.emit('leave');
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    browser.hub.tasks.push(...held);
    await browser.advance(10_000);
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
  });

  it('closed while taking over from a crashed leader: it waits on that one, then reports both, in order', async () => {
    const { browser, follower } = await takingOverWithOneInFlight();
    expect(follower.role).toBe('leader'); // taking over
    follower.send(); // t2:2, queued: no open connection yet
    expect(follower.socket.queued).toEqual(['t2:2']);
    follower.socket.close(); // within the takeover delay
    await browser.advance(2 * LINGER);
    expect(over(browser, follower)).toBe(true);
    expect(browser.framesOf(follower)).toEqual([]);
    expect(follower.dropped).toEqual([
      { data: 't2:1', reason: 'closed' },
      { data: 't2:2', reason: 'closed' },
    ]);
  });

  it("closed while taking over, the frozen leader's bye still on its way: the bye is its verdict", async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    stall(browser, leader);
    leader.lifecycle.emit('freeze'); // bye (it wrote nothing of t2), shut, release
    await new Promise((resolve) => setImmediate(resolve));
    expect(await browser.hub.runFirst((t) => t.kind === 'grant')).toBe(true);
    follower.socket.close();
    expect(over(browser, follower)).toBe(false);
    await browser.quiet();
    // Heard at once, not after the linger.
    expect(follower.dropped).toEqual([{ data: 't2:1', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    expect(browser.framesOf(follower)).toEqual([]);
  });

  for (const how of ['froze, its ack late', 'crashed before its ack'] as const) {
    it(`frozen while taking over from a leader that wrote it (${how}): in doubt, never reported later`, async () => {
      const { browser, tabs: list } = await tabs(3);
      const [leader, follower] = list as [SimTab, SimTab, SimTab];
      follower.send();
      while (await browser.hub.runFirst(toTab(leader))) {}
      expect(browser.framesOf(follower)).toEqual(['t2:1']);
      const toFollower = stall(browser, follower); // its ack waits in t2's task queue
      if (how === 'crashed before its ack') leader.crash();
      else leader.lifecycle.emit('freeze');
      await new Promise((resolve) => setImmediate(resolve));
      const grant = (t: Task) => t.kind === 'grant' && t.request.tab === follower.id;
      expect(await browser.hub.runFirst(grant)).toBe(true);
      follower.lifecycle.emit('freeze'); // within the takeover delay
      if (how === 'froze, its ack late') browser.hub.tasks.push(...toFollower);
      await browser.advance(1_000); // the third tab takes over
      follower.lifecycle.emit('resume');
      await browser.advance(1_000);
      expect(follower.state).toBe('reconnected');
      follower.socket.close();
      await browser.advance(2 * LINGER);
      expect(over(browser, follower)).toBe(true);
      expect(browser.framesOf(follower)).toEqual(['t2:1']);
      expect(follower.dropped).toEqual([]);
    });
  }

  it('one late refusal after a wall clock stepped back is no skew: sent again, no TabClockError', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    shiftWallClock(browser, -200); // an NTP step: the leader reads it 5.2 s before its deadline
    while (await browser.hub.runFirst(toTab(leader))) {}
    const refusal = stall(browser, follower);
    await browser.advance(300); // the follower's page is busy meanwhile
    browser.hub.tasks.push(...refusal);
    await browser.quiet();
    expect(follower.errors).toEqual([]);
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    // Deadlines still on: closed with one in flight to a stalled leader, it is reported.
    follower.send();
    stall(browser, leader);
    follower.socket.close();
    await browser.advance(2 * LINGER);
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
  });

  it("closed in the app's own pagehide listener, after the library heard the page go: no wait, queued ones reported", async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send(); // t2:1, handed over
    stall(browser, leader);
    browser.server.dropAll();
    await browser.quiet();
    follower.send(); // t2:2, queued
    follower.lifecycle.emit('leave'); // the library's listener runs first
    follower.socket.close(); // then the app's
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
  });

  it('its page goes away while it takes over, then the app closes: the queue is reported, the lock let go', async () => {
    const { browser, follower } = await takingOverWithOneInFlight();
    follower.send(); // t2:2, queued
    follower.lifecycle.emit('leave'); // the library's pagehide listener
    follower.socket.close(); // the app's
    expect(follower.dropped).toEqual([{ data: 't2:2', reason: 'closed' }]);
    expect(over(browser, follower)).toBe(true);
    await browser.quiet(); // the lock goes as its callback's promise settles
    expect(browser.hub.holder(LOCK)).toBeUndefined();
  });

  it('a page going away leaves the lock queue: it is never handed the lock', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.lifecycle.emit('leave');
    leader.lifecycle.emit('freeze');
    await browser.advance(10_000);
    expect(follower.roles).not.toContain('leader');
    expect(browser.hub.holder(LOCK)).toBeUndefined();
    expect(browser.server.live).toBe(0);
  });

  it('clocks that disagree are told even when each refused message expires before its second try', async () => {
    const { browser, tabs: list } = await tabs(1);
    const follower = browser.open({ queue: { maxAge: 5 } });
    await browser.advance(TAKEOVER);
    const leader = list[0] as SimTab;
    const now = leader.clock.now.bind(leader.clock);
    leader.clock.now = () => now() + 10_000;
    for (let i = 0; i < 3; i++) {
      follower.send();
      // The leader's page is busy 10 ms before it reads the channel: the refused copy expires.
      const held = stall(browser, leader);
      await browser.advance(10);
      browser.hub.tasks.push(...held);
      await browser.quiet();
    }
    expect(follower.errors.filter((e) => e instanceof TabClockError)).toHaveLength(1);
    // From then on without deadlines: what it sends is written.
    follower.send();
    await browser.quiet();
    expect(browser.framesOf(follower).at(-1)).toBe(`${follower.id}:4`);
    // Every message is written once or reported once.
    const reported = follower.dropped.map((d) => d.data);
    for (const m of follower.accepted) {
      expect(Number(browser.framesOf(follower).includes(m)) + Number(reported.includes(m))).toBe(1);
    }
  });

  for (const how of ['expired', 'taken'] as const) {
    it(`a refused message ${how} from the queue leaves no gap: the next one takes its number and is written`, async () => {
      const browser = new SimBrowser();
      browser.open();
      const follower = browser.open({ queue: { maxAge: 50 } });
      await browser.advance(TAKEOVER);
      // The leader's connection is CLOSING (its close frame came): it refuses the message.
      (browser.server.connections[0] as FakeConnection).readyState = 2;
      follower.send(); // t2:1, refused, back in the queue
      await browser.quiet();
      expect(follower.socket.queued).toEqual(['t2:1']);
      if (how === 'taken') expect(follower.socket.takeQueued()).toEqual(['t2:1']);
      browser.server.dropAll();
      await browser.advance(5_000); // reconnected; t2:1 expired meanwhile, or was taken
      expect(follower.state).toBe('reconnected');
      follower.send();
      follower.send();
      await browser.quiet();
      expect(browser.framesOf(follower)).toEqual(['t2:2', 't2:3']);
      expect(follower.dropped).toEqual(
        how === 'expired' ? [{ data: 't2:1', reason: 'expired' }] : [],
      );
    });
  }

  it('a leader granted the lock without hearing of a newer epoch takes one: no tab is left out', async () => {
    // Three grants in one millisecond of the wall clock (the simulated clock stands still): the
    // second leader's epoch is the first's + 1, and a tab that heard of neither takes the clock's.
    const browser = new SimBrowser();
    for (let i = 0; i < 3; i++) browser.open();
    const [t1, t2, t3] = browser.tabs as [SimTab, SimTab, SimTab];
    await browser.quiet();
    t3.lifecycle.emit('freeze');
    t1.crash();
    await browser.quiet();
    t2.lifecycle.emit('freeze'); // while it takes over
    const t4 = browser.open();
    t2.lifecycle.emit('resume');
    t3.lifecycle.emit('resume');
    await browser.advance(10_000);
    expect(t4.role).toBe('leader');
    for (const tab of [t2, t3, t4]) expect(['connected', 'reconnected']).toContain(tab.state);
    expect(browser.server.maxLive).toBe(1);
  });

  it('frozen while it waits, resumed late: an acknowledgement on its way is heard before it gives up', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    follower.send();
    follower.socket.close();
    // The leader writes it; the follower's page freezes before the acknowledgement reaches it.
    while (await browser.hub.runFirst(toTab(leader))) {}
    expect(browser.framesOf(follower)).toEqual(['t2:1']);
    follower.lifecycle.emit('freeze');
    const acks = stall(browser, follower);
    await browser.advance(60_000);
    expect(follower.dropped).toEqual([]);
    follower.lifecycle.emit('resume');
    browser.hub.tasks.push(...acks);
    await browser.advance(LINGER);
    expect(follower.dropped).toEqual([]);
    expect(over(browser, follower)).toBe(true);
  });
});

describe('retry now', () => {
  it("a follower's reconnect() skips the leader's backoff wait", async () => {
    const browser = new SimBrowser();
    const slow = { next: () => 60_000, reset: () => {} };
    const list = [0, 1].map(() => browser.open({ backoff: slow }));
    await browser.advance(TAKEOVER);
    browser.server.accepting = false;
    browser.server.dropAll();
    await browser.advance(1000);
    const follower = list[1] as SimTab;
    expect(follower.socket.retry.state.phase).toBe('waiting');
    const attempts = browser.server.connections.length;
    browser.server.accepting = true;
    follower.socket.reconnect();
    await browser.quiet();
    expect(browser.server.connections).toHaveLength(attempts + 1);
    expect(follower.state).toBe('reconnected');
  });
});

describe('the end of the shared connection', () => {
  it('ends every tab when the leader’s policy stops reconnecting, with the same Disconnected', async () => {
    const browser = new SimBrowser();
    const list = [0, 1, 2].map(() =>
      browser.open({ shouldReconnect: (close) => close.code !== 4008 }),
    );
    await browser.advance(TAKEOVER);
    const [connection] = browser.server.connections;
    connection?.end(4008, 'policy');
    await browser.quiet();
    for (const tab of list) {
      expect(tab.types).toEqual(['connecting', 'connected', 'disconnected']);
      const last = tab.states.at(-1) as Disconnected;
      expect([last.code, last.reason]).toEqual([4008, 'policy']);
      expect(tab.socket.send('x')).toBe(false);
    }
    expect(browser.hub.holder(LOCK)).toBeUndefined();
    expect(browser.hub.waiting(LOCK)).toEqual([]);
    expect(browser.clock.live()).toBe(0);
  });

  it('carries typed errors across tabs: a timed-out attempt is a ConnectTimeoutError in every tab', async () => {
    const browser = new SimBrowser();
    browser.server.answering = false;
    const list = [0, 1].map(() => browser.open({ timeout: 100, giveUpAfter: 0 }));
    await browser.advance(TAKEOVER + 100);
    for (const tab of list) {
      expect(tab.types).toEqual(['connecting', 'disconnected']);
      const last = tab.states.at(-1) as Disconnected;
      expect([last.code, last.reason]).toEqual([1006, 'connection timeout']);
      const { lastError } = tab.socket.retry.state;
      expect(lastError).toBeInstanceOf(ConnectTimeoutError);
      expect((lastError as ConnectTimeoutError).code).toBe('CONNECT_TIMEOUT');
    }
  });

  it('mirrors the retry state: attempt, when the next one starts, the last close', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    browser.server.accepting = false;
    const lostAt = browser.clock.now();
    browser.server.dropAll();
    await browser.advance(1);
    // The connection did not last `minUptime`: the retry waits the backoff (flap protection).
    const retry = follower.socket.retry.state;
    expect(retry.phase).toBe('waiting');
    expect(retry.attempt).toBe(1);
    expect(retry.retryAt).toBe(lostAt + 100);
    expect(retry.lastClose?.code).toBe(1006);
    // The same facts as the leader's own retry state, phase by phase.
    const facts = (tab: SimTab) =>
      tab.retries.map(
        (r) => `${r.phase} ${r.attempt} ${r.retryAt ?? '-'} ${r.lastClose?.code ?? '-'}`,
      );
    expect(facts(follower)).toEqual(facts(leader));
  });
});

describe('freeze and resume', () => {
  it('a freezing leader steps down: another dials after the delay; it follows on resume', async () => {
    const { browser, tabs: list } = await tabs(2);
    const [leader, follower] = list as [SimTab, SimTab];
    leader.lifecycle.emit('freeze');
    await browser.advance(TAKEOVER);
    expect(leader.role).toBe('follower');
    expect(follower.role).toBe('leader');
    expect(browser.server.maxLive).toBe(1);
    expect(browser.hub.waiting(LOCK)).toEqual([]);
    leader.lifecycle.emit('resume');
    await browser.quiet();
    expect(browser.hub.waiting(LOCK)).toEqual(['t1']);
    expect(leader.types).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
      'reconnected',
    ]);
    expect(follower.state).toBe('reconnected');
  });

  it('a frozen follower leaves the queue, so the lock is never handed to a tab that cannot run', async () => {
    const { browser, tabs: list } = await tabs(3);
    const [leader, frozen, other] = list as [SimTab, SimTab, SimTab];
    frozen.lifecycle.emit('freeze');
    await browser.quiet();
    expect(browser.hub.waiting(LOCK)).toEqual(['t3']);
    leader.crash();
    await browser.advance(TAKEOVER);
    expect(other.role).toBe('leader');
    frozen.lifecycle.emit('resume');
    await browser.quiet();
    expect(frozen.state).toBe('reconnected');
  });
});

describe('where tabs cannot meet', () => {
  it('without Web Locks it is an ordinary socket of its own, and says standalone', async () => {
    const browser = new SimBrowser();
    const socket = new SharedWebSocket<string, string>(browser.url, {
      channel: 'test',
      locks: null,
      WebSocket: browser.server.implementationFor('solo'),
      scheduler: browser.clock.forTab(),
      environment: null,
    });
    expect(socket.role.state).toBe('standalone');
    await browser.quiet();
    expect(socket.connection.state.type).toBe('connected');
    expect(socket.send('solo')).toBe(true);
    expect(browser.server.frames).toEqual(['solo']);
    socket.close();
    await browser.quiet();
    expect(browser.server.live).toBe(0);
  });

  it('where the lock manager refuses (an opaque origin), it says so and goes on alone', async () => {
    const browser = new SimBrowser();
    const refusal = new DOMException('The request was denied.', 'SecurityError');
    const errors: unknown[] = [];
    const socket = new SharedWebSocket<string, string>(browser.url, {
      channel: 'test',
      locks: { request: () => Promise.reject(refusal) },
      BroadcastChannel: browser.hub.channelFor('alone'),
      WebSocket: browser.server.implementationFor('alone'),
      scheduler: browser.clock.forTab(),
      environment: null,
      lifecycle: null,
      onError: (error) => errors.push(error),
    });
    await browser.advance(TAKEOVER);
    expect(errors).toEqual([refusal]);
    expect(socket.connection.state.type).toBe('connected');
    socket.close();
    await browser.advance(5_000);
    expect(browser.server.live).toBe(0);
  });

  it('without BroadcastChannel too; the factory gives the same', () => {
    const make = sharedSocket('test', { BroadcastChannel: null });
    const socket = make('ws://tabs.test/', {
      WebSocket: new SimBrowser().server.implementationFor('x'),
    });
    expect(socket).toBeInstanceOf(SharedWebSocket);
    expect(socket.role.state).toBe('standalone');
    socket.close();
  });

  it('refuses at once, in every tab, what a local socket refuses at once', () => {
    const browser = new SimBrowser();
    const base = {
      channel: 'test',
      locks: browser.hub.locksFor('x'),
      BroadcastChannel: browser.hub.channelFor('x'),
      WebSocket: browser.server.implementationFor('x'),
    };
    expect(() => new SharedWebSocket('http//nope', base)).toThrow(InvalidUrlError);
    expect(() => new SharedWebSocket(browser.url, { ...base, channel: '' })).toThrow(
      InvalidOptionError,
    );
    expect(() => new SharedWebSocket(browser.url, { ...base, takeoverDelay: -1 })).toThrow(
      InvalidOptionError,
    );
    expect(
      () => new SharedWebSocket(browser.url, { ...base, queue: { maxMessages: Number.NaN } }),
    ).toThrow(InvalidOptionError);
    const { WebSocket: _, ...noImplementation } = base;
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    delete global.WebSocket;
    try {
      expect(() => new SharedWebSocket(browser.url, noImplementation)).toThrow(NoWebSocketError);
    } finally {
      if (saved) global.WebSocket = saved;
    }
    expect(browser.hub.tasks).toHaveLength(0);
    expect(WebSocket).toBeDefined();
    expect(ConnectTimeoutError).toBeDefined();
  });
});
