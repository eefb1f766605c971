/** Sigma timespans (correlations, and the `suppress` custom attribute). */
import { SigmaCompileError } from './compile-error.ts';

/** `90s`, `15m`, `1h`, `2d`, `1w`... as milliseconds; throws naming the value otherwise. */
export function parseTimespan(value: unknown, item = 'correlation: timespan'): number {
  const m = typeof value === 'string' ? /^(\d+)([smhdwMy])$/.exec(value.trim()) : null;
  if (!m) throw new SigmaCompileError(`timespan '${String(value)}' must be a number and s, m, h or d (e.g. 90m)`, item);
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, M: 30 * 86400e3, y: 365 * 86400e3 }[m[2] as 's'];
  return Number(m[1]) * unit;
}
