/** The bytes of a buffer or view, to compare binary options by content. */
const bytes = (value: object): Uint8Array | undefined => {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return undefined;
};

/** Keys that say something about the connection: functions are callbacks, undefined is absent. */
const meaningful = (o: Record<string, unknown>): string[] =>
  Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== 'function');

/**
 * Whether two renders' options describe the same connection. Plain objects and arrays compare
 * by value, so `options={{ protocols: ['v1'] }}` written inline does not reconnect on every
 * render; URLs compare by `href`; binary values (a `heartbeat.ping`) by their bytes.
 * Functions are callbacks: the provider always calls the latest one, so adding, removing or
 * changing one is no new connection (a key set to undefined counts as absent, too).
 * Other objects (a backoff, a scheduler) compare by class: they are taken from the render that
 * created the socket; change the provider's `key` to replace them.
 */
export const sameOptions = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof URL || b instanceof URL) return String(a) === String(b);
  const [x, y] = [bytes(a), bytes(b)];
  if (x || y) return !!x && !!y && x.length === y.length && x.every((v, i) => v === y[i]);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameOptions(v, b[i]));
  }
  const proto = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (proto !== Object.prototype && proto !== null) return true;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = meaningful(ra);
  return (
    keys.length === meaningful(rb).length && keys.every((k) => k in rb && sameOptions(ra[k], rb[k]))
  );
};
