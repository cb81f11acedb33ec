import { type Backoff, BinaryExponentialBackoff, withJitter } from './backoff';
import { ms } from './validate';

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface FailureInfo {
  /** Why the attempt failed: the transport's error, `ConnectTimeoutError`, `HandshakeRejectedError`, or what the URL provider or `onOpen` threw. */
  error: unknown;
  /** The HTTP status of a refused upgrade, where the implementation exposes it (`ws`). */
  status?: number;
}

export interface ReconnectPolicyOptions {
  timeout: number;
  giveUpAfter?: number | undefined;
  backoff?: Backoff | undefined;
  minUptime?: number | undefined;
  shouldReconnect?: ((close: CloseInfo) => boolean) | undefined;
  shouldRetry?: ((failure: FailureInfo) => boolean) | undefined;
}

/**
 * When to try again: the backoff (a fresh jittered default per socket), the give-up budget, the
 * minimum uptime that counts as a recovery, and the user's `shouldReconnect` / `shouldRetry`.
 * The reducer decides when to consult it; this unit holds the stateful parts.
 */
export class ReconnectPolicy {
  /** Give up when the summed backoff delays of one outage reach this. */
  readonly budget: number;
  readonly minUptime: number;
  readonly #backoff: Backoff;
  readonly #shouldReconnect: ((close: CloseInfo) => boolean) | undefined;
  readonly #shouldRetry: ((failure: FailureInfo) => boolean) | undefined;

  constructor(options: ReconnectPolicyOptions) {
    const { giveUpAfter } = options;
    this.budget =
      giveUpAfter === Number.POSITIVE_INFINITY
        ? giveUpAfter
        : ms(giveUpAfter ?? options.timeout, 'giveUpAfter');
    this.minUptime = ms(options.minUptime ?? 5_000, 'minUptime');
    // A new default per socket: the seed shared one, so sockets disturbed each other's delays.
    this.#backoff =
      options.backoff ?? withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 }));
    this.#shouldReconnect = options.shouldReconnect;
    this.#shouldRetry = options.shouldRetry;
  }

  get asksOnClose(): boolean {
    return this.#shouldReconnect !== undefined;
  }

  get asksOnFailure(): boolean {
    return this.#shouldRetry !== undefined;
  }

  next(): number {
    return this.#backoff.next();
  }

  reset(): void {
    this.#backoff.reset();
  }

  /**
   * The user's answer; a policy that throws is reported and the seed's default (retry) applies,
   * so a bug in it cannot strand the socket.
   */
  decide(
    about: { close?: CloseInfo | undefined; failure?: { error: unknown } | undefined },
    report: (error: unknown) => void,
  ): boolean {
    try {
      if (about.close) return this.#shouldReconnect?.({ ...about.close }) ?? true;
      const error = about.failure?.error;
      const status = (error as { status?: unknown } | undefined)?.status;
      return (
        this.#shouldRetry?.(typeof status === 'number' ? { error, status } : { error }) ?? true
      );
    } catch (error) {
      report(error);
      return true;
    }
  }
}
