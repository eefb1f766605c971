/**
 * Whether an event belongs to a rule's logsource, by its `Channel` and `EventID`. The detector
 * indexes rules by these; the reference interpreter asks `routeAccepts` directly.
 */
import type { FieldValue } from '../events/win-event.ts';
import { foldString } from './case-fold.ts';
import type { Expr } from './ast.ts';
import type { LogsourceRoute } from './logsource.ts';

export function routeAccepts(route: LogsourceRoute, fields: Readonly<Record<string, FieldValue>>): boolean {
  if (route.foreign) return false;
  if (route.channels) {
    const channel = fields['Channel'];
    if (typeof channel !== 'string') return false;
    const folded = foldString(channel);
    if (!route.channels.some((c) => foldString(c) === folded)) return false;
  }
  return route.eventIds === null || eventIdsMatch(fields, route.eventIds);
}

/** The event's `EventID` (or, for a list, any element of it) is one of `ids`. */
export function eventIdsMatch(fields: Readonly<Record<string, FieldValue>>, ids: readonly number[]): boolean {
  const value = fields['EventID'];
  const one = (v: FieldValue | undefined): boolean => {
    const id = readEventId(v);
    return id !== undefined && ids.includes(id);
  };
  return Array.isArray(value) ? value.some(one) : one(value);
}

/** `EventID` as a number (ingest makes it one; a digit string is read as one too). */
export function eventIdOf(fields: Readonly<Record<string, FieldValue>>): number | undefined {
  return readEventId(fields['EventID']);
}

function readEventId(id: FieldValue | undefined): number | undefined {
  if (typeof id === 'number') return id;
  if (typeof id === 'string' && /^\d{1,10}$/.test(id)) return Number(id);
  return undefined;
}

/**
 * Event ids the detection itself requires (`EventID: 16403` ANDed at the top), so the detector
 * can skip the rule for every other id. Only plain number equality qualifies.
 */
export function requiredEventIds(expr: Expr): number[] | null {
  const items = expr.kind === 'and' ? expr.items : [expr];
  for (const item of items) {
    if (item.kind !== 'test' || item.field !== 'EventID' || item.negate || item.timePart || item.values.length === 0) continue;
    if (item.all && item.values.length > 1) continue;
    if (item.values.every((v) => v.kind === 'number')) {
      return item.values.map((v) => (v as { value: number }).value);
    }
  }
  return null;
}
