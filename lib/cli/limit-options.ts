/**
 * The work budget of a scan, as options: one `--max-...` per ingest limit (lib/ingest/limits.ts,
 * the same the Lambda reads from its environment) and `--time-limit SECS` per file.
 */
import { DEFAULT_LIMITS, LIMIT_SPECS, LimitError, parseLimit } from '../ingest/limits.ts';
import type { IngestLimits } from '../ingest/ingest-item.ts';
import { type OptionSpec, UsageError } from './command.ts';

export const LIMIT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'time-limit': {
    type: 'string',
    value: 'SECS',
    help: 'stop reading a file after SECS seconds of scanning (its alerts so far are shown, the file is reported as not read whole); none by default',
  },
  ...Object.fromEntries(
    LIMIT_SPECS.map((spec) => [spec.flag, { type: 'string', value: 'N', help: `${spec.meaning} (default ${DEFAULT_LIMITS[spec.name]})` } satisfies OptionSpec]),
  ),
};

export interface WorkBudget {
  readonly limits: Partial<Record<keyof IngestLimits, number>>;
  /** Per file, in ms. */
  readonly timeLimitMs?: number;
  readonly timeLimitText?: string;
}

/** The budget the options ask for; a value that is not a positive number is a usage error naming its flag. */
export function workBudget(values: Readonly<Record<string, unknown>>): WorkBudget {
  try {
    const limits: Partial<Record<keyof IngestLimits, number>> = {};
    for (const spec of LIMIT_SPECS) {
      const text = values[spec.flag];
      if (typeof text === 'string') limits[spec.name] = parseLimit(text, `--${spec.flag}`);
    }
    const time = values['time-limit'];
    if (typeof time !== 'string') return { limits };
    return { limits, timeLimitMs: parseLimit(time, '--time-limit') * 1000, timeLimitText: time };
  } catch (error) {
    if (error instanceof LimitError) throw new UsageError(error.message);
    throw error;
  }
}
