/**
 * The React bindings in real Chromium, with the browser's native WebSocket (nothing injected),
 * against the real `ws` chaos server that global-setup.ts starts on 127.0.0.1.
 */
import { act, cleanup, render } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { page } from 'vitest/browser';
import {
  type ConnectionState,
  ConstantBackoff,
  type Data,
  type WebSocketOptions,
} from 'web-socket-client';
import {
  useConnectionState,
  useMessages,
  useReconnect,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';

const base = inject('chaosUrl');
const http = inject('chaosHttpUrl');

let rooms = 0;
/** A room of its own per test, so counts and broadcasts never mix. */
const newRoom = () => `/browser-${++rooms}-${Math.random().toString(36).slice(2, 8)}`;

const stats = async (room: string): Promise<{ total: number; open: number }> => {
  const response = await fetch(`${http}/stats?room=${encodeURIComponent(room)}`);
  return response.json();
};

const describeState = (state: ConnectionState) =>
  state.type === 'disconnected' ? `disconnected ${state.code ?? ''}`.trim() : state.type;

interface Handles {
  send?: (data: Data) => boolean;
  reconnect?: () => void;
}

/** Shows what the hooks return, and hands their functions to the test. */
function Client({ handles }: { handles: Handles }) {
  const state = useConnectionState(describeState);
  const messages = useMessages({ limit: 1000 });
  handles.send = useSend();
  handles.reconnect = useReconnect();
  return (
    <>
      <output aria-label="state">{state}</output>
      <ol aria-label="messages">
        {messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only list
          <li key={i}>{String(message)}</li>
        ))}
      </ol>
    </>
  );
}

const mount = (room: string, options: WebSocketOptions = {}, strict = false) => {
  const handles: Handles = {};
  const tree = (
    <WebSocketProvider url={`${base}${room}`} options={options}>
      <Client handles={handles} />
    </WebSocketProvider>
  );
  const view = render(strict ? <StrictMode>{tree}</StrictMode> : tree);
  const send = (data: Data) => {
    let accepted = false;
    act(() => {
      accepted = handles.send?.(data) ?? false;
    });
    return accepted;
  };
  return { view, handles, send };
};

const state = () => page.getByLabelText('state');
const messages = () => page.getByRole('list', { name: 'messages' });

/** A plain browser WebSocket in `room`, open. */
const peer = (room: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`${base}${room}`);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error(`could not open ${room}`));
  });

afterEach(() => {
  cleanup();
});

describe('hooks against a real server, native WebSocket', () => {
  test('the WebSocket is the browser’s own', () => {
    expect(Function.prototype.toString.call(globalThis.WebSocket)).toContain('[native code]');
  });

  test('connects: Connected, and the server sees one open connection', async () => {
    const room = newRoom();
    mount(room);
    await expect.element(state()).toHaveTextContent(/^connected$/);
    expect(await stats(room)).toEqual({ total: 1, open: 1 });
  });

  test('receives what the server pushes (a broadcast from another client)', async () => {
    const room = newRoom();
    mount(room);
    await expect.element(state()).toHaveTextContent(/^connected$/);
    const other = await peer(room);
    other.send('chat:Bob:hello from elsewhere');
    await expect.element(messages()).toHaveTextContent('chat:Bob:hello from elsewhere');
    other.close();
  });

  test('sends: useSend reaches the server, whose echo comes back in order', async () => {
    const room = newRoom();
    const { send } = mount(room);
    // Sent before the connection opens: queued, then flushed in order on open.
    expect(send('first')).toBe(true);
    await expect.element(state()).toHaveTextContent(/^connected$/);
    expect(send('second')).toBe(true);
    expect(send('__burst:3')).toBe(true);
    await expect.element(messages()).toHaveTextContent('burst:3/3');
    const texts = [...messages().element().querySelectorAll('li')].map((li) => li.textContent);
    expect(texts).toEqual(['first', 'second', 'burst:1/3', 'burst:2/3', 'burst:3/3']);
  });

  test('server restart: Reconnecting while it is down, then Reconnected, and usable again', async () => {
    const room = newRoom();
    const { send } = mount(room, { backoff: new ConstantBackoff(100), giveUpAfter: 10_000 });
    await expect.element(state()).toHaveTextContent(/^connected$/);
    send('__restart:400');
    // The server stays down for 400 ms: long enough to see Reconnecting.
    await expect.element(state()).toHaveTextContent(/^reconnecting$/);
    await expect.element(state(), { timeout: 5000 }).toHaveTextContent(/^reconnected$/);
    send('after the restart');
    await expect.element(messages()).toHaveTextContent('after the restart');
    expect(await stats(room)).toEqual({ total: 2, open: 1 });
  });

  test('a server close code reaches useConnectionState; useReconnect starts over', async () => {
    const room = newRoom();
    const { send, handles } = mount(room, { shouldReconnect: () => false });
    await expect.element(state()).toHaveTextContent(/^connected$/);
    send('__close:4001:go away');
    await expect.element(state()).toHaveTextContent(/^disconnected 4001$/);
    act(() => handles.reconnect?.());
    await expect.element(state()).toHaveTextContent(/^connected$/);
    expect(await stats(room)).toEqual({ total: 2, open: 1 });
  });

  test('StrictMode: exactly one connection reaches the server; unmount closes it', async () => {
    const room = newRoom();
    const { view } = mount(room, {}, true);
    await expect.element(state()).toHaveTextContent(/^connected$/);
    expect(await stats(room)).toEqual({ total: 1, open: 1 });
    view.unmount();
    await expect.poll(() => stats(room)).toEqual({ total: 1, open: 0 });
  });
});
