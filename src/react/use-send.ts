import { useCallback } from 'react';
import { type Binding, useLatestHandle } from './binding';

export const useSendOf = <In, Out>(binding: Binding<In, Out>): ((data: Out) => boolean) => {
  const current = useLatestHandle(binding, 'useSend');
  return useCallback((data: Out) => current.current.get().send(data), [current]);
};
