// Runs in Chromium (bench/react-load.mjs), bundled by esbuild with React in production mode.
// The variants receive the same server push; each counts its own renders:
//   ours  <WebSocketProvider> + useMessages({ limit: 10000 }) (+ useConnectionState, useSend)
//   ours-frame  the same with throttle: 0 (a render on every frame that has news)
//   ruw   react-use-websocket's useWebSocket, reading lastMessage (its documented way)
//   ruw-batched  react-use-websocket at its best: `filter: () => false` (lastMessage never
//         changes, so no render per message) and `onMessage` pushing to a ref that is flushed
//         into state once per animation frame, keeping the last 10,000 (what a careful user writes)
//   raw   no React state at all: a plain WebSocket whose onmessage counts (the floor)
// `arrived` counts frames at the socket (a listener that never renders), `observed` what the
// component could see: for ours and ruw-batched the list it holds, for RUW each lastMessage its
// effects saw.
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import ruw from 'react-use-websocket';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useSend,
  WebSocketProvider,
} from '../../dist/react.js';

// RUW is CommonJS; in a "type": "module" package esbuild gives Node's interop (the exports object).
const useRuwWebSocket = typeof ruw === 'function' ? ruw : ruw.default;

/** The most messages a list keeps: as many as the largest burst, so none is evicted. */
const LIMIT = 10_000;

const stats = {
  renders: 0,
  observed: 0,
  arrived: 0,
  /** performance.now() of the latest arrival. */
  lastAt: 0,
  connected: false,
  list: [],
  command: null,
};
window.stats = stats;

/** A frame reached the socket. */
const arrive = () => {
  stats.arrived++;
  stats.lastAt = performance.now();
};

function Ours({ throttle }) {
  const messages = useMessages({ limit: LIMIT, throttle });
  const state = useConnectionState();
  const send = useSend();
  useMessageListener(() => {
    arrive();
  });
  stats.renders++;
  stats.list = messages;
  stats.connected = state.type === 'connected' || state.type === 'reconnected';
  stats.command = send;
  return (
    <div>
      {messages.length} messages, last {messages[messages.length - 1]}
    </div>
  );
}

function Ruw({ url }) {
  const { lastMessage, readyState, sendMessage } = useRuwWebSocket(url, {
    onMessage: () => {
      arrive();
    },
  });
  stats.renders++;
  stats.connected = readyState === 1;
  stats.command = sendMessage;
  useEffect(() => {
    if (lastMessage) stats.observed++;
  }, [lastMessage]);
  return <div>last {lastMessage?.data}</div>;
}

function RuwBatched({ url }) {
  const [messages, setMessages] = useState([]);
  const pending = useRef([]);
  const frame = useRef(0);
  const { readyState, sendMessage } = useRuwWebSocket(url, {
    filter: () => false,
    onMessage: (event) => {
      arrive();
      pending.current.push(event.data);
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        const batch = pending.current;
        pending.current = [];
        setMessages((list) => {
          const next = list.concat(batch);
          return next.length > LIMIT ? next.slice(next.length - LIMIT) : next;
        });
      });
    },
  });
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  stats.renders++;
  stats.list = messages;
  stats.connected = readyState === 1;
  stats.command = sendMessage;
  return (
    <div>
      {messages.length} messages, last {messages[messages.length - 1]}
    </div>
  );
}

const mountRaw = (url) => {
  const ws = new WebSocket(url);
  ws.onopen = () => {
    stats.connected = true;
  };
  ws.onmessage = () => {
    arrive();
    stats.observed++;
  };
  stats.command = (data) => ws.send(data);
};

const until = (test, ms) =>
  new Promise((resolve, reject) => {
    const deadline = performance.now() + ms;
    const check = () => {
      if (test()) resolve();
      else if (performance.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 20);
    };
    check();
  });

const nextFrames = (n) =>
  new Promise((resolve) => {
    const step = () => (n-- <= 0 ? resolve() : requestAnimationFrame(step));
    step();
  });

window.mount = async (which, url) => {
  const el = document.getElementById('root');
  if (which === 'raw') mountRaw(url);
  else if (which === 'ruw') createRoot(el).render(<Ruw url={url} />);
  else if (which === 'ruw-batched') createRoot(el).render(<RuwBatched url={url} />);
  else
    createRoot(el).render(
      <WebSocketProvider url={url}>
        <Ours throttle={which === 'ours-frame' ? 0 : undefined} />
      </WebSocketProvider>,
    );
  await until(() => stats.connected, 10_000);
  await nextFrames(3);
};

/** Sends the server command, waits for every frame to arrive and the screen to settle. */
window.load = async ({ command, expected, maxMs }) => {
  stats.renders = 0;
  stats.observed = 0;
  stats.arrived = 0;
  // Animation frames while the messages arrive: the most renders a per-frame batcher can cost.
  const frameTimes = [];
  let counting = true;
  const tick = () => {
    if (!counting) return;
    frameTimes.push(performance.now());
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  stats.command(command);
  let timedOut = false;
  await until(() => stats.arrived >= expected, maxMs).catch(() => {
    timedOut = true;
  });
  counting = false;
  const arrivedMs = stats.lastAt - t0;
  const frames = frameTimes.filter((t) => t <= stats.lastAt).length;
  // Let pending frames publish: a few animation frames and a short idle.
  await nextFrames(4);
  await new Promise((r) => setTimeout(r, 100));
  const list = stats.list;
  let observed = stats.observed;
  let inOrder = true;
  if (list.length) {
    // Ours: the list itself is what the component sees; it must be 0 … n-1 in order.
    observed = list.length;
    for (let i = 0; i < list.length; i++) {
      if (list[i] !== String(i + expected - list.length)) {
        inOrder = false;
        break;
      }
    }
  }
  return {
    renders: stats.renders,
    arrived: stats.arrived,
    observed,
    inOrder,
    arrivedMs,
    frames,
    timedOut,
  };
};

window.ready = true;
