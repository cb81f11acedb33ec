import type { Scheduler } from '../../src/core';
import { Changes } from './wait';

export interface CountingScheduler extends Scheduler {
  /** Timers started and neither fired nor cleared yet. */
  readonly live: number;
  /** Every delay ever requested, in order. */
  readonly delays: readonly number[];
  /** Resolves once `condition` holds, re-checked whenever a timer is started, fires or is cleared. */
  when(condition: () => boolean, ms: number, what: string): Promise<void>;
}

/**
 * The real timers, counted: inject as the `scheduler` option to prove a socket leaves no timer
 * behind, without fake timers (the network underneath stays real).
 */
export const countingScheduler = (): CountingScheduler => {
  const live = new Set<ReturnType<typeof setTimeout>>();
  const delays: number[] = [];
  const changes = new Changes();
  return {
    setTimeout(callback, ms) {
      delays.push(ms);
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
        changes.notify();
      }, ms);
      live.add(handle);
      changes.notify();
      return handle;
    },
    clearTimeout(handle) {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
      if (live.delete(handle as ReturnType<typeof setTimeout>)) changes.notify();
    },
    now: () => Date.now(),
    get live() {
      return live.size;
    },
    delays,
    when: (condition, ms, what) => changes.when(condition, ms, what),
  };
};
