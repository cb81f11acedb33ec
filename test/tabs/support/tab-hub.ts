import type {
  BroadcastChannelImplementation,
  BroadcastChannelLike,
  LockManagerLike,
} from '../../../src/tabs';

/** Lets every queued microtask (and the ones they queue) run. */
export const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Something the browser does later, in a task of its own. */
type Task =
  | {
      readonly kind: 'message';
      readonly to: HubChannel;
      readonly from: string;
      readonly data: unknown;
    }
  | { readonly kind: 'grant'; readonly request: LockRequest }
  | { readonly kind: 'other'; readonly tab: string | undefined; readonly run: () => void };

interface LockRequest {
  readonly tab: string;
  readonly name: string;
  readonly callback: (lock: unknown) => Promise<void> | void;
  readonly settle: { resolve(value: unknown): void; reject(error: unknown): void };
  readonly signal: AbortSignal | undefined;
}

class HubChannel implements BroadcastChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(
    readonly hub: TabHub,
    readonly tab: string,
    readonly name: string,
  ) {}
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('InvalidStateError: the channel is closed');
    this.hub.post(this, message);
  }
  close(): void {
    this.closed = true;
  }
}

/**
 * An in-memory browser profile: BroadcastChannels and Web Locks shared by simulated tabs, with
 * every delivery and lock grant a task the test runs when it likes (`run`, `runFor`, `settle`),
 * so interleavings that a real browser makes rare can be made on purpose. Messages from one
 * sender reach each receiver in order, as BroadcastChannel promises; a structured clone of each
 * message is what arrives. A tab can crash: its channels go silent, its locks are released, its
 * requests vanish, and what it posted before still arrives.
 */
export class TabHub {
  readonly tasks: Task[] = [];
  readonly #channels = new Set<HubChannel>();
  readonly #held = new Map<string, LockRequest>();
  readonly #queues = new Map<string, LockRequest[]>();
  readonly #dead = new Set<string>();
  /** Every message posted, in order, for the tests' inspection. */
  readonly posted: { readonly from: string; readonly data: unknown }[] = [];

  /** The BroadcastChannel constructor a tab sees. */
  channelFor(tab: string): BroadcastChannelImplementation {
    const hub = this;
    return class {
      constructor(name: string) {
        if (hub.#dead.has(tab)) throw new Error(`tab ${tab} is dead`);
        const channel = new HubChannel(hub, tab, name);
        hub.#channels.add(channel);
        // biome-ignore lint/correctness/noConstructorReturn: the instance is the hub's channel
        return channel;
      }
    } as unknown as BroadcastChannelImplementation;
  }

  /** The `navigator.locks` a tab sees. */
  locksFor(tab: string): Required<LockManagerLike> {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          if (this.#dead.has(tab)) return;
          const { signal } = options;
          if (signal?.aborted) return reject(signal.reason);
          const request: LockRequest = {
            tab,
            name,
            callback,
            settle: { resolve, reject },
            signal,
          };
          const queue = this.#queues.get(name) ?? [];
          this.#queues.set(name, [...queue, request]);
          signal?.addEventListener('abort', () => {
            const waiting = this.#queues.get(name) ?? [];
            if (!waiting.includes(request)) return;
            this.#queues.set(
              name,
              waiting.filter((r) => r !== request),
            );
            reject(signal.reason);
          });
          this.#grantNext(name);
        }),
      query: async () => ({
        held: [...this.#held.values()].map((r) => ({ name: r.name, clientId: r.tab })),
        pending: [...this.#queues.values()].flat().map((r) => ({ name: r.name, clientId: r.tab })),
      }),
    };
  }

  /** Channels of `tab` still open (a tab that ended must leave none). */
  openChannels(tab: string): number {
    return [...this.#channels].filter((c) => c.tab === tab && !c.closed).length;
  }

  /** Who holds the lock `name`. */
  holder(name: string): string | undefined {
    return this.#held.get(name)?.tab;
  }

  /** Tabs waiting for `name`, in order. */
  waiting(name: string): string[] {
    return (this.#queues.get(name) ?? []).map((r) => r.tab);
  }

  post(from: HubChannel, data: unknown): void {
    this.posted.push({ from: from.tab, data });
    for (const to of this.#channels) {
      if (to === from || to.closed || to.name !== from.name) continue;
      this.tasks.push({ kind: 'message', to, from: from.tab, data: structuredClone(data) });
    }
  }

  /** A task of the test's own (a server event, say), run in order with the browser's. */
  later(run: () => void, tab?: string): void {
    this.tasks.push({ kind: 'other', tab, run });
  }

  /** The tab is gone (its renderer crashed): it hears nothing more, and its locks go. */
  crash(tab: string): void {
    this.#dead.add(tab);
    for (const channel of this.#channels) if (channel.tab === tab) channel.closed = true;
    for (const [name, queue] of this.#queues) {
      this.#queues.set(
        name,
        queue.filter((r) => r.tab !== tab),
      );
    }
    for (const [name, request] of this.#held) {
      if (request.tab === tab) this.#free(name);
    }
  }

  isDead(tab: string): boolean {
    return this.#dead.has(tab);
  }

  /** Runs the task at `index` (the first by default); false if there is none. */
  async run(index = 0): Promise<boolean> {
    const [task] = this.tasks.splice(index, 1);
    if (!task) return false;
    this.#perform(task);
    await drain();
    return true;
  }

  /** Runs the first task that `select` picks. */
  async runFirst(select: (task: Task) => boolean): Promise<boolean> {
    const index = this.tasks.findIndex(select);
    return index < 0 ? false : this.run(index);
  }

  /** Runs tasks until none is left (a bounded number: a loop between tabs is a failure). */
  async settle(limit = 10_000): Promise<number> {
    await drain();
    let ran = 0;
    while (this.tasks.length) {
      if (++ran > limit) throw new Error(`no rest after ${limit} tasks: a loop between tabs?`);
      await this.run();
    }
    return ran;
  }

  #perform(task: Task): void {
    switch (task.kind) {
      case 'message':
        if (!task.to.closed && !this.#dead.has(task.to.tab)) {
          task.to.onmessage?.({ data: task.data });
        }
        return;
      case 'grant': {
        const { request } = task;
        if (this.#held.get(request.name) !== request) return;
        if (this.#dead.has(request.tab)) return this.#free(request.name);
        let result: Promise<void> | void;
        try {
          result = request.callback({ name: request.name, mode: 'exclusive' });
        } catch (error) {
          request.settle.reject(error);
          if (this.#held.get(request.name) === request) this.#free(request.name);
          return;
        }
        Promise.resolve(result).then(
          (value) => {
            request.settle.resolve(value);
            if (this.#held.get(request.name) === request) this.#free(request.name);
          },
          (error) => {
            request.settle.reject(error);
            if (this.#held.get(request.name) === request) this.#free(request.name);
          },
        );
        return;
      }
      case 'other':
        if (task.tab === undefined || !this.#dead.has(task.tab)) task.run();
        return;
    }
  }

  #free(name: string): void {
    this.#held.delete(name);
    this.#grantNext(name);
  }

  /** Grants `name` to the first in its queue, in a task of its own, if it is free. */
  #grantNext(name: string): void {
    if (this.#held.has(name)) return;
    const queue = this.#queues.get(name) ?? [];
    const [request, ...rest] = queue;
    if (!request) return;
    this.#queues.set(name, rest);
    this.#held.set(name, request);
    this.tasks.push({ kind: 'grant', request });
  }
}
