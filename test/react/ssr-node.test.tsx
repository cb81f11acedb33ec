// @vitest-environment node
// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { createElement, Fragment, type ReactElement, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

// This file runs without a DOM, as a server does: no window, no document, no global WebSocket
// (Node 20). The modules under test are imported only once traps on those globals are set, so
// any touch of them from src/ during import or server rendering is recorded.
const browserGlobals = ['window', 'document', 'navigator', 'requestAnimationFrame', 'WebSocket'];
const touched: string[] = [];
const restore: (() => void)[] = [];

const trap = (): void => {
  for (const name of browserGlobals) {
    const before = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        const stack = new Error().stack ?? '';
        if (/[/\\]src[/\\](react|core)[/\\]/.test(stack)) touched.push(name);
        return before?.get ? before.get.call(globalThis) : before?.value;
      },
    });
    restore.push(() => {
      if (before) Object.defineProperty(globalThis, name, before);
      else delete (globalThis as Record<string, unknown>)[name];
    });
  }
};

afterEach(() => {
  for (const undo of restore.splice(0)) undo();
  touched.length = 0;
});

describe.each([
  ['plain', Fragment],
  ['StrictMode', StrictMode],
] as const)('the React entry point on a server [%s]', (_, Root) => {
  it('imports and renders to string without touching browser globals or creating a socket', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    vi.resetModules();
    trap();
    const react = await import('../../src/react/index');
    const core = await import('../../src/core/index');
    function Page(): ReactElement {
      const state = react.useConnectionState();
      const messages = react.useMessages();
      const socket = react.useWebSocket();
      react.useSend();
      react.useReconnect();
      react.useMessageListener(() => {});
      return createElement(
        'p',
        null,
        `${state.type} ${messages.length} ${socket === null ? 'no socket' : 'socket'}`,
      );
    }
    // No WebSocket implementation anywhere: creating a socket would throw NoWebSocketError.
    const html = renderToString(
      createElement(
        Root,
        null,
        createElement(
          react.WebSocketProvider,
          { url: 'wss://example.com/socket' },
          createElement(Page),
        ),
      ),
    );
    expect(html).toBe('<p>connecting 0 no socket</p>');
    expect(touched).toEqual([]);
    // The control: a call that does read browser globals is seen by the trap.
    expect(core.browserEnvironment()).toBeUndefined();
    expect(touched).toContain('document');
  });
});
