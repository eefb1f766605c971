/** A parsed JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A map built from attacker-written names (EventData, XML attributes): no prototype, so a name
 * such as `__proto__`, `constructor` or `toString` is an ordinary own key, never the object's
 * prototype or an inherited method, and `name in map` sees only what the event holds.
 */
export function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
