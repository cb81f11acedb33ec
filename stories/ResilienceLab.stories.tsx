import type { Meta, StoryObj } from '@storybook/react-vite';
import { type FormEvent, useMemo, useState, useSyncExternalStore } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
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
  useSend,
  useWebSocket,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from './support/chaos';
import { Timeline, TimelineView, useStateTimeline } from './support/timeline';
import { Panel, StateBadge } from './support/ui';

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

const CLOSE_CODES = [
  { code: 4000, reason: 'going away for a bit' },
  { code: 1011, reason: 'internal error' },
  { code: 1001, reason: 'server going down' },
  { code: 4401, reason: 'unauthorized' },
] as const;

/** The lab's policy: 4401 means the credentials are bad, so retrying is pointless. */
const NO_RETRY = new Set([4401]);

function Controls({ network, timeline }: { network: SwitchableNetwork; timeline: Timeline }) {
  const socket = useWebSocket();
  const state = useConnectionState();
  const send = useSend();
  const reconnect = useReconnect();
  const received = useMessages({ limit: 8 });
  const online = useSyncExternalStore(network.watch, network.online, network.online);
  useStateTimeline(socket, timeline);
  const [code, setCode] = useState<number>(CLOSE_CODES[0].code);
  const [draft, setDraft] = useState('');
  const [sendResult, setSendResult] = useState('');
  const ended = state.type === 'disconnected';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft) return;
    const accepted = send(draft);
    const open = socket ? isOpen(socket.connection.state) : false;
    setSendResult(accepted ? (open ? `sent “${draft}”` : `queued “${draft}”`) : 'dropped');
    setDraft('');
  };
  const closeWith = () => {
    const chosen = CLOSE_CODES.find((c) => c.code === code) ?? CLOSE_CODES[0];
    timeline.push('note', `server asked to close with ${chosen.code}`);
    send(`__close:${chosen.code}:${chosen.reason}`);
  };

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
              timeline.push('note', 'server asked to restart (down 1 s)');
              send('__restart:1000');
            }}
          >
            Restart server (1 s)
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
          <output aria-label="send result">{sendResult}</output>
        </form>
        <h3>Send queue</h3>
        <ol className="queue" aria-label="send queue">
          {(socket?.queued ?? []).map((message, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a FIFO snapshot
            <li key={i}>{String(message)}</li>
          ))}
        </ol>
        <h3>Received</h3>
        <ul className="messages" aria-label="received">
          {received.map((message, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an append-only list
            <li key={i}>{String(message)}</li>
          ))}
        </ul>
      </Panel>
      <Panel title="Timeline">
        <TimelineView timeline={timeline} />
      </Panel>
    </div>
  );
}

function ResilienceLab() {
  const chaos = useChaos();
  const [timeline] = useState(() => new Timeline());
  const [network] = useState(() => new SwitchableNetwork());
  const options = useMemo(
    (): WebSocketOptions => ({
      WebSocket: chaos.WebSocket,
      environment: network,
      backoff: new LoggedBackoff(
        new BinaryExponentialBackoff({ initial: 200, maximumStep: 5 }),
        (d) => timeline.push('delay', `backoff: wait ${Math.round(d)} ms`),
      ),
      giveUpAfter: Number.POSITIVE_INFINITY,
      shouldReconnect: ({ code }) => !NO_RETRY.has(code),
    }),
    [chaos, network, timeline],
  );
  return (
    <WebSocketProvider url={chaos.url('/lab')} options={options}>
      <Controls network={network} timeline={timeline} />
    </WebSocketProvider>
  );
}

const meta = {
  title: 'Demos/Resilience lab',
  component: ResilienceLab,
  parameters: {
    docs: {
      description: {
        component:
          'Break the connection on purpose and watch the client recover: a dropped link (no close frame), a server restart (refused connections meanwhile), a server close with a chosen code (4401 is configured not to retry via `shouldReconnect`), and going offline (an injected `environment`: no attempts while offline). "Retry now" is `useReconnect()`. The backoff is wrapped in a logging decorator, so every delay shows in the timeline; the send queue is `socket.queued` from `useWebSocket()`.',
      },
    },
  },
} satisfies Meta<typeof ResilienceLab>;

export default meta;
type Story = StoryObj<typeof meta>;

const entries = (canvasElement: HTMLElement) =>
  [...within(canvasElement).getByRole('list', { name: 'timeline' }).querySelectorAll('li')].map(
    (li) => ({ kind: li.dataset.kind, text: li.querySelector('span')?.textContent ?? '' }),
  );

