import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import { USAGE_GROUP_KEYS, type UsageGroupKey, type UsageReportOptions } from '../types/usage-report.ts';
import { type CheckedSavingsOptions, checkSavingsOptions } from './check-savings-options.ts';
import { type CheckedUsageQuery, checkTime, checkUsageQuery } from './check-usage-query.ts';
import { describeValue } from './describe-value.ts';
import { checkOptionsObject, guardRead, optionError, readArray, readOption } from './read-options.ts';

/** A report's options once checked: what to group by, the one query it covers, and its savings line. */
export interface CheckedReportOptions {
  readonly groupBy: readonly UsageGroupKey[];
  /** The `filter`, its period narrowed to the overlap of `from`/`to` and `filter.from`/`filter.to`. */
  readonly query: CheckedUsageQuery;
  readonly savings: CheckedSavingsOptions | undefined;
}

const REPORT_KEYS = ['from', 'to', 'groupBy', 'filter', 'savings'] as const;
const ATTRIBUTION_KEYS = ['by', 'from', 'to', 'filter'] as const;

/**
 * Checks `groupBy`: an array of distinct `USAGE_GROUP_KEYS`.
 * @throws InvalidRequestError naming `option` or the entry at fault.
 */
export function checkGroupBy(value: unknown, option: string): UsageGroupKey[] {
  const entries = readArray(
    value,
    option,
    `an array of ${USAGE_GROUP_KEYS.join(', ')}`,
    USAGE_GROUP_KEYS.length * 4,
  );
  const seen = new Set<UsageGroupKey>();
  entries.forEach((key, index) => {
    if (!USAGE_GROUP_KEYS.includes(key as UsageGroupKey)) {
      throw new InvalidRequestError({
        option: `${option}[${index}]`,
        message: `unknown dimension ${describeValue(key)}; expected one of ${USAGE_GROUP_KEYS.join(', ')}.`,
      });
    }
    if (seen.has(key as UsageGroupKey)) {
      throw new InvalidRequestError({
        option: `${option}[${index}]`,
        message: `"${key as string}" is listed twice.`,
      });
    }
    seen.add(key as UsageGroupKey);
  });
  return [...seen];
}

/** The filter with its period narrowed by the report's own `from` and `to`. */
function periodQuery(object: object): CheckedUsageQuery {
  const from = checkTime(readOption(object, 'from', 'from'), 'from');
  const to = checkTime(readOption(object, 'to', 'to'), 'to');
  const {
    from: filterFrom,
    to: filterTo,
    ...rest
  } = checkUsageQuery(readOption(object, 'filter', 'filter'), 'filter');
  const froms = [from, filterFrom].filter((value) => value !== undefined);
  const tos = [to, filterTo].filter((value) => value !== undefined);
  return {
    ...rest,
    ...(froms.length > 0 ? { from: Math.max(...froms) } : {}),
    ...(tos.length > 0 ? { to: Math.min(...tos) } : {}),
  };
}

/**
 * Checks the options of a report (`buildUsageReport()`, `queryUsageReport()`, `router.usage.report()`)
 * once, reading each option once, before any record is read. `defaultCatalog` prices the savings
 * line when it names no `catalog` (the router's catalog); without it, `savings.catalog` is required.
 * @throws InvalidRequestError naming the option at fault, for anything but an options object of
 * known options with valid values; the message never fails to build, whatever was passed.
 */
export function checkReportOptions(options: unknown, defaultCatalog?: ModelCatalog): CheckedReportOptions {
  const expected = 'an object of report options or nothing';
  const object = checkOptionsObject(
    options === undefined ? {} : options,
    'options',
    '',
    REPORT_KEYS,
    expected,
  );
  const groupByValue = readOption(object, 'groupBy', 'groupBy');
  const groupBy = groupByValue === undefined ? [] : checkGroupBy(groupByValue, 'groupBy');
  const query = periodQuery(object);
  const savingsValue = readOption(object, 'savings', 'savings');
  const savings =
    savingsValue === undefined ? undefined : checkSavingsOptions(savingsValue, 'savings', defaultCatalog);
  return { groupBy, query, savings };
}

/**
 * Checked options back in the form `UsageReportOptions` takes, as plain data: what a tracker's own
 * `report()` is given. Checking them again gives the same options: `from` and `to` are the
 * narrowed period in ms, `filter` holds the other filters, and `savings` names its catalog and its
 * baseline by catalog id.
 */
export function toReportOptions(options: CheckedReportOptions): UsageReportOptions {
  const { from, to, ...filter } = options.query;
  const savings = options.savings;
  return {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    groupBy: [...options.groupBy],
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
    ...(savings
      ? {
          savings: {
            catalog: savings.catalog,
            baseline: savings.named
              ? {
                  model: savings.named.model.id,
                  ...(savings.named.gateway !== null ? { gateway: savings.named.gateway } : {}),
                }
              : { mostExpensive: true, models: savings.extraModels.map((model) => model.id) },
          },
        }
      : {}),
  };
}

/** `attributeCosts()` and `router.usage.attribute()` options once checked. */
export interface CheckedAttributionOptions {
  readonly by: 'key' | 'user';
  readonly query: CheckedUsageQuery;
}

/**
 * Checks the options of a cost attribution: `by` (`'key'` or `'user'`, required), `from`, `to`, `filter`.
 * @throws InvalidRequestError naming the option at fault.
 */
export function checkAttributionOptions(options: unknown): CheckedAttributionOptions {
  const expected = "an object such as { by: 'user' }";
  const object = checkOptionsObject(options, 'options', '', ATTRIBUTION_KEYS, expected);
  const by = readOption(object, 'by', 'by');
  if (by !== 'key' && by !== 'user') throw optionError('by', "'key' or 'user'", by);
  return { by, query: periodQuery(object) };
}

/**
 * Checks that `records` can be iterated (an array or any iterable object of records).
 * @throws InvalidRequestError naming `option` otherwise.
 */
export function checkRecords(
  records: unknown,
  option: string,
  expected = 'an array (or an iterable) of usage records',
): Iterable<unknown> {
  const iterable = guardRead(
    option,
    () =>
      typeof records === 'object' &&
      records !== null &&
      typeof (records as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function',
  );
  if (!iterable) throw optionError(option, expected, records);
  return records as Iterable<unknown>;
}
