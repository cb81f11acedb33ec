import { InvalidOptionError } from './errors';

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
