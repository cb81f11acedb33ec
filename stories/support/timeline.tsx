import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionState } from 'web-socket-client';

export type EntryKind = 'state' | 'delay' | 'note';

export interface Entry {
  readonly id: number;
  /** Milliseconds since the timeline started. */
  readonly at: number;
  readonly kind: EntryKind;
  readonly text: string;
  readonly state?: ConnectionState | undefined;
}

/** A state in words: "disconnected 4000 “bye”" for a close, the type otherwise. */
export const describeState = (state: ConnectionState): string => {
  if (state.type !== 'disconnected') return state.type;
  const parts: string[] = [state.type];
  if (state.code !== undefined) parts.push(String(state.code));
  if (state.reason) parts.push(`“${state.reason}”`);
  if (state.error !== undefined && state.code === undefined) parts.push('(attempt failed)');
  return parts.join(' ');
};

/**
 * An append-only log of what happened, as an external store: connection states (from the core's
 * `connection.subscribe`, which sees every state, even those React would batch away), backoff
 * delays and notes.
 */
export class Timeline {
  private entries: readonly Entry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly start = performance.now();
  private next = 0;

  readonly snapshot = (): readonly Entry[] => this.entries;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  push(kind: EntryKind, text: string, state?: ConnectionState): void {
    const entry = { id: this.next++, at: performance.now() - this.start, kind, text, state };
    this.entries = [...this.entries, entry];
    for (const listener of this.listeners) listener();
  }

  /** Records a state, unless it is the very state recorded last (a resubscription's replay). */
  state(state: ConnectionState): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (entry?.kind !== 'state') continue;
      if (entry.state === state) return;
      break;
    }
    this.push('state', describeState(state), state);
  }
}

interface Recordable {
  readonly connection: { subscribe(listener: (state: ConnectionState) => void): () => void };
}

/** A timeline that records every state of `socket` (and of whichever socket replaces it). */
export const useStateTimeline = (socket: Recordable | null, timeline?: Timeline): Timeline => {
  const [own] = useState(() => new Timeline());
  const log = timeline ?? own;
  useEffect(() => socket?.connection.subscribe((state) => log.state(state)), [socket, log]);
  return log;
};

/**
 * The timeline as a list that follows its newest entry, as a log view does: scrolled to the end
 * on every new entry, unless the reader scrolled up to read an older one.
 */
export function TimelineView({
  timeline,
  label = 'timeline',
}: {
  timeline: Timeline;
  label?: string;
}) {
  const entries = useSyncExternalStore(timeline.subscribe, timeline.snapshot, timeline.snapshot);
  const list = useRef<HTMLOListElement>(null);
  const following = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new entry
  useLayoutEffect(() => {
    const element = list.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [entries]);
  return (
    <ol
      ref={list}
      className="timeline"
      aria-label={label}
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 4;
      }}
    >
      {entries.map((entry) => (
        <li key={entry.id} data-kind={entry.kind} data-state={entry.state?.type}>
          <time>+{Math.round(entry.at)} ms</time> <span>{entry.text}</span>
        </li>
      ))}
    </ol>
  );
}
