import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { UsageQuery } from './usage-record.ts';
import type { UsageReportOptions } from './usage-report.ts';

function toMs(value: number | Date | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw new InvalidRequestError({ option, message: 'expected ms since the epoch or a valid Date.' });
  }
  return ms;
}

/**
 * The one `UsageQuery` a report covers: its `filter`, with the period narrowed to the overlap of
 * `from`/`to` and `filter.from`/`filter.to`. Times come back as ms since the epoch.
 * @throws InvalidRequestError for an invalid time.
 */
export function usageReportQuery(options: UsageReportOptions): UsageQuery & { from?: number; to?: number } {
  const filter = options.filter ?? {};
  const froms = [toMs(options.from, 'from'), toMs(filter.from, 'filter.from')].filter(
    (value) => value !== undefined,
  );
  const tos = [toMs(options.to, 'to'), toMs(filter.to, 'filter.to')].filter((value) => value !== undefined);
  const { from: _from, to: _to, ...rest } = filter;
  return {
    ...rest,
    ...(froms.length > 0 ? { from: Math.max(...froms) } : {}),
    ...(tos.length > 0 ? { to: Math.min(...tos) } : {}),
  };
}
