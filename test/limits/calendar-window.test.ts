import { describe, expect, it } from 'vitest';
import { calendarWindow } from '../../src/limits/calendar-window.ts';

const utc = Date.UTC;
const iso = (ms: number) => new Date(ms).toISOString();
const windowOf = (...args: Parameters<typeof calendarWindow>) => {
  const window = calendarWindow(...args);
  return { start: iso(window.startMs), end: iso(window.endMs) };
};

describe('calendarWindow()', () => {
  it('minute: the wall-clock minute, start inclusive and end exclusive', () => {
    expect(windowOf('minute', utc(2026, 0, 1, 10, 0, 59, 999), 0)).toEqual({
      start: '2026-01-01T10:00:00.000Z',
      end: '2026-01-01T10:01:00.000Z',
    });
    expect(windowOf('minute', utc(2026, 0, 1, 10, 1), 0).start).toBe('2026-01-01T10:01:00.000Z');
  });

  it('minute windows are the same wall-clock minutes in every offset, including +5:45', () => {
    for (const offset of [60, -300, 330, 345]) {
      expect(windowOf('minute', utc(2026, 0, 1, 10, 0, 30), offset)).toEqual({
        start: '2026-01-01T10:00:00.000Z',
        end: '2026-01-01T10:01:00.000Z',
      });
    }
  });

  it('day: UTC midnight to midnight', () => {
    expect(windowOf('day', utc(2026, 2, 15, 23, 59, 59, 999), 0)).toEqual({
      start: '2026-03-15T00:00:00.000Z',
      end: '2026-03-16T00:00:00.000Z',
    });
    expect(windowOf('day', utc(2026, 2, 16), 0).start).toBe('2026-03-16T00:00:00.000Z');
  });

  it('day in UTC+1 starts at 23:00 UTC the day before', () => {
    expect(windowOf('day', utc(2026, 0, 1, 22, 59), 60)).toEqual({
      start: '2025-12-31T23:00:00.000Z',
      end: '2026-01-01T23:00:00.000Z',
    });
    expect(windowOf('day', utc(2026, 0, 1, 23, 0), 60).start).toBe('2026-01-01T23:00:00.000Z');
  });

  it('day in UTC-5 starts at 05:00 UTC, and in UTC+5:30 at 18:30 UTC the day before', () => {
    expect(windowOf('day', utc(2026, 0, 2, 4, 59), -300)).toEqual({
      start: '2026-01-01T05:00:00.000Z',
      end: '2026-01-02T05:00:00.000Z',
    });
    expect(windowOf('day', utc(2026, 0, 1, 18, 30), 330)).toEqual({
      start: '2026-01-01T18:30:00.000Z',
      end: '2026-01-02T18:30:00.000Z',
    });
  });

  it.each([
    ['January (31 days)', utc(2026, 0, 31, 23, 59), '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ['February 2026 (28 days)', utc(2026, 1, 28, 12), '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    [
      'February 2028 (29 days, leap year)',
      utc(2028, 1, 29, 12),
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ],
    [
      'April (30 days)',
      utc(2026, 3, 30, 23, 59, 59, 999),
      '2026-04-01T00:00:00.000Z',
      '2026-05-01T00:00:00.000Z',
    ],
    [
      'December into January',
      utc(2026, 11, 31, 23, 59, 59, 999),
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
  ])('month: %s', (_name, at, start, end) => {
    expect(windowOf('month', at, 0)).toEqual({ start, end });
  });

  it('month in UTC+1: 31 Dec 23:30 UTC is already January', () => {
    expect(windowOf('month', utc(2026, 11, 31, 23, 30), 60)).toEqual({
      start: '2026-12-31T23:00:00.000Z',
      end: '2027-01-31T23:00:00.000Z',
    });
  });

  it('month in UTC-5: 1 Mar 03:00 UTC is still February', () => {
    expect(windowOf('month', utc(2026, 2, 1, 3), -300)).toEqual({
      start: '2026-02-01T05:00:00.000Z',
      end: '2026-03-01T05:00:00.000Z',
    });
  });
});
