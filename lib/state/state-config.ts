/**
 * Cross-object state settings of the function, from its environment (a bad value stops the cold
 * start with its name):
 *   STATE_TABLE            the DynamoDB table (unset: correlations stay within one object)
 *   STATE_LATENESS         how late an event may arrive, in event time (default 15m)
 *   SUPPRESS_WINDOW        suppression window for rules without their own (unset: none)
 *   STATE_MAX_OBSERVATIONS observations one group's evaluation reads (default 10000)
 *   STATE_MAX_GROUPS       groups one scan tracks per rule (default 10000)
 */
import { parseTimespan } from '../sigma/timespan.ts';
import type { StateLimits } from './state-options.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface StateConfig {
  readonly table?: string;
  readonly limits: Partial<StateLimits>;
  readonly defaultSuppressMs?: number;
}

export function readStateConfig(env: Env): StateConfig {
  const table = env['STATE_TABLE'] || undefined;
  const lateness = timespan(env, 'STATE_LATENESS');
  const suppress = timespan(env, 'SUPPRESS_WINDOW');
  const observations = whole(env, 'STATE_MAX_OBSERVATIONS');
  const groups = whole(env, 'STATE_MAX_GROUPS');
  return {
    ...(table === undefined ? {} : { table }),
    limits: {
      ...(lateness === undefined ? {} : { latenessMs: lateness }),
      ...(observations === undefined ? {} : { maxObservationsPerGroup: observations }),
      ...(groups === undefined ? {} : { maxGroupsPerRule: groups }),
    },
    ...(suppress === undefined ? {} : { defaultSuppressMs: suppress }),
  };
}

/** `15m`, `1h`... for a setting named `name`; a clear error otherwise. */
export function timespanSetting(text: string, name: string): number {
  try {
    return parseTimespan(text, name);
  } catch (error) {
    throw new Error(`${name} must be a timespan such as 15m or 1h, not '${text}'`, { cause: error });
  }
}

function timespan(env: Env, name: string): number | undefined {
  const text = env[name];
  return text === undefined || text === '' ? undefined : timespanSetting(text, name);
}

function whole(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not '${text}'`);
  return value;
}
