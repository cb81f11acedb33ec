/**
 * The time seam. Every timer the socket starts goes through one of these, so tests drive time
 * with a fake and nothing in the core reads the global clock directly.
 */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Wall-clock milliseconds; a jump larger than a timer's delay reveals a sleep. */
  now(): number;
}

export const defaultScheduler: Scheduler = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};
