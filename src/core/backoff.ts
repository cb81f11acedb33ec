import { InvalidOptionError } from './errors';
import { ms } from './validate';

/** A delay policy between reconnect attempts: `next()` returns a delay and advances. */
export interface Backoff {
  next(): number;
  reset(): void;
}

/** The same delay every time: d, d, d, … */
export class ConstantBackoff implements Backoff {
  readonly duration: number;
  constructor(duration: number) {
    this.duration = ms(duration, 'ConstantBackoff duration');
  }
  next(): number {
    return this.duration;
  }
  reset(): void {}
}

export interface LinearBackoffOptions {
  initial: number;
  increment: number;
  /** A step that would pass `maximum` is not taken, exactly as in the seed (1/+2/max 6 → 1, 3, 5, 5). */
  maximum?: number | undefined;
}

/** initial, initial + increment, … growing while the next value stays within `maximum`. */
export class LinearBackoff implements Backoff {
  readonly #initial: number;
  readonly #increment: number;
  readonly #maximum: number;
  #current: number;
  constructor({ initial, increment, maximum }: LinearBackoffOptions) {
    this.#current = this.#initial = ms(initial, 'LinearBackoff initial');
    this.#increment = ms(increment, 'LinearBackoff increment');
    this.#maximum =
      maximum === undefined ? Number.POSITIVE_INFINITY : ms(maximum, 'LinearBackoff maximum');
  }
  next(): number {
    const value = this.#current;
    const candidate = value + this.#increment;
    if (candidate <= this.#maximum) this.#current = candidate;
    return value;
  }
  reset(): void {
    this.#current = this.#initial;
  }
}

export interface BinaryExponentialBackoffOptions {
  initial: number;
  /** The number of distinct values: the delay doubles `maximumStep - 1` times (as the seed does). */
  maximumStep: number;
}

/** initial × 2^(min(n, maximumStep) − 1) for the n-th call. */
export class BinaryExponentialBackoff implements Backoff {
  readonly #initial: number;
  readonly #maximumStep: number;
  #step = 0;
  constructor({ initial, maximumStep }: BinaryExponentialBackoffOptions) {
    this.#initial = ms(initial, 'BinaryExponentialBackoff initial');
    if (!Number.isInteger(maximumStep) || maximumStep < 1) {
      throw new InvalidOptionError(
        __DEV__
          ? `BinaryExponentialBackoff maximumStep must be an integer >= 1 (the number of distinct delays), got ${String(maximumStep)}.`
          : `maximumStep ${String(maximumStep)}`,
      );
    }
    this.#maximumStep = maximumStep;
  }
  next(): number {
    return this.#initial * 2 ** Math.min(this.#step++, this.#maximumStep - 1);
  }
  reset(): void {
    this.#step = 0;
  }
}

export interface JitterOptions {
  /**
   * How far each delay may stray from the wrapped one: it becomes uniform in
   * [d × (1 − ratio), d × (1 + ratio)]. 1 (the default) spreads over [0, 2d]; 0 changes nothing.
   */
  ratio?: number | undefined;
  /** A source of numbers in [0, 1); injectable so tests and simulations are repeatable. */
  random?: (() => number) | undefined;
}

/**
 * Spreads any backoff's delays so that many clients dropped at once do not return in the same
 * instant. The spread is centred on the wrapped delay, so the average delay, and with it the
 * seed's give-up timing, stays what the wrapped backoff says; centring also halves the peak
 * that jitter in [0, d] leaves when the delays reach their cap (10,000 clients after a 10 s
 * outage: about 160 connects in the busiest 100 ms instead of 320). `reset()` passes through.
 */
export const withJitter = (
  backoff: Backoff,
  { ratio = 1, random = Math.random }: JitterOptions = {},
): Backoff => {
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new InvalidOptionError(
      __DEV__
        ? `withJitter ratio must be between 0 and 1, got ${String(ratio)}.`
        : `ratio ${String(ratio)}`,
    );
  }
  return {
    next: () => backoff.next() * (1 - ratio + 2 * ratio * random()),
    reset: () => backoff.reset(),
  };
};
