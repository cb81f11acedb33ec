// Seed: test/src/connection_state/connection_state_test.dart.
// Dart's `==`/`hashCode` have no JS equivalent: value equality is `toStrictEqual` (same class,
// same fields), and the seed's hashCode checks have nothing to map to.
import { describe, expect, it } from 'vitest';
import {
  Connected,
  Connecting,
  Disconnected,
  Disconnecting,
  Reconnected,
  Reconnecting,
} from '../../src/core';

describe('ConnectionState', () => {
  describe('Connecting', () => {
    it('supports value equality', () => {
      expect(new Connecting()).toStrictEqual(new Connecting());
    });
  });

  describe('Connected', () => {
    it('supports value equality', () => {
      expect(new Connected()).toStrictEqual(new Connected());
    });
  });

  describe('Reconnecting', () => {
    it('supports value equality', () => {
      expect(new Reconnecting()).toStrictEqual(new Reconnecting());
    });
  });

  describe('Reconnected', () => {
    it('supports value equality', () => {
      expect(new Reconnected()).toStrictEqual(new Reconnected());
    });
  });

  describe('Disconnecting', () => {
    it('supports value equality', () => {
      expect(new Disconnecting()).toStrictEqual(new Disconnecting());
    });
  });

  describe('Disconnected', () => {
    it('supports value equality', () => {
      const code = 42;
      const reason = 'reason';
      const error = 'oops';
      expect(new Disconnected()).toStrictEqual(new Disconnected());
      // The seed also passes `stackTrace: StackTrace.empty`; a JS error carries its own stack.
      expect(new Disconnected({ code, reason, error })).toStrictEqual(
        new Disconnected({ code, reason, error }),
      );
      expect(new Disconnected()).not.toStrictEqual(new Disconnected({ code, reason }));
      expect(new Disconnected()).not.toEqual(new Disconnected({ code, reason }));
    });
  });
});
