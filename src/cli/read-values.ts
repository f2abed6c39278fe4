import { type Flags, flagError } from './flags.ts';

/** The flag as a whole number from `min` up, or `undefined` when absent. */
export function readWholeNumber(flags: Flags, name: string, min = 0): number | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  const value = /^\d{1,15}$/.test(text.replaceAll('_', '')) ? Number(text.replaceAll('_', '')) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw flagError(flags, name, `expected a whole number${min > 0 ? ` of ${min} or more` : ''}, e.g. 1000.`);
  return value;
}

/** The flag, which must be present. */
export function requireString(flags: Flags, name: string, hint: string): string {
  const value = flags.string(name);
  if (value === undefined) throw flagError(flags, name, `missing; ${hint}`);
  return value;
}

/** The flag as one of `choices`, or `undefined` when absent. Never quotes the value given. */
export function readChoice<T extends string>(
  flags: Flags,
  name: string,
  choices: readonly T[],
): T | undefined {
  const value = flags.string(name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw flagError(flags, name, `expected one of ${choices.join(', ')}.`);
  return value as T;
}

/** Every item of a comma-separated flag, each one of `choices`, without repeats. */
export function readChoices<T extends string>(
  flags: Flags,
  name: string,
  choices: readonly T[],
): readonly T[] | undefined {
  const items = flags.list(name);
  if (items === undefined) return undefined;
  const seen = new Set<T>();
  for (const item of items) {
    if (!(choices as readonly string[]).includes(item))
      throw flagError(flags, name, `expected a comma-separated list of ${choices.join(', ')}.`);
    if (seen.has(item as T)) throw flagError(flags, name, `lists ${item} twice.`);
    seen.add(item as T);
  }
  return [...seen];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A time flag: `2026-05-01` (midnight UTC), `2026-05-01T09:30:00Z` / `…+02:00`, or milliseconds
 * since the epoch. Dates that do not exist (`2026-02-30`) are refused, not rolled over.
 */
export function readTime(flags: Flags, name: string): number | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  const problem =
    'expected a date (2026-05-01, midnight UTC), a date and time with its offset (2026-05-01T09:30:00Z), or ms since the epoch.';
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const parts = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (!parts) throw flagError(flags, name, problem);
  const ms = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
  const [, year, month, day] = parts;
  // The calendar date as written must exist: Date.parse rolls 2026-02-30 over to March.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const exists =
    check.getUTCFullYear() === Number(year) &&
    check.getUTCMonth() === Number(month) - 1 &&
    check.getUTCDate() === Number(day);
  if (!Number.isFinite(ms) || !exists) throw flagError(flags, name, `not a real date; ${problem}`);
  return ms;
}
