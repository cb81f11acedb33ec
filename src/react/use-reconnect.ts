import { useCallback } from 'react';
import { type Binding, useLatestHandle } from './binding';

export const useReconnectOf = <In, Out>(binding: Binding<In, Out>): (() => void) => {
  const current = useLatestHandle(binding, 'useReconnect');
  return useCallback(() => {
    const handle = current.current;
    if (!handle.renew()) handle.get().reconnect();
  }, [current]);
};
