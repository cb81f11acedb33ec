import { useSyncExternalStore } from 'react';
import type { RetryState } from '../core/index';
import { type Binding, useHandle } from './binding';

export const useRetryOf = <In, Out>(binding: Binding<In, Out>): RetryState => {
  const handle = useHandle(binding, 'useRetry');
  const read = () => handle.retry();
  return useSyncExternalStore(handle.subscribe, read, read);
};
