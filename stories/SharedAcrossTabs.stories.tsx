import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { Scheduler, WebSocketImplementation } from 'web-socket-client';
import {
  useConnectionState,
  useMessages,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';
import { type Lifecycle, type Role, SharedWebSocket } from 'web-socket-client/tabs';
import { type Chaos, useChaos } from './support/chaos';
import { describeState } from './support/timeline';
import { Panel, StateBadge } from './support/ui';

/**
 * Each pane is an iframe of this page: a browsing context of its own, same origin, with its own
 * Web Locks client, BroadcastChannel, WebSocket, timers and `pagehide`. Its socket is built from
 * those, so removing the iframe ends its part exactly as closing a tab does: its lock is
 * released, its channel and its connection close, its timers stop.
 */
const paneSocket = (frame: Window, chaos: Chaos, room: string, channel: string) => {
  const scheduler: Scheduler = {
    setTimeout: (callback, ms) => frame.setTimeout(callback, ms),
    clearTimeout: (handle) => frame.clearTimeout(handle as number),
    now: () => Date.now(),
  };
  const lifecycle: Lifecycle = {
    subscribe(listener) {
      const hide = (event: PageTransitionEvent) => event.persisted || listener('leave');
      frame.addEventListener('pagehide', hide);
      return () => frame.removeEventListener('pagehide', hide);
    },
  };
  return new SharedWebSocket<string, string>(chaos.url(room), {
    channel,
    locks: frame.navigator.locks,
    BroadcastChannel: (frame as unknown as typeof globalThis).BroadcastChannel,
    WebSocket:
      chaos.WebSocket ?? (frame as unknown as { WebSocket: WebSocketImplementation }).WebSocket,
    scheduler,
    lifecycle,
    // The pane's page is the story's: its online/offline events are not the pane's to hold.
    environment: null,
  });
};

/** The panes' sockets, for the summary above them. */
class Panes {
  #sockets = new Map<string, SharedWebSocket<string, string>>();
  #version = 0;
  #listeners = new Set<() => void>();
  add(name: string, socket: SharedWebSocket<string, string>): () => void {
    this.#sockets.set(name, socket);
    const stops = [
      socket.role.subscribe(this.#changed),
      socket.connection.subscribe(this.#changed),
    ];
    this.#changed();
    return () => {
      for (const stop of stops) stop();
      this.#sockets.delete(name);
      this.#changed();
    };
  }
  get leader(): string | undefined {
    for (const [name, socket] of this.#sockets) if (socket.role.state === 'leader') return name;
    return undefined;
  }
  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  version = () => this.#version;
  #changed = () => {
    this.#version++;
    for (const listener of this.#listeners) listener();
  };
}

const useRole = (socket: SharedWebSocket<string, string>): Role =>
  useSyncExternalStore(
    (changed) => socket.role.subscribe(changed),
    () => socket.role.state,
  );

/** Every state the socket went through, as the core's own subscription hears them. */
const useHistory = (socket: SharedWebSocket<string, string>): string => {
  const [history] = useState(() => {
    let text = '';
    const listeners = new Set<() => void>();
    socket.connection.subscribe((state) => {
      text = text ? `${text} → ${describeState(state)}` : describeState(state);
      for (const listener of listeners) listener();
    });
    return {
      subscribe: (listener: () => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      read: () => text,
    };
  });
  return useSyncExternalStore(history.subscribe, history.read);
};

/** What a pane shows, rendered inside its iframe by a React root of its own. */
function PaneView({ name, socket }: { name: string; socket: SharedWebSocket<string, string> }) {
  const state = useConnectionState();
  const messages = useMessages({ limit: 3 });
  const send = useSend();
  const role = useRole(socket);
  const history = useHistory(socket);
  return (
    <div className="demo" style={{ padding: 4, gap: 6 }}>
      <div className="toolbar">
        <StateBadge state={state} />
        <output aria-label="role">this tab: {role}</output>
        <button
          type="button"
          style={{ marginLeft: 'auto' }}
          onClick={() => send(`chat:${name}:hello`)}
        >
          Say hello
        </button>
      </div>
      <output aria-label="history" style={{ color: '#57606a', fontSize: 12 }}>
        {history}
      </output>
      <ul className="messages" aria-label="latest messages">
        {messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the last few, append-only
          <li key={i}>{String(message)}</li>
        ))}
      </ul>
    </div>
  );
}

/** One pane: an iframe, and the socket made of its window. */
function Pane(props: {
  name: string;
  chaos: Chaos;
  room: string;
  channel: string;
  panes: Panes;
  onClose: () => void;
}) {
  const { name, chaos, room, channel, panes, onClose } = props;
  const frame = useRef<HTMLIFrameElement>(null);
  const [socket, setSocket] = useState<SharedWebSocket<string, string>>();
  useEffect(() => {
    const win = frame.current?.contentWindow;
    const doc = frame.current?.contentDocument;
    if (!win || !doc) return;
    // The pane's document starts empty: it gets the page's styles.
    for (const style of document.querySelectorAll('style, link[rel="stylesheet"]')) {
      doc.head.append(style.cloneNode(true));
    }
    const shared = paneSocket(win, chaos, room, channel);
    setSocket(shared);
    const forget = panes.add(name, shared);
    const root = createRoot(doc.body);
    root.render(
      // The provider borrows the socket and never closes it: only the iframe's end does.
      <WebSocketProvider socket={shared}>
        <PaneView name={name} socket={shared} />
      </WebSocketProvider>,
    );
    return () => {
      forget();
      queueMicrotask(() => root.unmount());
    };
  }, [name, chaos, room, channel, panes]);
  const role = socket ? <RoleTag socket={socket} /> : null;
  return (
    <section className="panel" aria-label={name}>
      <div className="toolbar" style={{ marginBottom: 8 }}>
        <strong>{name}</strong>
        {role}
        <button type="button" style={{ marginLeft: 'auto' }} onClick={onClose}>
          Close this tab
        </button>
      </div>
      <iframe
        ref={frame}
        title={name}
        style={{ width: '100%', height: 170, border: '1px dashed #d0d7de', borderRadius: 6 }}
      />
    </section>
  );
}

function RoleTag({ socket }: { socket: SharedWebSocket<string, string> }) {
  const role = useRole(socket);
  return role === 'leader' ? (
    <span className="badge" data-state="connected">
      ★ leader: owns the connection
    </span>
  ) : (
    <span className="badge">follower</span>
  );
}

/** Connections at the server: its /stats (real server), or counted at the in-page mock. */
const useConnections = (chaos: Chaos, room: string, counted: { open: number; total: number }) => {
  const [stats, setStats] = useState({ open: 0, total: 0 });
  useEffect(() => {
    let stopped = false;
    const stats = chaos.url('/stats').replace(/^ws/, 'http');
    const poll = async () => {
      while (!stopped) {
        try {
          const next =
            chaos.mode === 'server'
              ? await (await fetch(`${stats}?room=${encodeURIComponent(room)}`)).json()
              : { ...counted };
          if (!stopped)
            setStats((s) => (s.open === next.open && s.total === next.total ? s : next));
        } catch {}
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    poll();
    return () => {
      stopped = true;
    };
  }, [chaos, room, counted]);
  return stats;
};

let demos = 0;

function SharedAcrossTabsDemo({ tabs = 3 }: { tabs?: number }) {
  const base = useChaos();
  const [{ room, channel, panes, counted, chaos }] = useState(() => {
    const id = `${Date.now().toString(36)}-${++demos}`;
    const counted = { open: 0, total: 0 };
    // In-page mock server: count its connections where they are made.
    const Mock = base.WebSocket as unknown as new (
      ...args: unknown[]
    ) => {
      addEventListener(type: string, listener: () => void): void;
    };
    const chaos: Chaos =
      base.mode === 'mock' && Mock
        ? {
            ...base,
            WebSocket: class extends Mock {
              constructor(...args: unknown[]) {
                super(...args);
                counted.open++;
                counted.total++;
                this.addEventListener('close', () => counted.open--);
              }
            } as unknown as WebSocketImplementation,
          }
        : base;
    return { room: `/tabs-${id}`, channel: `demo-${id}`, panes: new Panes(), counted, chaos };
  });
  const [names, setNames] = useState(() => Array.from({ length: tabs }, (_, i) => `Tab ${i + 1}`));
  const [next, setNext] = useState(tabs + 1);
  useSyncExternalStore(panes.subscribe, panes.version);
  const leader = panes.leader;
  const connections = useConnections(chaos, room, counted);
  const close = (name: string | undefined) => setNames((list) => list.filter((n) => n !== name));
  return (
    <div className="demo">
      <div className="row">
        <Panel title="One connection for every tab">
          <p className="toolbar">
            Open at the server:
            <output className="stat" aria-label="open connections">
              {connections.open}
            </output>
            made in all: <output aria-label="connections made">{connections.total}</output>
          </p>
          <p>
            Leader: <output aria-label="leader">{leader ?? 'none yet'}</output>. It holds a Web Lock
            named after the channel; the other tabs wait in the lock's queue and mirror it over a
            BroadcastChannel.
          </p>
          <div className="toolbar">
            <button type="button" disabled={!leader} onClick={() => close(leader)}>
              Close the leader tab
            </button>
            <button
              type="button"
              onClick={() => {
                setNames((list) => [...list, `Tab ${next}`]);
                setNext(next + 1);
              }}
            >
              Open a tab
            </button>
          </div>
        </Panel>
      </div>
      <div className="row">
        {names.map((name) => (
          <Pane
            key={name}
            name={name}
            chaos={chaos}
            room={room}
            channel={channel}
            panes={panes}
            onClose={() => close(name)}
          />
        ))}
      </div>
    </div>
  );
}

const meta = {
  title: 'Demos/Shared across tabs',
  component: SharedAcrossTabsDemo,
  parameters: {
    docs: {
      description: {
        component:
          '`web-socket-client/tabs`: tabs of one browser share one connection. Each pane is an iframe of this page with its own Web Locks client and BroadcastChannel, as a tab has. The leader owns the connection; the others follow its state and messages and send through it. Close the leader: the next tab in the lock queue takes over, and every tab sees Reconnecting, then Reconnected.',
      },
    },
  },
} satisfies Meta<typeof SharedAcrossTabsDemo>;

export default meta;
type Story = StoryObj<typeof meta>;

const frames = (root: HTMLElement) => [...root.querySelectorAll('iframe')];
const inFrame = (frame: HTMLIFrameElement) => within(frame.contentDocument?.body as HTMLElement);
const stateOf = (frame: HTMLIFrameElement) =>
  inFrame(frame).getByLabelText('connection state').textContent;

export const ThreeTabsOneConnection: Story = {
  play: async ({ canvasElement, step }) => {
    const canvas = within(canvasElement);
    const open = canvas.getByLabelText('open connections');
    await step('three tabs, one connection, one leader', async () => {
      await waitFor(
        () => {
          expect(frames(canvasElement)).toHaveLength(3);
          for (const frame of frames(canvasElement)) expect(stateOf(frame)).toBe('connected');
          expect(open).toHaveTextContent(/^1$/);
        },
        { timeout: 10_000 },
      );
      await expect(canvas.getAllByText(/leader: owns the connection/)).toHaveLength(1);
      await expect(canvas.getByLabelText('connections made')).toHaveTextContent(/^1$/);
    });
    const first = canvas.getByLabelText('leader').textContent;
    await step('a message sent from a follower reaches every tab', async () => {
      const follower = frames(canvasElement).find((f) => f.title !== first) as HTMLIFrameElement;
      inFrame(follower).getByRole('button', { name: 'Say hello' }).click();
      await waitFor(
        () => {
          for (const frame of frames(canvasElement)) {
            expect(inFrame(frame).getByLabelText('latest messages')).toHaveTextContent(
              `chat:${follower.title}:hello`,
            );
          }
        },
        { timeout: 5_000 },
      );
    });
    await step('close the leader tab: the next one takes over', async () => {
      await userEvent.click(canvas.getByRole('button', { name: 'Close the leader tab' }));
      await waitFor(
        () => {
          expect(frames(canvasElement)).toHaveLength(2);
          for (const frame of frames(canvasElement)) expect(stateOf(frame)).toBe('reconnected');
          expect(canvas.getByLabelText('leader').textContent).not.toBe(first);
          expect(canvas.getByLabelText('connections made')).toHaveTextContent(/^2$/);
          expect(open).toHaveTextContent(/^1$/);
        },
        { timeout: 10_000 },
      );
      await expect(canvas.getAllByText(/leader: owns the connection/)).toHaveLength(1);
      // As after any loss: the tab that left said so (1001), then Reconnecting, Reconnected.
      for (const frame of frames(canvasElement)) {
        await expect(inFrame(frame).getByLabelText('history')).toHaveTextContent(
          'connecting → connected → disconnected 1001 “leader tab left” → reconnecting → reconnected',
        );
      }
    });
  },
};
