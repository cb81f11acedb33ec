import { useCallback, useInsertionEffect, useState, useSyncExternalStore } from 'react';
import { InvalidOptionError } from '../core/index';
import { type Binding, useHandle } from './binding';
import { MessageBuffer, type MessageBufferOptions, type MessageList } from './message-buffer';

export type UseMessagesOptions<In> = MessageBufferOptions<In>;

/** Bad options fail at the render that passed them, with what to pass instead. */
export const checkThrottle = (hook: string, throttle: number | undefined): void => {
  if (throttle !== undefined && !(throttle >= 0 && throttle < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError(
      __DEV__
        ? `${hook} throttle must be a finite number of milliseconds >= 0 (0: every frame), got ${String(throttle)}.`
        : `throttle ${String(throttle)}`,
    );
  }
};

export const useMessagesOf = <In, Out>(
  binding: Binding<In, Out>,
  options: UseMessagesOptions<In> = {},
): MessageList<In> => {
  const handle = useHandle(binding, 'useMessages');
  const { limit, throttle } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InvalidOptionError(
      __DEV__
        ? `useMessages limit must be a positive integer (how many messages to keep), got ${String(limit)}.`
        : `limit ${String(limit)}`,
    );
  }
  checkThrottle('useMessages', throttle);
  const [buffer] = useState(() => {
    const created = new MessageBuffer<In>();
    created.configure(options);
    return created;
  });
  // On commit: a render React throws away does not change what the buffer keeps.
  useInsertionEffect(() => buffer.configure(options));
  const subscribe = useCallback(
    (listener: () => void) => buffer.listen((push) => handle.subscribeMessages(push), listener),
    [buffer, handle],
  );
  return useSyncExternalStore(subscribe, buffer.snapshot, buffer.snapshot);
};
