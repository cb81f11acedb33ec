import { useCallback, useState, useSyncExternalStore } from 'react';
import { InvalidOptionError } from '../core/index';
import { type Binding, useHandle } from './binding';
import { MessageBuffer, type MessageBufferOptions } from './message-buffer';

export type UseMessagesOptions<In> = MessageBufferOptions<In>;

export const useMessagesOf = <In, Out>(
  binding: Binding<In, Out>,
  options: UseMessagesOptions<In> = {},
): readonly In[] => {
  const handle = useHandle(binding, 'useMessages');
  const { limit, throttle } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InvalidOptionError(
      `useMessages limit must be a positive integer (how many messages to keep), got ${String(limit)}.`,
    );
  }
  if (throttle !== undefined && !(throttle >= 0 && throttle < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError(
      `useMessages throttle must be a finite number of milliseconds >= 0 (0: every frame), got ${String(throttle)}.`,
    );
  }
  const [buffer] = useState(() => new MessageBuffer<In>());
  buffer.options = options;
  const subscribe = useCallback(
    (listener: () => void) => buffer.listen((push) => handle.subscribeMessages(push), listener),
    [buffer, handle],
  );
  return useSyncExternalStore(subscribe, buffer.snapshot, buffer.snapshot);
};
