/**
 * The two browser APIs a shared socket stands on, as far as it uses them, so tests (and other
 * hosts) can hand in their own: the Web Locks API elects the leader, a BroadcastChannel carries
 * everything else.
 */
export interface LockManagerLike {
  request(
    name: string,
    options: { mode?: 'exclusive'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
  /** Who holds and who waits; without it a leader that closes cannot tell whether tabs wait. */
  query?(): Promise<{ pending?: readonly { name?: string | undefined }[] | undefined }>;
}

export interface BroadcastChannelLike {
  /** Set to a listener of `{ data }` events (`never`: a platform's own MessageEvent type fits). */
  onmessage: ((event: never) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

export type BroadcastChannelImplementation = new (name: string) => BroadcastChannelLike;

/** The platform's `navigator.locks`, if it has one. */
export const platformLocks = (): LockManagerLike | undefined =>
  (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;

/** The platform's `BroadcastChannel`, if it has one. */
export const platformBroadcastChannel = (): BroadcastChannelImplementation | undefined =>
  (globalThis as { BroadcastChannel?: BroadcastChannelImplementation }).BroadcastChannel;
