import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ChaosHub,
  type ChaosPeer,
  handleFrame,
  MAX_STREAM_MS,
  MAX_STREAM_RATE,
  parseControl,
} from '../../scripts/chaos-protocol.mjs';

const peer = () => {
  const sent: unknown[] = [];
  const p = {
    room: '/',
    open: true,
    send: (data: unknown) => sent.push(data),
    close: vi.fn(),
    drop: vi.fn(),
  };
  return { peer: p as ChaosPeer & { open: boolean }, sent };
};

const hub: ChaosHub = { peers: () => [], restart: vi.fn() };

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('chaos protocol: __stream', () => {
  it('parses RATE:MS and counts the frames', () => {
    expect(parseControl('__stream:2000:1500')).toEqual({
      type: 'stream',
      rate: 2000,
      ms: 1500,
      count: 3000,
    });
  });

  it.each([
    '__stream',
    '__stream:0:1000',
    '__stream:100',
    `__stream:${MAX_STREAM_RATE + 1}:1000`,
    `__stream:100:${MAX_STREAM_MS + 1}`,
    '__stream:-5:100',
    '__stream:1.5:100',
  ])('answers %s with an error, never a stream', (frame) => {
    const { peer: p, sent } = peer();
    expect(parseControl(frame)).toMatchObject({ type: 'error' });
    handleFrame(hub, p, frame);
    vi.runAllTimers();
    expect(sent).toHaveLength(1);
    expect(String(sent[0])).toMatch(/^error:stream needs RATE 1\.\.\d+ and MS 1\.\.\d+/);
  });

  it('spreads the frames evenly over the duration, numbered and in order', () => {
    const { peer: p, sent } = peer();
    handleFrame(hub, p, '__stream:1000:1000');
    expect(sent).toEqual([]); // nothing in the command's own task
    vi.advanceTimersByTime(250);
    expect(sent.length).toBeGreaterThanOrEqual(245);
    expect(sent.length).toBeLessThanOrEqual(255);
    vi.advanceTimersByTime(250);
    expect(sent.length).toBeGreaterThanOrEqual(495);
    expect(sent.length).toBeLessThanOrEqual(505);
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(Array.from({ length: 1000 }, (_, i) => `stream:${i + 1}/1000`));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops, and leaves no timer, once the peer is gone', () => {
    const { peer: p, sent } = peer();
    handleFrame(hub, p, '__stream:1000:1000');
    vi.advanceTimersByTime(100);
    const before = sent.length;
    expect(before).toBeGreaterThan(0);
    p.open = false;
    vi.advanceTimersByTime(5);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(sent).toHaveLength(before);
  });
});
