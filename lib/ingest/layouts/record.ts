/** A parsed JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The prototype of every field map: an empty object that has no prototype itself. Maps made from
 * it inherit nothing (`Object.prototype` is not on their chain), yet stay ordinary fast objects:
 * V8 keeps `Object.create(null)` objects in dictionary mode, which made matching a third slower.
 */
export const NO_INHERITANCE: object = Object.freeze(Object.create(null) as object);

/**
 * A map built from attacker-written names (EventData, XML attributes): nothing inherited, so a
 * name such as `__proto__`, `constructor` or `toString` is an ordinary own key, never the
 * object's prototype or an inherited method, and `name in map` sees only what the event holds.
 */
export function nameMap<T>(): Record<string, T> {
  return Object.create(NO_INHERITANCE) as Record<string, T>;
}

/** Whether `value` is a map that inherits nothing (a `nameMap`, or a record given that prototype). */
export function inheritsNothing(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || proto === NO_INHERITANCE;
}
