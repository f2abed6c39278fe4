import type { UsageQuery, UsageStatus } from '../types/usage-record.ts';
import { checkOptionsObject, optionError, optionPath, readOption, readOptionalText } from './read-options.ts';

/** A `UsageQuery` once checked: plain fields, times as ms since the epoch. */
export type CheckedUsageQuery = Omit<UsageQuery, 'from' | 'to'> & {
  readonly from?: number;
  readonly to?: number;
};

const QUERY_KEYS = ['from', 'to', 'user', 'keyId', 'provider', 'model', 'gateway', 'status', 'tag'] as const;
const TEXT_KEYS = ['user', 'keyId', 'provider', 'model', 'gateway', 'tag'] as const;
const STATUSES: readonly UsageStatus[] = ['ok', 'error', 'aborted'];

/**
 * A time option: `undefined`, a finite number of ms since the epoch, or a valid `Date`.
 * @throws InvalidRequestError naming `option` otherwise.
 */
export function checkTime(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  let ms: unknown = value;
  if (typeof value === 'object' && value !== null) {
    try {
      // Works on real Dates only (a Proxy or a look-alike throws), and runs none of the caller's code.
      ms = Date.prototype.getTime.call(value);
    } catch {
      ms = undefined;
    }
  }
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw optionError(option, 'ms since the epoch (a finite number) or a valid Date', value);
  }
  return ms;
}

/**
 * Checks a usage filter (`router.usage.query()`, a report's `filter`) and returns a plain copy.
 * `option` names it in errors (`'filter'`, `'query'`).
 * @throws InvalidRequestError naming the filter at fault.
 */
export function checkUsageQuery(value: unknown, option: string): CheckedUsageQuery {
  if (value === undefined) return {};
  const object = checkOptionsObject(
    value,
    option,
    option,
    QUERY_KEYS,
    `an object of filters (${QUERY_KEYS.join(', ')}) or nothing`,
  );
  const query: Record<string, unknown> = {};
  for (const key of ['from', 'to'] as const) {
    const path = optionPath(option, key);
    const ms = checkTime(readOption(object, key, path), path);
    if (ms !== undefined) query[key] = ms;
  }
  for (const key of TEXT_KEYS) {
    const text = readOptionalText(object, key, option);
    if (text !== undefined) query[key] = text;
  }
  const statusPath = optionPath(option, 'status');
  const status = readOption(object, 'status', statusPath);
  if (status !== undefined) {
    if (!STATUSES.includes(status as UsageStatus)) {
      throw optionError(statusPath, `one of ${STATUSES.join(', ')} or nothing`, status);
    }
    query.status = status;
  }
  return query as CheckedUsageQuery;
}
