import { InvalidCloseError, InvalidOptionError } from './errors';
import { byteLength } from './transport';

/** Milliseconds must be finite and non-negative; anything else is a caller bug worth naming. */
export const ms = (value: unknown, name: string): number => {
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new InvalidOptionError(
      __DEV__
        ? `${name} must be a finite number of milliseconds >= 0, got ${String(value)}.`
        : `${name} ${String(value)}`,
    );
  }
  return value;
};

/** What `close(code, reason)` can send: 1000 or 3000–4999, and a reason of at most 123 bytes. */
export const checkClose = (code: number | undefined, reason: string | undefined): void => {
  if (
    code !== undefined &&
    code !== 1000 &&
    !(Number.isInteger(code) && code >= 3000 && code <= 4999)
  ) {
    throw new InvalidCloseError(
      __DEV__
        ? `Close code ${String(code)} cannot be sent: use 1000 (normal) or an application code in 3000–4999.`
        : `code ${String(code)}`,
    );
  }
  if (reason !== undefined && byteLength(reason) > 123) {
    throw new InvalidCloseError(
      __DEV__ ? 'The close reason is longer than 123 UTF-8 bytes; shorten it.' : 'reason',
    );
  }
};
