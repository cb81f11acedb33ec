import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../core/index';
import { type Binding, useHandle } from './binding';

export const useConnectionStateOf = <In, Out, T>(
  binding: Binding<In, Out>,
  selector?: (state: ConnectionState) => T,
): T | ConnectionState => {
  const handle = useHandle(binding, 'useConnectionState');
  const select = () => (selector ? selector(handle.state()) : handle.state());
  // The server snapshot is the same read: no socket exists there (nor before the first commit),
  // so it is Connecting, or Disconnected when the provider is disabled: hydration matches.
  return useSyncExternalStore(handle.subscribe, select, select);
};
