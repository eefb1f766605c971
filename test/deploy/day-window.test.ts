import { describe, expect, it } from 'vitest';
import { dayOfKey, keyInWindow, parseDayWindow } from '../../lib/backfill/day-window.ts';

describe('day windows over dt=YYYYMMDD/ keys', () => {
  it('reads the day from a dt= path segment only', () => {
    expect(dayOfKey('dd/dt=20261124/hour=03/x.json.gz')).toBe('20261124');
    expect(dayOfKey('dt=20261124/x')).toBe('20261124');
    expect(dayOfKey('dd/notdt=20261124/x')).toBeUndefined();
    expect(dayOfKey('dd/dt=2026112/x')).toBeUndefined();
  });

  it('includes both ends, and keys with no day in every window', () => {
    const w = parseDayWindow('20261101', '20261130');
    expect(keyInWindow('dt=20261101/a', w)).toBe(true);
    expect(keyInWindow('dt=20261130/a', w)).toBe(true);
    expect(keyInWindow('dt=20261031/a', w)).toBe(false);
    expect(keyInWindow('dt=20261201/a', w)).toBe(false);
    expect(keyInWindow('undated/a', w)).toBe(true);
    expect(keyInWindow('dt=19990101/a', parseDayWindow(undefined, undefined))).toBe(true);
    expect(keyInWindow('dt=19990101/a', parseDayWindow(undefined, '20000101'))).toBe(true);
  });

  it('rejects days that are not days, and inverted windows', () => {
    expect(() => parseDayWindow('2026-11-01')).toThrow(/--since must be a day as YYYYMMDD/);
    expect(() => parseDayWindow(undefined, '20260230')).toThrow(/--until must be a day/);
    expect(() => parseDayWindow('20261201', '20261101')).toThrow(/--since 20261201 is after --until 20261101/);
  });
});