const connected = async (canvasElement: HTMLElement, pattern = /^(re)?connected$/) => {
  const badge = within(canvasElement).getByLabelText('connection state');
  await waitFor(() => expect(badge).toHaveTextContent(pattern), { timeout: 8000 });
};

export const DropConnection: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    await connected(canvasElement, /^connected$/);
    await step('the server kills the link without a close frame', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Drop connection' }));
      await connected(canvasElement, /^reconnected$/);
    });
    const log = entries(canvasElement);
    await expect(log.map((e) => e.text)).toEqual(
      expect.arrayContaining(['disconnected 1006', 'reconnecting', 'reconnected']),
    );
    // The link lived less than minUptime (5 s), so the retry waited for the backoff's first delay.
    await expect(log.filter((e) => e.kind === 'delay').map((e) => e.text)).toEqual([
      'backoff: wait 200 ms',
    ]);
  },
};

export const ServerRestart: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await connected(canvasElement, /^connected$/);
    await userEvent.click(canvas.getByRole('button', { name: 'Restart server (1 s)' }));
    await waitFor(
      () => expect(entries(canvasElement).map((e) => e.text)).toContain('reconnecting'),
      { timeout: 5000 },
    );
    await connected(canvasElement, /^reconnected$/);
    const log = entries(canvasElement);
    await expect(log.map((e) => e.text)).toContain('disconnected 1012 “server restart”');
    // Refused attempts while the server was down: the delays grow 200, 400, 800, …
    const delays = log.filter((e) => e.kind === 'delay').map((e) => e.text);
    await expect(delays.slice(0, 2)).toEqual(['backoff: wait 200 ms', 'backoff: wait 400 ms']);
  },
};

export const CloseWithCode: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    await connected(canvasElement, /^connected$/);
    await step('4000: the client reconnects', async () => {
      await userEvent.selectOptions(canvas.getByLabelText('close code'), '4000');
      await userEvent.click(canvas.getByRole('button', { name: 'Server closes' }));
      await connected(canvasElement, /^reconnected$/);
      await expect(entries(canvasElement).map((e) => e.text)).toContain(
        'disconnected 4000 “going away for a bit”',
      );
    });
    await step('4401: shouldReconnect says no, the socket ends', async () => {
      await userEvent.selectOptions(canvas.getByLabelText('close code'), '4401');
      await userEvent.click(canvas.getByRole('button', { name: 'Server closes' }));
      await waitFor(() => expect(badge).toHaveTextContent(/^disconnected$/), { timeout: 5000 });
      await expect(entries(canvasElement).at(-1)?.text).toBe('disconnected 4401 “unauthorized”');
    });
    await step('Retry now replaces the ended socket', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Retry now' }));
      await connected(canvasElement, /^connected$/);
      await expect(
        entries(canvasElement)
          .slice(-2)
          .map((e) => e.text),
      ).toEqual(['connecting', 'connected']);
    });
  },
};

export const OfflineQueueAndRetry: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const badge = canvas.getByLabelText('connection state');
    const queue = canvas.getByRole('list', { name: 'send queue' });
    await connected(canvasElement, /^connected$/);
    await step('offline: the link drops and the client waits for the network', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Go offline' }));
      await expect(canvas.getByLabelText('network')).toHaveTextContent('offline');
      await waitFor(() => expect(badge).toHaveTextContent(/^reconnecting$/), { timeout: 5000 });
    });
    await step('a message sent meanwhile waits in the queue', async () => {
      await userEvent.type(canvas.getByLabelText('message'), 'sent while offline{enter}');
      await expect(canvas.getByLabelText('send result')).toHaveTextContent(
        'queued “sent while offline”',
      );
      await expect(queue).toHaveTextContent('sent while offline');
    });
    await step('Retry now connects at once; the queue is flushed and echoed', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Retry now' }));
      await connected(canvasElement, /^reconnected$/);
      await expect(queue.querySelectorAll('li')).toHaveLength(0);
      await waitFor(() =>
        expect(canvas.getByRole('list', { name: 'received' })).toHaveTextContent(
          'sent while offline',
        ),
      );
    });
    await step('back online', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Go online' }));
      await expect(canvas.getByLabelText('network')).toHaveTextContent('online');
      await expect(badge).toHaveTextContent(/^reconnected$/);
    });
  },
};
