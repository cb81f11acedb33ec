import { type FormEvent, useMemo, useState, useSyncExternalStore } from 'react';
import {
  type Backoff,
  BinaryExponentialBackoff,
  type Environment,
  type EnvironmentSignal,
  isOpen,
  type WebSocketOptions,
} from 'web-socket-client';
import {
  useConnectionState,
  useMessages,
  useReconnect,
  useRetry,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { Timeline, TimelineView, useStateTimeline } from '../support/timeline';
import { Panel, StateBadge } from '../support/ui';

/** A network the buttons switch: the `environment` option, injected instead of the browser's. */
class SwitchableNetwork implements Environment {
  private up = true;
  private readonly listeners = new Set<(signal: EnvironmentSignal) => void>();
  private readonly watchers = new Set<() => void>();

  readonly online = (): boolean => this.up;

  subscribe(listener: (signal: EnvironmentSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    for (const watcher of this.watchers) watcher();
    for (const listener of this.listeners) listener(up ? 'online' : 'offline');
  }

  /** For `useSyncExternalStore`. */
  readonly watch = (watcher: () => void): (() => void) => {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  };
}

/** A decorator that records every delay the wrapped backoff hands out. */
class LoggedBackoff implements Backoff {
  private readonly inner: Backoff;
  private readonly log: (delay: number) => void;
  constructor(inner: Backoff, log: (delay: number) => void) {
    this.inner = inner;
    this.log = log;
  }
  next(): number {
    const delay = this.inner.next();
    this.log(delay);
    return delay;
  }
  reset(): void {
    this.inner.reset();
  }
}

export const CLOSE_CODES = [
  { code: 4000, reason: 'going away for a bit' },
  { code: 1011, reason: 'internal error' },
  { code: 1001, reason: 'server going down' },
  { code: 4401, reason: 'unauthorized' },
] as const;

/** The lab's policy: 4401 means the credentials are bad, so retrying is pointless. */
const NO_RETRY = new Set([4401]);

export interface ResilienceLabProps {
  /** The backoff's first delay, in ms (BinaryExponentialBackoff, doubling). */
  initial: number;
  /** The backoff's number of distinct delays. */
  maximumStep: number;
  /** How long "Restart server" keeps the server down, in ms. */
  restartMs: number;
}

function Controls({
  network,
  timeline,
  restartMs,
}: {
  network: SwitchableNetwork;
  timeline: Timeline;
  restartMs: number;
}) {
  const socket = useWebSocket();
  const state = useConnectionState();
  const retry = useRetry();
  const send = useSend();
  const reconnect = useReconnect();
  const received = useMessages({ limit: 8 });
  const online = useSyncExternalStore(network.watch, network.online, network.online);
  useStateTimeline(socket, timeline);
  const [code, setCode] = useState<number>(CLOSE_CODES[0].code);
  const [draft, setDraft] = useState('');
  const [sent, setSent] = useState<{ text: string; outcome: 'sent' | 'queued' | 'dropped' }>();
  const ended = state.type === 'disconnected';
  const queued = socket?.queued ?? [];
  // "Retry now" does something while the client waits (backoff or network) or after the end.
  const canRetry = retry.phase === 'waiting' || retry.phase === 'offline' || ended;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const accepted = send(draft);
    const open = socket ? isOpen(socket.connection.state) : false;
    setSent({ text: draft, outcome: accepted ? (open ? 'sent' : 'queued') : 'dropped' });
    setDraft('');
  };
  const closeWith = () => {
    const chosen = CLOSE_CODES.find((c) => c.code === code) ?? CLOSE_CODES[0];
    timeline.push('note', `server asked to close with ${chosen.code}`);
    send(`__close:${chosen.code}:${chosen.reason}`);
  };
  // A queued message stops being news once the queue was delivered.
  const result = !sent || (sent.outcome === 'queued' && !queued.length) ? '' : sent.outcome;

  return (
    <div className="row">
      <Panel title="Controls">
        <p className="toolbar">
          <StateBadge state={state} />
          <output className="badge" data-state={online ? 'online' : 'offline'} aria-label="network">
            {online ? 'online' : 'offline'}
          </output>
        </p>
        <div className="toolbar">
          <button
            type="button"
            disabled={ended}
            onClick={() => {
              timeline.push('note', 'server asked to drop the link');
              send('__drop');
            }}
          >
            Drop connection
          </button>
          <button
            type="button"
            disabled={ended}
            onClick={() => {
              timeline.push('note', `server asked to restart (down ${restartMs} ms)`);
              send(`__restart:${restartMs}`);
            }}
          >
            Restart server ({restartMs / 1000} s down)
          </button>
        </div>
        <div className="toolbar">
          <select
            aria-label="close code"
            value={code}
            onChange={(event) => setCode(Number(event.target.value))}
          >
            {CLOSE_CODES.map(({ code, reason }) => (
              <option key={code} value={code}>
                {code} {reason}
                {NO_RETRY.has(code) ? ' (no retry)' : ''}
              </option>
            ))}
          </select>
          <button type="button" disabled={ended} onClick={closeWith}>
            Server closes
          </button>
        </div>
        <div className="toolbar">
          <button
            type="button"
            disabled={!online}
            onClick={() => {
              timeline.push('note', 'network: offline');
              network.set(false);
              // Going offline takes the link down with it, as a lost Wi-Fi does.
              send('__drop');
            }}
          >
            Go offline
          </button>
          <button
            type="button"
            disabled={online}
            onClick={() => {
              timeline.push('note', 'network: online');
              network.set(true);
            }}
          >
            Go online
          </button>
          <button
            type="button"
            disabled={!canRetry}
            onClick={() => {
              timeline.push('note', 'retry now');
              reconnect();
            }}
          >
            Retry now
          </button>
        </div>
        <form className="toolbar" onSubmit={submit}>
          <input
            aria-label="message"
            value={draft}
            placeholder="Message to echo"
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit">Send</button>
          <output aria-label="send result">{result && `${result} “${sent?.text}”`}</output>
        </form>
        <div>
          <h4>Send queue</h4>
          <ol className="queue" aria-label="send queue">
            {queued.map((message, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a FIFO snapshot
              <li key={i}>{String(message)}</li>
            ))}
          </ol>
          {queued.length ? null : <p className="muted">empty</p>}
        </div>
        <div>
          <h4>Received</h4>
          <ul className="messages" aria-label="received">
            {received.map((message, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: firstIndex + i is the message's position, stable under eviction
              <li key={received.firstIndex + i}>{String(message)}</li>
            ))}
          </ul>
          {received.length ? null : <p className="muted">nothing yet</p>}
        </div>
      </Panel>
      <Panel title="Timeline">
        <TimelineView timeline={timeline} />
      </Panel>
    </div>
  );
}

export function ResilienceLab({ initial, maximumStep, restartMs }: ResilienceLabProps) {
  const chaos = useChaos();
  const [timeline] = useState(() => new Timeline());
  const [network] = useState(() => new SwitchableNetwork());
  const options = useMemo(
    (): WebSocketOptions => ({
      WebSocket: chaos.WebSocket,
      environment: network,
      backoff: new LoggedBackoff(new BinaryExponentialBackoff({ initial, maximumStep }), (d) =>
        timeline.push('delay', `backoff: wait ${Math.round(d)} ms`),
      ),
      giveUpAfter: Number.POSITIVE_INFINITY,
      shouldReconnect: ({ code }) => !NO_RETRY.has(code),
    }),
    [chaos, network, timeline, initial, maximumStep],
  );
  return (
    // A new backoff is an object of the same class: the provider keeps the socket it built, so a
    // `key` makes new backoff numbers a new socket (see docs/react.md).
    <WebSocketProvider key={`${initial}/${maximumStep}`} url={chaos.url('/lab')} options={options}>
      <Controls network={network} timeline={timeline} restartMs={restartMs} />
    </WebSocketProvider>
  );
}
