import { createContext, useContext } from 'react';
import type { WebSocketImplementation } from 'web-socket-client';
import { MockChaos } from './mock-chaos';

/** Where the stories' server lives, and how to reach it. */
export interface Chaos {
  /** 'server': the real `ws` chaos server; 'mock': the in-page mock-socket one. */
  readonly mode: 'server' | 'mock';
  /** For display: the server's address. */
  readonly label: string;
  /** The URL of a room (a path such as "/chat"): chat broadcasts stay inside a room. */
  url(room: string): string;
  /** The implementation to pass as the `WebSocket` option: undefined means the browser's own. */
  readonly WebSocket: WebSocketImplementation | undefined;
  /** What the server counts for `room`: connections accepted so far, and open now. */
  stats(room: string): Promise<ChaosStats>;
}

export interface ChaosStats {
  readonly total: number;
  readonly open: number;
}

declare global {
  /** Set by the Storybook Vitest project's setup file to the chaos server of its globalSetup. */
  var __CHAOS_URL__: string | undefined;
}

/** The chaos server's URL, if one was handed over: by the test runner, or by `npm start`. */
export const chaosServerUrl = (): string | undefined =>
  globalThis.__CHAOS_URL__ || import.meta.env.STORYBOOK_CHAOS_URL || undefined;

/** Whether a WebSocket server answers at `url` within `ms`. */
const probe = (url: string, ms = 1500): Promise<boolean> =>
  new Promise((resolve) => {
    let socket: globalThis.WebSocket;
    try {
      socket = new globalThis.WebSocket(url);
    } catch {
      resolve(false);
      return;
    }
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.onopen = () => done(true);
    socket.onerror = socket.onclose = () => done(false);
  });

let mock: MockChaos | undefined;

const mockChaos = (): Chaos => {
  mock ??= new MockChaos();
  const hub = mock;
  return {
    mode: 'mock',
    label: 'in-page mock server (mock-socket)',
    url: (room) => hub.url(room),
    WebSocket: hub.WebSocket,
    stats: async (room) => hub.stats(room),
  };
};

const serverChaos = (base: string): Chaos => ({
  mode: 'server',
  label: base,
  url: (room) => `${base}${room}`,
  WebSocket: undefined,
  // The server's own count (scripts/chaos-server.mjs answers GET /stats on its HTTP side).
  stats: async (room) => {
    const response = await fetch(
      `${base.replace(/^ws/, 'http')}/stats?room=${encodeURIComponent(room)}`,
      { cache: 'no-store' },
    );
    if (!response.ok) throw new Error(`GET /stats answered ${response.status}`);
    return (await response.json()) as ChaosStats;
  },
});

let resolved: Promise<Chaos> | undefined;

/**
 * The real chaos server when one was handed over and answers a probe; otherwise the in-page mock.
 * Decided once per page.
 */
export const resolveChaos = (): Promise<Chaos> => {
  resolved ??= (async () => {
    const base = chaosServerUrl()?.replace(/\/+$/, '');
    if (base && (await probe(`${base}/__probe`))) return serverChaos(base);
    return mockChaos();
  })();
  return resolved;
};

export const ChaosContext = createContext<Chaos | null>(null);

/** The chaos server the current story talks to (set by the decorator in .storybook/preview). */
export const useChaos = (): Chaos => {
  const chaos = useContext(ChaosContext);
  if (!chaos) throw new Error('useChaos must be used inside a story (see .storybook/preview.tsx).');
  return chaos;
};
