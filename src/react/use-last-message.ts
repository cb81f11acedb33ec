import { useCallback, useInsertionEffect, useRef, useState, useSyncExternalStore } from 'react';
import { type Binding, useHandle } from './binding';
import { frameAfter } from './message-buffer';
import { checkThrottle } from './use-messages';

export interface UseLastMessageOptions {
  /** Least milliseconds between two renders while messages keep coming. Default 30. */
  throttle?: number | undefined;
}

/**
 * The latest message on the socket, whenever it came (also before this component mounted), or
 * undefined before the first; re-rendering at most once per frame and per `throttle` ms.
 */
export const useLastMessageOf = <In, Out>(
  binding: Binding<In, Out>,
  options: UseLastMessageOptions = {},
): In | undefined => {
  const handle = useHandle(binding, 'useLastMessage');
  checkThrottle('useLastMessage', options.throttle);
  const throttle = useRef(options.throttle ?? 30);
  useInsertionEffect(() => {
    throttle.current = options.throttle ?? 30;
  });
  // What this component shows: the handle's latest message as of the last publication.
  const [store] = useState(() => ({ shown: handle.last(), published: Number.NEGATIVE_INFINITY }));
  const subscribe = useCallback(
    (listener: () => void) => {
      let cancel: (() => void) | undefined;
      const publish = (now: number) => {
        cancel = undefined;
        const wait = store.published + throttle.current - now;
        if (wait > 0) {
          cancel = frameAfter(publish, wait);
          return;
        }
        store.published = now;
        store.shown = handle.last();
        listener();
      };
      const wake = () => {
        cancel ??= frameAfter(
          publish,
          Math.max(0, store.published + throttle.current - performance.now()),
        );
      };
      const stop = handle.subscribeMessages(wake);
      // A message that came while unsubscribed (before mount, StrictMode's re-subscribe).
      if (handle.last() !== store.shown) wake();
      return () => {
        stop();
        cancel?.();
      };
    },
    [handle, store],
  );
  const read = () => store.shown?.message;
  return useSyncExternalStore(subscribe, read, read);
};
