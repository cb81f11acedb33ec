import { describe, expect, it } from 'vitest';
import {
  Connected,
  ConnectTimeoutError,
  Disconnected,
  HandshakeRejectedError,
  InvalidUrlError,
  type RetryState,
} from '../../src/core';
import {
  CONNECTED,
  errorFromWire,
  errorToWire,
  retryFromWire,
  retryToWire,
  stateFromWire,
  stateToWire,
} from '../../src/tabs/wire-state';

/** What crosses a BroadcastChannel: a structured clone. */
const cross = <T>(value: T): T => structuredClone(value);

describe('states, retry states and errors across tabs', () => {
  it('a state without data comes back as the one instance; a Disconnected keeps code and reason', () => {
    expect(stateFromWire(cross(stateToWire(new Connected())))).toBe(CONNECTED);
    const back = stateFromWire(cross(stateToWire(new Disconnected({ code: 4000, reason: 'r' }))));
    expect(back).toBeInstanceOf(Disconnected);
    expect(back).toMatchObject({ code: 4000, reason: 'r' });
  });

  it('typed errors come back as the core’s classes with their code', () => {
    const timeout = errorFromWire(cross(errorToWire(new ConnectTimeoutError('slow'))));
    expect(timeout).toBeInstanceOf(ConnectTimeoutError);
    expect(timeout).toMatchObject({ code: 'CONNECT_TIMEOUT', message: 'slow' });
    const refused = errorFromWire(cross(errorToWire(new HandshakeRejectedError(401))));
    expect(refused).toBeInstanceOf(HandshakeRejectedError);
    expect((refused as HandshakeRejectedError).status).toBe(401);
    expect(errorFromWire(cross(errorToWire(new InvalidUrlError('u'))))).toBeInstanceOf(
      InvalidUrlError,
    );
  });

  // A browser refuses to clone an Event (DataCloneError): it must cross as a record.
  it('an error event crosses as an Error naming its type', () => {
    const event = new Event('error');
    const back = errorFromWire(cross(errorToWire(event))) as Error;
    expect(back).toBeInstanceOf(Error);
    expect(back.message).toBe('error');
    const plain = errorFromWire(cross(errorToWire(new TypeError('t')))) as Error;
    expect([plain.name, plain.message]).toEqual(['TypeError', 't']);
    expect(errorToWire(undefined)).toBeUndefined();
  });

  it('a retry state keeps every field', () => {
    const retry: RetryState = {
      phase: 'waiting',
      attempt: 3,
      retryAt: 123,
      lastClose: new Disconnected({ code: 1006 }),
      lastError: new ConnectTimeoutError('x'),
    };
    const back = retryFromWire(cross(retryToWire(retry)));
    expect(back).toMatchObject({ phase: 'waiting', attempt: 3, retryAt: 123 });
    expect(back.lastClose).toBeInstanceOf(Disconnected);
    expect(back.lastError).toBeInstanceOf(ConnectTimeoutError);
    expect(Object.isFrozen(back)).toBe(true);
  });
});
