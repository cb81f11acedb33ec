import { useCallback } from 'react';
import { type Binding, useLatestHandle } from './binding';

export const useReconnectOf = <In, Out>(binding: Binding<In, Out>): (() => void) => {
  const current = useLatestHandle(binding, 'useReconnect');
  return useCallback(() => {
    const handle = current.current;
    // An owned socket that ended is renewed; a borrowed one that ended throws SocketEndedError
    // (its owner must make a new one); a released handle has none, and nothing happens.
    if (!handle.renew()) handle.demand()?.reconnect();
  }, [current]);
};
