/** What the platform says about the network and the page's life, as one injectable source. */
export type EnvironmentSignal = 'online' | 'offline' | 'wake';

export interface Environment {
  /** False while the platform knows it is offline: no attempts are spent then. */
  online(): boolean;
  subscribe(listener: (signal: EnvironmentSignal) => void): () => void;
}

/**
 * The browser's signals: `online`/`offline` on the window, and the page becoming visible again
 * ('wake': timers may have been throttled or the machine may have slept). Undefined where there is
 * no window, as in Node or a worker without these events.
 */
export const browserEnvironment = (): Environment | undefined => {
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
  return {
    online: () => g.navigator?.onLine !== false,
    subscribe(listener) {
      const online = () => listener('online');
      const offline = () => listener('offline');
      const visible = () => doc?.visibilityState === 'visible' && listener('wake');
      on('online', online);
      on('offline', offline);
      doc?.addEventListener('visibilitychange', visible);
      return () => {
        off('online', online);
        off('offline', offline);
        doc?.removeEventListener('visibilitychange', visible);
      };
    },
  };
};
