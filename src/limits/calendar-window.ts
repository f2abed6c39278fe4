import type { LimitPeriod } from '../types/limit-names.ts';

/** A half-open window of time `[startMs, endMs)`, in ms since the Unix epoch. */
export interface CalendarWindow {
  readonly startMs: number;
  readonly endMs: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The calendar window of `period` that contains `atMs`, in a time zone `utcOffsetMinutes` east of
 * UTC: the wall-clock minute, the calendar day (midnight to midnight) or the calendar month (the
 * 1st at midnight to the next 1st, whatever the month's length; December rolls into January).
 *
 * @example
 * calendarWindow('day', Date.UTC(2026, 0, 1, 23, 30), 60);
 * // { startMs: Date.UTC(2026, 0, 1, 23), endMs: Date.UTC(2026, 0, 2, 23) }: midnight in UTC+1
 */
export function calendarWindow(period: LimitPeriod, atMs: number, utcOffsetMinutes: number): CalendarWindow {
  const offsetMs = utcOffsetMinutes * MINUTE_MS;
  // Work on the local wall clock expressed as if it were UTC, then shift back.
  const local = atMs + offsetMs;
  if (period === 'month') {
    const date = new Date(local);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    return { startMs: Date.UTC(year, month, 1) - offsetMs, endMs: Date.UTC(year, month + 1, 1) - offsetMs };
  }
  const size = period === 'minute' ? MINUTE_MS : DAY_MS;
  const start = Math.floor(local / size) * size;
  return { startMs: start - offsetMs, endMs: start + size - offsetMs };
}
