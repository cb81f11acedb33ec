/**
 * Whether two renders' options describe the same connection. Plain objects and arrays compare
 * by value, so `options={{ protocols: ['v1'] }}` written inline does not reconnect on every
 * render; URLs compare by `href`. Functions always compare equal: the provider calls the latest
 * one through a ref.
 * Other objects (a backoff, a codec, a scheduler) compare by class: they are taken from the render
 * that created the socket; change the provider's `key` to replace them.
 */
export const sameOptions = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof URL || b instanceof URL) return String(a) === String(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameOptions(v, b[i]));
  }
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (proto !== Object.prototype && proto !== null) return true;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) =>
      sameOptions((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
};
