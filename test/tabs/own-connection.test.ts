import { afterEach, describe, expect, it } from 'vitest';
import { ConstantBackoff, type Data } from '../../src/core';
import { OwnConnection } from '../../src/tabs/own-connection';
import type { Source } from '../../src/tabs/reducer';
import { FakeTransport } from '../core/fake-transport';
import { ManualScheduler } from '../core/model/system';

const settle = () => new Promise((resolve) => setImmediate(resolve));

const open = (options: { shouldReconnect?: () => boolean } = {}) => {
  FakeTransport.reset();
  const clock = new ManualScheduler();
  const own = new OwnConnection('ws://own.test/', {
    WebSocket: FakeTransport,
    scheduler: clock,
    environment: null,
    queue: false,
    backoff: new ConstantBackoff(100),
    minUptime: 0,
    ...options,
  });
  const heard: { state: string; ended: boolean; source: Source }[] = [];
  const frames: Data[] = [];
  own.listen({
    changed: (source, ended) => heard.push({ state: source.state.type, ended, source }),
    frame: (data) => frames.push(data),
  });
  return { own, clock, heard, frames };
};

afterEach(() => FakeTransport.reset());

describe('OwnConnection', () => {
  it('tells a transient loss only with the Reconnecting that follows it', async () => {
    const { heard, clock } = open();
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1006);
    await settle();
    // One entry per state change (the other snapshots are retry-state changes).
    const changes = heard.filter(
      (h, i) => h.source.stateVersion !== heard[i - 1]?.source.stateVersion,
    );
    expect(changes.map((h) => `${h.state}${h.ended ? ' (end)' : ''}`)).toEqual([
      'connecting',
      'connected',
      'disconnected',
      'reconnecting',
    ]);
    clock.advance(100);
    FakeTransport.last.open();
    expect(heard.at(-1)?.state).toBe('reconnected');
  });

  it('tells a final Disconnected once, as the end, never as a loss that is retried', async () => {
    const { heard } = open({ shouldReconnect: () => false });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4008, 'policy');
    expect(heard.some((h) => h.state === 'disconnected')).toBe(false);
    await settle();
    const last = heard.at(-1);
    expect([last?.state, last?.ended]).toEqual(['disconnected', true]);
    expect(heard.filter((h) => h.state === 'disconnected')).toHaveLength(1);
    expect(last?.source.state).toMatchObject({ code: 4008, reason: 'policy' });
  });

  it('versions each part: a retry change keeps the state version, a state change moves it', () => {
    const { heard } = open();
    const [first, second] = heard;
    // The replay: the state, then the retry state (a new retry version, the same state).
    expect(first?.source.stateVersion).toBe(second?.source.stateVersion);
    expect(second?.source.retryVersion).toBeGreaterThan(first?.source.retryVersion ?? 0);
    FakeTransport.last.open();
    expect(heard.at(-1)?.source.stateVersion).toBeGreaterThan(second?.source.stateVersion ?? 0);
  });

  it('hands frames over as they came; once detached, nothing more is heard', () => {
    const { own, heard, frames } = open();
    FakeTransport.last.open();
    FakeTransport.last.receive('raw');
    expect(frames).toEqual(['raw']);
    const told = heard.length;
    own.detach();
    FakeTransport.last.receive('late');
    FakeTransport.last.serverClose(1006);
    expect(frames).toEqual(['raw']);
    expect(heard).toHaveLength(told);
    own.socket.close();
  });
});
