/**
 * Alert storms: one noisy rule can match thousands of events in one object. By default they fold
 * into one alert per object + rule + host, carrying the count and the first N events; `event`
 * grouping gives one alert per match instead.
 */
import type { Match } from '../scan/match.ts';
import type { Alert, ObjectRef } from './alert.ts';
import { alertId } from './alert-id.ts';
import { eventHost } from './event-facts.ts';

export type Grouping = 'object-rule-host' | 'object-rule' | 'event';

export interface AggregationOptions {
  readonly grouping: Grouping;
  /** Events kept in full per folded alert; the rest are only counted. */
  readonly maxEventsPerAlert: number;
}

export const DEFAULT_AGGREGATION: AggregationOptions = { grouping: 'object-rule-host', maxEventsPerAlert: 10 };

interface Group {
  readonly first: Match;
  readonly matches: Match[];
  count: number;
}

export interface Aggregator {
  /** In `event` grouping the alert is complete at once and returned; otherwise undefined. */
  add(match: Match): Alert | undefined;
  /** The folded alerts, in order of their first event. */
  alerts(): Alert[];
}

export function createAggregator(object: ObjectRef, options: AggregationOptions): Aggregator {
  const groups = new Map<string, Group>();
  const keep = Math.max(1, options.maxEventsPerAlert);

  function toAlert(group: Group): Alert {
    const { first } = group;
    return {
      id: alertId(first.suppressed ? `${first.rule.id}#suppressed#${first.suppressed.key}` : first.rule.id, object, first.source.index),
      rule: first.rule,
      host: eventHost(first.event),
      object,
      count: group.count,
      matches: group.matches,
    };
  }

  return {
    add(match) {
      // A suppression summary stands for the matches it counts, and is never folded into another alert.
      const count = match.suppressed?.count ?? 1;
      if (options.grouping === 'event' || match.suppressed) return toAlert({ first: match, matches: [match], count });
      const host = options.grouping === 'object-rule-host' ? eventHost(match.event) : '';
      // JSON keeps rule ids and host names that contain separators from colliding.
      const key = JSON.stringify([match.rule.id, host]);
      const group = groups.get(key);
      if (group === undefined) {
        groups.set(key, { first: match, matches: [match], count });
      } else {
        group.count += count;
        if (group.matches.length < keep) group.matches.push(match);
      }
      return undefined;
    },
    alerts() {
      return [...groups.values()]
        .map(toAlert)
        .sort((a, b) => (a.matches[0]?.source.index ?? 0) - (b.matches[0]?.source.index ?? 0));
    },
  };
}
