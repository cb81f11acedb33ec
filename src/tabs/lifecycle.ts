/**
 * What the page says about its own life, as far as sharing a connection goes:
 * - `leave`: the page is going away for good (`pagehide` that is not kept in the back/forward cache);
 * - `freeze`: the page is about to be frozen (its timers and tasks stop until `resume`);
 * - `resume`: it runs again.
 */
export type LifecycleSignal = 'leave' | 'freeze' | 'resume';

export interface Lifecycle {
  subscribe(listener: (signal: LifecycleSignal) => void): () => void;
}

interface Target {
  addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
  removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void;
}

/** The page's signals; undefined outside a window (workers, Node). */
export const pageLifecycle = (): Lifecycle | undefined => {
  const g = globalThis as { document?: Target; addEventListener?: unknown };
  const doc = g.document;
  if (!doc || typeof g.addEventListener !== 'function') return undefined;
  const win = globalThis as unknown as Target;
  return {
    subscribe(listener) {
      const leave = (event: { persisted?: boolean }) => {
        if (!event.persisted) listener('leave');
      };
      const freeze = () => listener('freeze');
      const resume = () => listener('resume');
      win.addEventListener('pagehide', leave);
      doc.addEventListener('freeze', freeze);
      doc.addEventListener('resume', resume);
      return () => {
        win.removeEventListener('pagehide', leave);
        doc.removeEventListener('freeze', freeze);
        doc.removeEventListener('resume', resume);
      };
    },
  };
};
