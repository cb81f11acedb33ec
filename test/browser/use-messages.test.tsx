/**
 * useMessages under a burst in real Chromium, with the browser's WebSocket, against the real chaos
 * server: a burst does not arrive in one task but over many, spread across animation frames, and
 * useMessages publishes at most once per frame. The honest bound is therefore: renders during a
 * burst ≤ the animation frames that passed while it arrived + 1 (the frame after the last
 * message), and nothing is lost. Frames are counted in the page with requestAnimationFrame.
 */
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { isOpen } from 'web-socket-client';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';

const base = inject('chaosUrl');
const BURST = 10_000;
/** A loaded machine may take seconds to deliver the burst; every wait below has its own bound. */
const SLOW = 45_000;

interface Probe {
  renders: number;
  open: boolean;
  list: readonly unknown[];
  arrived: number;
  /** performance.now() of the first and the last message's arrival at the socket. */
  firstAt: number;
  lastAt: number;
  send?: (data: string) => boolean;
}

function Receiver({ probe, throttle }: { probe: Probe; throttle: number | undefined }) {
  const list = useMessages({ limit: BURST, throttle });
  probe.open = useConnectionState(isOpen);
  probe.send = useSend();
  useMessageListener(() => {
    const now = performance.now();
    if (!probe.arrived++) probe.firstAt = now;
    probe.lastAt = now;
  });
  probe.renders++;
  probe.list = list;
  return <output aria-label="count">{list.length}</output>;
}

/** Resolves on the first animation frame at which `condition` holds; rejects after `ms`. */
const frameWhen = (condition: () => boolean, ms: number, what: string) =>
  new Promise<void>((resolve, reject) => {
    const deadline = performance.now() + ms;
    const check = () => {
      if (condition()) resolve();
      else if (performance.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else requestAnimationFrame(check);
    };
    check();
  });

const nextFrames = (n: number) =>
  new Promise<void>((resolve) => {
    const step = () => (n-- <= 0 ? resolve() : requestAnimationFrame(step));
    step();
  });

/** Counts animation frames from now until stopped, with the time each one ran at. */
const frameCounter = () => {
  const times: number[] = [];
  let running = true;
  const tick = () => {
    if (!running) return;
    times.push(performance.now());
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return {
    stop: () => {
      running = false;
    },
    /** Frames that ran in [from, to]. */
    between: (from: number, to: number) => times.filter((t) => t >= from && t <= to).length,
  };
};

const burst = async (throttle: number | undefined) => {
  const probe: Probe = { renders: 0, open: false, list: [], arrived: 0, firstAt: 0, lastAt: 0 };
  const room = `/burst-${Math.random().toString(36).slice(2, 8)}`;
  render(
    <WebSocketProvider url={`${base}${room}`}>
      <Receiver probe={probe} throttle={throttle} />
    </WebSocketProvider>,
  );
  await frameWhen(() => probe.open, 10_000, 'the connection to open');
  await nextFrames(2);
  const frames = frameCounter();
  probe.renders = 0;
  expect(probe.send?.(`__burst:${BURST}`)).toBe(true);
  await frameWhen(() => probe.list.length === BURST, 30_000, `all ${BURST} messages on screen`);
  // Any render still to come would come within a few frames.
  await nextFrames(4);
  frames.stop();
  return { probe, framesWhileArriving: frames.between(probe.firstAt, probe.lastAt) };
};

const expectWhole = (list: readonly unknown[]) => {
  expect(list).toHaveLength(BURST);
  const wrong = list.findIndex((m, i) => m !== `burst:${i + 1}/${BURST}`);
  expect(wrong).toBe(-1);
};

afterEach(() => {
  cleanup();
});

describe('useMessages under a 10,000-message burst in Chromium', () => {
  test(
    'throttle 0: renders ≤ animation frames while the burst arrived + 1; none lost',
    async () => {
      const { probe, framesWhileArriving } = await burst(0);
      console.log(
        `burst, throttle 0: ${probe.renders} renders, ${framesWhileArriving} frames while arriving over ${(probe.lastAt - probe.firstAt).toFixed(0)} ms`,
      );
      expectWhole(probe.list);
      expect(probe.arrived).toBe(BURST);
      expect(probe.renders).toBeGreaterThanOrEqual(1);
      expect(probe.renders).toBeLessThanOrEqual(framesWhileArriving + 1);
    },
    SLOW,
  );

  test(
    'default throttle: within the same bound; none lost',
    async () => {
      const { probe, framesWhileArriving } = await burst(undefined);
      console.log(
        `burst, default throttle: ${probe.renders} renders, ${framesWhileArriving} frames while arriving over ${(probe.lastAt - probe.firstAt).toFixed(0)} ms`,
      );
      expectWhole(probe.list);
      expect(probe.arrived).toBe(BURST);
      expect(probe.renders).toBeGreaterThanOrEqual(1);
      expect(probe.renders).toBeLessThanOrEqual(framesWhileArriving + 1);
    },
    SLOW,
  );
});
