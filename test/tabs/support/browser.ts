import type { ConnectionState, Data, DropReason, RetryState } from '../../../src/core';
import {
  type Lifecycle,
  type LifecycleSignal,
  type Role,
  SharedWebSocket,
  type SharedWebSocketOptions,
} from '../../../src/tabs';
import { SharedClock, type TabClock } from './clock';
import { FakeServer } from './fake-server';
import { TabHub } from './tab-hub';

export class FakeLifecycle implements Lifecycle {
  #listeners: ((signal: LifecycleSignal) => void)[] = [];
  subscribe(listener: (signal: LifecycleSignal) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }
  emit(signal: LifecycleSignal): void {
    for (const listener of this.#listeners) listener(signal);
  }
  get size(): number {
    return this.#listeners.length;
  }
}

/** One simulated tab: a SharedWebSocket on the in-memory platform, and what it heard. */
export class SimTab {
  readonly socket: SharedWebSocket<string, string>;
  readonly clock: TabClock;
  readonly lifecycle = new FakeLifecycle();
  readonly states: ConnectionState[] = [];
  readonly retries: RetryState[] = [];
  readonly roles: Role[] = [];
  readonly messages: string[] = [];
  readonly dropped: { data: string; reason: DropReason }[] = [];
  readonly errors: unknown[] = [];
  /** What `send` accepted, in order. */
  readonly accepted: string[] = [];
  /** What `takeQueued` gave back. */
  readonly taken: string[] = [];
  readonly refused: string[] = [];
  #sent = 0;

  constructor(
    readonly browser: SimBrowser,
    readonly id: string,
    options: Partial<SharedWebSocketOptions<string, string>> = {},
  ) {
    this.clock = browser.clock.forTab();
    this.socket = new SharedWebSocket<string, string>(browser.url, {
      channel: 'test',
      tabId: id,
      locks: browser.hub.locksFor(id),
      BroadcastChannel: browser.hub.channelFor(id),
      WebSocket: browser.server.implementationFor(id),
      lifecycle: this.lifecycle,
      scheduler: this.clock,
      environment: null,
      backoff: { next: () => 100, reset: () => {} },
      onDrop: (data, reason) => this.dropped.push({ data, reason }),
      onError: (error) => this.errors.push(error),
      ...options,
    });
    this.socket.connection.subscribe((state) => this.states.push(state));
    this.socket.retry.subscribe((retry) => this.retries.push(retry));
    this.socket.role.subscribe((role) => this.roles.push(role));
    this.socket.messages.subscribe((message) => this.messages.push(message));
    this.socket.connection
      .firstWhere(() => false)
      .catch(() => {
        this.ended = true;
      });
  }

  /** Its part has ended (closed, or the shared connection ended): its state stream completed. */
  ended = false;

  get state(): ConnectionState['type'] {
    return this.socket.connection.state.type;
  }

  get role(): Role {
    return this.socket.role.state;
  }

  get types(): string[] {
    return this.states.map((s) => s.type);
  }

  /** Sends the tab's next numbered message ("id:n") and records whether it was accepted. */
  send(): boolean {
    const data = `${this.id}:${++this.#sent}`;
    const ok = this.socket.send(data);
    (ok ? this.accepted : this.refused).push(data);
    return ok;
  }

  /** Takes the queued messages back, as an app moving them to another socket does. */
  take(): void {
    this.taken.push(...this.socket.takeQueued());
  }

  /** The renderer is gone: no more tasks, timers or connections of this tab. */
  crash(): void {
    this.clock.dead = true;
    this.browser.hub.crash(this.id);
    this.browser.server.kill(this.id);
  }

  get dead(): boolean {
    return this.browser.hub.isDead(this.id);
  }
}

/** Tabs of one browser profile, the server they share, and one clock. */
export class SimBrowser {
  readonly hub = new TabHub();
  readonly server = new FakeServer(this.hub);
  readonly clock = new SharedClock();
  readonly tabs: SimTab[] = [];
  readonly url = 'ws://tabs.test/';
  #ids = 0;

  open(options: Partial<SharedWebSocketOptions<string, string>> = {}): SimTab {
    const tab = new SimTab(this, `t${++this.#ids}`, options);
    this.tabs.push(tab);
    return tab;
  }

  /** Runs every task, and every timer due now, until nothing is left at this instant. */
  async quiet(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.hub.settle();
      if (!this.clock.step(0)) {
        await this.hub.settle();
        if (!this.hub.tasks.length) return;
      }
    }
    throw new Error('no rest at this instant after 1000 rounds');
  }

  /** Moves time by `ms`, quieting after each timer. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    await this.quiet();
    for (;;) {
      const next = this.clock.next;
      if (next === undefined || next > until) break;
      this.clock.step(until - this.clock.now());
      await this.quiet();
    }
    this.clock.advance(until - this.clock.now());
    await this.quiet();
  }

  /** Tabs taking part that say they lead. */
  get leaders(): SimTab[] {
    return this.tabs.filter((t) => !t.dead && !t.ended && t.role === 'leader');
  }

  /** Frames of `tab` the server received, in order. */
  framesOf(tab: SimTab): Data[] {
    return this.server.frames.filter((f) => typeof f === 'string' && f.startsWith(`${tab.id}:`));
  }
}
