import { useSyncExternalStore } from 'react';
import type { WebSocket } from '../core/index';
import { type Binding, useHandle } from './binding';

export const useWebSocketOf = <In, Out>(binding: Binding<In, Out>): WebSocket<In, Out> | null => {
  const handle = useHandle(binding, 'useWebSocket');
  return useSyncExternalStore(
    handle.subscribeState,
    () => handle.peek() ?? null,
    () => null,
  );
};
