import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectTimeoutError,
  ConstantBackoff,
  Disconnected,
  InvalidOptionError,
} from '../../src/core';
import { ReconnectPolicy } from '../../src/core/reconnect-policy';
import { FakeTransport, make, WsLikeTransport } from './fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ReconnectPolicy options', () => {
  it.each([
    ['giveUpAfter', { giveUpAfter: -1 }],
    ['minUptime', { minUptime: -1 }],
  ])('a bad %s is named in the error', (name, options) => {
    const build = () => new ReconnectPolicy({ timeout: 1000, ...options });
    expect(build).toThrow(InvalidOptionError);
    expect(build).toThrow(new RegExp(`^${name} must be a finite number of milliseconds >= 0`));
  });

  it('the budget defaults to the timeout; minUptime to 5 s', () => {
    const policy = new ReconnectPolicy({ timeout: 1234 });
    expect(policy.budget).toBe(1234);
    expect(policy.minUptime).toBe(5000);
    expect(new ReconnectPolicy({ timeout: 1, giveUpAfter: Infinity }).budget).toBe(Infinity);
  });
});

describe('without shouldReconnect or shouldRetry', () => {
  it('the policy is not consulted, and its answer is the seed’s: always retry', () => {
    const policy = new ReconnectPolicy({ timeout: 1000 });
    expect(policy.asksOnClose).toBe(false);
    expect(policy.asksOnFailure).toBe(false);
    const report = vi.fn();
    expect(policy.decide({ close: { code: 4000, reason: 'x' } }, report)).toBe(true);
    expect(policy.decide({ failure: { error: new Error('refused') } }, report)).toBe(true);
    expect(report).not.toHaveBeenCalled();
  });

  it('with them, it is consulted', () => {
    const policy = new ReconnectPolicy({
      timeout: 1000,
      shouldReconnect: () => false,
      shouldRetry: () => false,
    });
    expect(policy.asksOnClose).toBe(true);
    expect(policy.asksOnFailure).toBe(true);
  });
});

describe('shouldRetry', () => {
  it('hears the error of an attempt that failed without an HTTP answer, and no status', () => {
    const shouldRetry = vi.fn(() => true);
    make({ backoff: new ConstantBackoff(0), minUptime: 0, timeout: 500, shouldRetry });
    const refused = new Error('connection refused');
    FakeTransport.last.fail(refused);
    expect(shouldRetry).toHaveBeenCalledTimes(1);
    const [failure] = shouldRetry.mock.calls[0] as unknown as [object];
    expect(failure).toStrictEqual({ error: refused });
    expect('status' in failure).toBe(false);
    vi.advanceTimersByTime(500); // the retry times out
    expect(shouldRetry).toHaveBeenCalledTimes(2);
    const [timedOut] = shouldRetry.mock.calls[1] as unknown as [{ error: unknown }];
    expect(timedOut.error).toBeInstanceOf(ConnectTimeoutError);
    expect('status' in timedOut).toBe(false);
  });

  it('hears the status with the error of a refused upgrade', () => {
    const shouldRetry = vi.fn(() => false);
    make({ WebSocket: WsLikeTransport, shouldRetry });
    (FakeTransport.last as WsLikeTransport).reject(503);
    const [failure] = shouldRetry.mock.calls[0] as unknown as [{ error: unknown }];
    expect(failure).toStrictEqual({ error: expect.objectContaining({ status: 503 }), status: 503 });
  });
});

describe('shouldReconnect', () => {
  it('hears the close code and reason, in a copy of its own', () => {
    const seen: { code: number; reason: string }[] = [];
    const socket = make({
      shouldReconnect: (close) => {
        seen.push({ ...close });
        close.code = 0; // its own copy: what the socket reports stays the server's
        return false;
      },
    });
    FakeTransport.last.open();
    FakeTransport.last.serverClose(4001, 'token expired');
    expect(seen).toEqual([{ code: 4001, reason: 'token expired' }]);
    expect(socket.connection.state).toEqual(
      new Disconnected({ code: 4001, reason: 'token expired' }),
    );
    expect(FakeTransport.instances).toHaveLength(1);
  });
});
