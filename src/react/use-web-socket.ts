import { useSyncExternalStore } from 'react';
import type { WebSocketLike } from '../core/index';
import { type Binding, useHandle } from './binding';

export const useWebSocketOf = <In, Out>(
  binding: Binding<In, Out>,
): WebSocketLike<In, Out> | null => {
  const handle = useHandle(binding, 'useWebSocket');
  return useSyncExternalStore(
    handle.subscribe,
    () => handle.peek() ?? null,
    () => null,
  );
};
