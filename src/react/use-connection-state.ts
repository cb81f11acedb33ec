import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../core/index';
import { type Binding, useHandle } from './binding';
import { INITIAL } from './socket-handle';

export const useConnectionStateOf = <In, Out, T>(
  binding: Binding<In, Out>,
  selector?: (state: ConnectionState) => T,
): T | ConnectionState => {
  const handle = useHandle(binding, 'useConnectionState');
  const select = selector ?? ((s: ConnectionState) => s);
  return useSyncExternalStore(
    handle.subscribeState,
    () => select(handle.state()),
    () => select(INITIAL),
  );
};
