// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes.
import { act, render, screen } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ConstantBackoff, LinearBackoff, type WebSocketOptions } from '../../src/core/index';
import { useConnectionState, useRetry, WebSocketProvider } from '../../src/react/index';
import { FakeTransport } from '../core/fake-transport';
import { describeModes } from './modes';

/** Re-renders every `ms` with the current time: what a countdown needs. */
const useNow = (ms: number) => {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
};

/** The banner of the issue: "Connection lost (4001 token expired) — retrying in 3 s (attempt 2)". */
function Banner() {
  const state = useConnectionState();
  const retry = useRetry();
  const now = useNow(100);
  const close = retry.lastClose;
  const cause = close ? `${close.code ?? ''} ${close.reason ?? ''}`.trim() : '';
  let text: string = state.type;
  if (retry.phase === 'waiting' && retry.retryAt !== undefined) {
    const seconds = Math.ceil((retry.retryAt - now) / 1000);
    text = `lost (${cause}) — retrying in ${seconds} s (attempt ${retry.attempt})`;
  } else if (retry.phase === 'dialing')
    text = `lost (${cause}) — reconnecting (attempt ${retry.attempt})`;
  return <p data-testid="banner">{text}</p>;
}
const banner = () => screen.getByTestId('banner').textContent;

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

const options = (extra: WebSocketOptions = {}): WebSocketOptions => ({
  WebSocket: FakeTransport,
  environment: null,
  ...extra,
});
const step = async (fn: () => void) => {
  await act(async () => {
    fn();
  });
};

describeModes('useRetry', (mode) => {
  it('a countdown rendered from retryAt matches the real schedule, attempt by attempt', async () => {
    const { unmount } = mode.render(
      <WebSocketProvider
        url="ws://example.test/"
        options={options({ backoff: new ConstantBackoff(3000), minUptime: 0 })}
      >
        <Banner />
      </WebSocketProvider>,
    );
    await step(() => FakeTransport.last.open());
    expect(banner()).toBe('connected');
    await step(() => FakeTransport.last.serverClose(4001, 'token expired'));
    // The retry right after a loss is immediate: attempt 1 is in flight.
    expect(banner()).toBe('lost (4001 token expired) — reconnecting (attempt 1)');
    await step(() => FakeTransport.last.fail());
    expect(banner()).toBe('lost (4001 token expired) — retrying in 3 s (attempt 2)');
    const attempts = FakeTransport.instances.length;
    await step(() => vi.advanceTimersByTime(1000));
    expect(banner()).toBe('lost (4001 token expired) — retrying in 2 s (attempt 2)');
    await step(() => vi.advanceTimersByTime(1900));
    expect(banner()).toBe('lost (4001 token expired) — retrying in 1 s (attempt 2)');
    expect(FakeTransport.instances).toHaveLength(attempts);
    // When the countdown runs out, the attempt starts: not earlier, not later.
    await step(() => vi.advanceTimersByTime(100));
    expect(FakeTransport.instances).toHaveLength(attempts + 1);
    expect(banner()).toBe('lost (4001 token expired) — reconnecting (attempt 2)');
    await step(() => FakeTransport.last.open());
    expect(banner()).toBe('reconnected');
    unmount();
  });

  it('attempt numbers go on across a connection that did not last minUptime, and restart after one that did', async () => {
    const { unmount } = mode.render(
      <WebSocketProvider
        url="ws://example.test/"
        options={options({
          backoff: new LinearBackoff({ initial: 1000, increment: 1000 }),
          minUptime: 5000,
        })}
      >
        <Banner />
      </WebSocketProvider>,
    );
    await step(() => FakeTransport.last.open());
    await step(() => vi.advanceTimersByTime(5000)); // stable
    await step(() => FakeTransport.last.serverClose(1001, 'restart'));
    expect(banner()).toBe('lost (1001 restart) — reconnecting (attempt 1)');
    await step(() => FakeTransport.last.open());
    // Up 0 ms: no recovery; the backoff goes on, and so does the count.
    await step(() => FakeTransport.last.serverClose(1001, 'restart'));
    expect(banner()).toBe('lost (1001 restart) — retrying in 1 s (attempt 2)');
    await step(() => vi.advanceTimersByTime(1000));
    await step(() => FakeTransport.last.fail());
    expect(banner()).toBe('lost (1001 restart) — retrying in 2 s (attempt 3)');
    unmount();
  });

  it('re-renders on each attempt while the connection state stays Reconnecting, and only then', async () => {
    const states: string[] = [];
    const phases: string[] = [];
    function Probe() {
      states.push(useConnectionState().type);
      const retry = useRetry();
      phases.push(`${retry.phase}:${retry.attempt}`);
      return null;
    }
    const { unmount } = mode.render(
      <WebSocketProvider
        url="ws://example.test/"
        options={options({ backoff: new ConstantBackoff(500) })}
      >
        <Probe />
      </WebSocketProvider>,
    );
    await step(() => FakeTransport.last.fail());
    await step(() => FakeTransport.last.fail());
    await step(() => vi.advanceTimersByTime(500));
    await step(() => FakeTransport.last.fail());
    const distinct = (xs: string[]) => xs.filter((x, i) => x !== xs[i - 1]);
    expect(distinct(states)).toEqual(['connecting', 'reconnecting']);
    expect(distinct(phases)).toEqual([
      'idle:0',
      'dialing:1',
      'waiting:2',
      'dialing:2',
      'waiting:3',
    ]);
    unmount();
  });
});

it('shows the last close: "closed: 4001 token expired" after the socket ended', async () => {
  function Closed() {
    const retry = useRetry();
    const close = retry.lastClose;
    return <p data-testid="closed">{close ? `closed: ${close.code} ${close.reason}` : 'open'}</p>;
  }
  const { unmount } = render(
    <WebSocketProvider url="ws://example.test/" options={options({ shouldReconnect: () => false })}>
      <Closed />
    </WebSocketProvider>,
  );
  await step(() => FakeTransport.last.open());
  expect(screen.getByTestId('closed').textContent).toBe('open');
  await step(() => FakeTransport.last.serverClose(4001, 'token expired'));
  expect(screen.getByTestId('closed').textContent).toBe('closed: 4001 token expired');
  unmount();
});
