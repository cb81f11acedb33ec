import { useEffect, useInsertionEffect, useRef } from 'react';
import { type Binding, useHandle } from './binding';

export const useMessageListenerOf = <In, Out>(
  binding: Binding<In, Out>,
  listener: (message: In) => void,
): void => {
  const handle = useHandle(binding, 'useMessageListener');
  const latest = useRef(listener);
  useInsertionEffect(() => {
    latest.current = listener;
  });
  useEffect(() => handle.subscribeMessages((message) => latest.current(message)), [handle]);
};
