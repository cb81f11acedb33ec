import { act } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import type { Transport, WebSocketImplementation } from '../../src/core/index';

/** A WebSocket implementation that records every transport it constructs. */
export const counting = (
  Impl: WebSocketImplementation,
): { Impl: WebSocketImplementation; instances: Transport[] } => {
  const instances: Transport[] = [];
  const Base = Impl as unknown as new (...args: unknown[]) => Transport;
  class Counted extends Base {
    constructor(...args: unknown[]) {
      super(...args);
      instances.push(this);
    }
  }
  return { Impl: Counted as unknown as WebSocketImplementation, instances };
};

/**
 * Counts commits of a subtree with a `<Profiler>`: StrictMode calls render functions twice but
 * commits once, so the count is the same in both modes.
 */
export class Commits {
  count = 0;
  readonly Probe = ({ children }: { children?: ReactNode }): ReactNode => (
    <Profiler id="probe" onRender={this.onRender}>
      {children}
    </Profiler>
  );
  private readonly onRender = (): void => {
    this.count++;
  };
}

/** Runs `fn` (which makes the server emit synchronously) inside `act`. */
export const inAct = async (fn: () => void): Promise<void> => {
  await act(async () => {
    fn();
  });
};

/** Resolves after the next animation frame (jsdom's `requestAnimationFrame`), inside `act`. */
export const nextFrame = async (): Promise<void> => {
  await act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
};

/** Records the value each commit of a subtree rendered with (once per commit in both modes). */
export class Recorder<T> {
  readonly values: T[] = [];
  readonly Probe = ({ value, children }: { value: T; children?: ReactNode }): ReactNode => (
    <Profiler id="recorder" onRender={() => this.values.push(value)}>
      {children}
    </Profiler>
  );
}
