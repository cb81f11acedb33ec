import { describe, expect, it } from 'vitest';
import {
  ConnectTimeoutError,
  DecodeError,
  HandshakeRejectedError,
  InvalidCloseError,
  InvalidOptionError,
  InvalidUrlError,
  NoWebSocketError,
  SlowConsumerError,
  SocketEndedError,
  WebSocketClientError,
} from '../../src/core';

const classes = [
  [InvalidUrlError, 'INVALID_URL'],
  [InvalidOptionError, 'INVALID_OPTION'],
  [InvalidCloseError, 'INVALID_CLOSE'],
  [NoWebSocketError, 'NO_WEBSOCKET'],
  [SocketEndedError, 'SOCKET_ENDED'],
  [ConnectTimeoutError, 'CONNECT_TIMEOUT'],
  [DecodeError, 'DECODE_FAILED'],
  [SlowConsumerError, 'SLOW_CONSUMER'],
] as const;

describe('errors', () => {
  it.each(classes)('%o has its literal code, its name, and the common base', (Class, code) => {
    const error = new Class('message', { cause: 'why' });
    expect(error.code).toBe(code);
    expect(error.name).toBe(Class.name);
    expect(error.message).toBe('message');
    expect(error.cause).toBe('why');
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(WebSocketClientError);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(`${Class.name}: message`);
    expect(error.stack).toContain('message');
  });

  it('codes are distinct and classes do not overlap', () => {
    expect(new Set(classes.map(([, code]) => code)).size).toBe(classes.length);
    for (const [A] of classes) {
      for (const [B] of classes) {
        if (A !== B) expect(new A('x')).not.toBeInstanceOf(B);
      }
    }
  });

  it('HandshakeRejectedError carries the HTTP status, its code and name, and says what to do', () => {
    const error = new HandshakeRejectedError(401);
    expect(error.status).toBe(401);
    expect(error.code).toBe('HANDSHAKE_REJECTED');
    expect(error.name).toBe('HandshakeRejectedError');
    expect(error).toBeInstanceOf(WebSocketClientError);
    expect(error.message).toMatch(/HTTP 401/);
    expect(error.message).toMatch(/shouldRetry/);
    expect(String(error)).toMatch(/^HandshakeRejectedError: /);
  });
});
