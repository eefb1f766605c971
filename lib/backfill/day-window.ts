/**
 * A window of days for backfills, read from keys laid out by day: `.../dt=YYYYMMDD/...` (Datadog
 * archives, Firehose with a custom prefix). Both ends inclusive, either may be open. Keys with no
 * `dt=` segment are inside every window: without a date we cannot prove them outside.
 */
export interface DayWindow {
  readonly since?: string;
  readonly until?: string;
  /** For log lines and skip reasons, e.g. `dt window 20260101..20260131`. */
  readonly label: string;
}

const DAY = /^\d{8}$/;

export function parseDayWindow(since?: string, until?: string): DayWindow {
  for (const [name, value] of [['since', since], ['until', until]] as const) {
    if (value !== undefined && !(DAY.test(value) && isRealDay(value))) {
      throw new Error(`--${name} must be a day as YYYYMMDD (e.g. 20260131), not '${value}'`);
    }
  }
  if (since !== undefined && until !== undefined && since > until) {
    throw new Error(`--since ${since} is after --until ${until}`);
  }
  return {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    label: `dt window ${since ?? '*'}..${until ?? '*'}`,
  };
}

/** The day a key belongs to, from its first `dt=YYYYMMDD` path segment. */
export function dayOfKey(key: string): string | undefined {
  return /(?:^|\/)dt=(\d{8})(?:\/|$)/.exec(key)?.[1];
}

export function keyInWindow(key: string, window: DayWindow): boolean {
  if (window.since === undefined && window.until === undefined) return true;
  const day = dayOfKey(key);
  if (day === undefined) return true;
  return (window.since === undefined || day >= window.since) && (window.until === undefined || day <= window.until);
}

function isRealDay(day: string): boolean {
  const date = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10).replaceAll('-', '') === day;
}
