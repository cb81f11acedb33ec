/**
 * Hands `error` to `onError` (console.error without one). An `onError` that throws is rethrown
 * in a microtask: outside the step that reported, which must not be left half-applied.
 */
export const report = (onError: ((error: unknown) => void) | undefined, error: unknown): void => {
  try {
    (onError ?? console.error)(error);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
};
