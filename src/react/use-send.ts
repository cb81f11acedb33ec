import { useCallback } from 'react';
import { type Binding, useLatestHandle } from './binding';

export const useSendOf = <In, Out>(binding: Binding<In, Out>): ((data: Out) => boolean) => {
  const current = useLatestHandle(binding, 'useSend');
  // After the provider let go (a late promise, a stale closure) there is no socket: false.
  return useCallback((data: Out) => current.current.demand()?.send(data) ?? false, [current]);
};
