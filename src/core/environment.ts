import { defaultScheduler, type Scheduler } from './scheduler';

/**
 * What the platform says about the network and the machine:
 * - `online` / `offline`: the network came back or went away;
 * - `wake`: the page became visible again (its timers may have been throttled);
 * - `resume`: the wall clock jumped while the page was visible: the machine slept.
 */
export type EnvironmentSignal = 'online' | 'offline' | 'wake' | 'resume';

export interface Environment {
  /** False while the platform knows it is offline: no attempts are spent then. */
  online(): boolean;
  subscribe(listener: (signal: EnvironmentSignal) => void): () => void;
}

/** How often a visible page checks the wall clock, and how far it may lag before it means sleep. */
const CLOCK_CHECK = 5_000;
const SLEPT = 10_000;

/**
 * The browser's signals: `online`/`offline` on the window, `visibilitychange` to visible
 * ('wake'), and a wall-clock check while the page is visible ('resume': a laptop that sleeps with
 * the tab in front sends no visibility event). Undefined where there is no window (Node, most
 * workers).
 *
 * `online()` trusts events only: a false `navigator.onLine` at start is wrong often enough in
 * Chromium that TanStack Query v5 stopped reading it, and believing it would leave a healthy
 * page waiting. Once an `offline` event was heard, attempts wait for `online`.
 */
export const browserEnvironment = (
  scheduler: Scheduler = defaultScheduler,
): Environment | undefined => {
  const g = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    navigator?: { onLine?: boolean };
    document?: {
      visibilityState?: string;
      addEventListener(type: string, listener: () => void): void;
      removeEventListener(type: string, listener: () => void): void;
    };
  };
  const { addEventListener: on, removeEventListener: off, document: doc } = g;
  if (!on || !off || typeof g.navigator?.onLine !== 'boolean') return undefined;
  let online = true;
  return {
    online: () => online,
    subscribe(listener) {
      const visible = () => doc?.visibilityState !== 'hidden';
      let timer: unknown;
      let checked = 0;
      // Hidden pages get throttled timers; a late check there proves nothing, so only a visible
      // page watches the clock.
      const watch = () => {
        scheduler.clearTimeout(timer);
        timer = undefined;
        if (!visible()) return;
        checked = scheduler.now();
        timer = scheduler.setTimeout(check, CLOCK_CHECK);
      };
      const check = () => {
        const late = scheduler.now() - checked - CLOCK_CHECK;
        watch();
        if (late > SLEPT) listener('resume');
      };
      const wentOnline = () => {
        online = true;
        listener('online');
      };
      const wentOffline = () => {
        online = false;
        listener('offline');
      };
      const visibility = () => {
        watch();
        if (visible()) listener('wake');
      };
      on('online', wentOnline);
      on('offline', wentOffline);
      doc?.addEventListener('visibilitychange', visibility);
      watch();
      return () => {
        scheduler.clearTimeout(timer);
        timer = undefined;
        off('online', wentOnline);
        off('offline', wentOffline);
        doc?.removeEventListener('visibilitychange', visibility);
      };
    },
  };
};
