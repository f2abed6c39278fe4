import type {
  UsageGroupKey,
  UsageReport,
  UsageReportGroup,
  UsageReportMetrics,
  UsageReportRow,
} from '../types/usage-report.ts';
import type { CheckedReportOptions } from '../usage/check-report-options.ts';
import { createSavingsAccumulator } from '../usage/compute-savings.ts';
import { formatMoneySum, moneySumToUsd } from '../usage/money-sum.ts';
import { nanoUsdToMoneySum } from './nano-usd-to-money-sum.ts';
import type { PostgresClient, PostgresPool } from './postgres-pool.ts';
import { readInSnapshot } from './read-in-snapshot.ts';
import { usageQueryToSql } from './usage-rows.ts';

const DAY_MS = 86_400_000;

/**
 * Memory for the report's grouping, per query: the latencies of every group are held for the exact
 * p95 (8 bytes a record), and below this PostgreSQL would spill them to disk.
 */
const REPORT_WORK_MEM = '128MB';

/** A group's dimension as SQL over the record `r` (and its tag `t`). Days as in buildUsageReport: floor(ms / day). */
const DIMENSIONS: Record<UsageGroupKey, string> = {
  user: 'r.user_id',
  key: 'r.key_id',
  provider: 'r.provider',
  model: 'r.model',
  gateway: 'r.gateway',
  tag: 'r.tag',
  day: `floor(r.started_at / ${DAY_MS})`,
  costSource: 'r.cost_source',
  // As buildUsageReport: the source when it is text, else null.
  priceSource: `CASE WHEN jsonb_typeof(r.extra->'priceSource'->'source') = 'string' THEN r.extra->'priceSource'->>'source' END`,
};

// The figures of a group, summed in SQL: money as the exact numeric sum of nano-dollars, sent as text.
const FIGURES = `count(*)::float8 AS requests,
  (count(*) FILTER (WHERE r.status <> 'ok'))::float8 AS failures,
  coalesce(sum(r.input_tokens), 0)::float8 AS input_tokens,
  coalesce(sum(r.output_tokens), 0)::float8 AS output_tokens,
  coalesce(sum(r.cached_input_tokens), 0)::float8 AS cached_input_tokens,
  coalesce(sum(r.cost_nano_usd), 0)::text AS cost_nano_usd,
  coalesce(sum(r.latency_ms), 0) AS latency_sum,
  (count(*) FILTER (WHERE r.fallback))::float8 AS fallbacks`;

// What a savings line needs, over the successful calls with a known cost (as SavingsAccumulator.add).
const PRICED = `r.status = 'ok' AND r.cost_source <> 'none'`;
const SAVINGS_FIGURES = `(count(*) FILTER (WHERE ${PRICED}))::float8 AS savings_calls,
  (count(*) FILTER (WHERE r.status = 'ok' AND r.cost_source = 'none'))::float8 AS savings_unpriced,
  coalesce(sum(r.cost_nano_usd) FILTER (WHERE ${PRICED}), 0)::text AS savings_actual,
  coalesce(sum(r.input_tokens - least(r.cached_input_tokens, r.input_tokens)) FILTER (WHERE ${PRICED}), 0)::float8 AS savings_uncached,
  coalesce(sum(least(r.cached_input_tokens, r.input_tokens)) FILTER (WHERE ${PRICED}), 0)::float8 AS savings_cached,
  coalesce(sum(r.output_tokens) FILTER (WHERE ${PRICED}), 0)::float8 AS savings_output`;

interface FigureRow {
  readonly requests: number;
  readonly failures: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cached_input_tokens: number;
  readonly cost_nano_usd: string;
  readonly latency_sum: number;
  readonly fallbacks: number;
  readonly p95: number | null;
}

type GroupValue = string | number | null;

/** A group's values (one per dimension) and figures. */
interface Group {
  readonly values: GroupValue[];
  readonly figures: FigureRow;
}

/**
 * A usage report computed by PostgreSQL over `table`: the same rows, totals, p95 and savings as
 * `buildUsageReport()` over the same records. Groups are summed in one pass (a hash aggregate);
 * the p95 is exact by nearest rank, the value of rank `ceil(0.95 × n)` as in
 * `nearestRankPercentile` (per group, the `(n - rank + 1)`-th largest of its latencies, a small
 * top-N; for the totals `percentile_disc(0.95)`, which takes the same rank); money is summed as
 * exact integers. Rows and totals come from one snapshot (repeatable-read transactions), so they
 * agree while other processes write, and run at once on two connections when the pool has them.
 *
 * `invalidRecords` is 0: the table's CHECK constraint (see `USAGE_SCHEMA`) holds every row within
 * `USAGE_RECORD_BOUNDS`, whoever wrote it, so no row is one a report could not count.
 */
export async function postgresUsageReport(
  pool: PostgresPool,
  table: string,
  options: CheckedReportOptions,
): Promise<UsageReport> {
  const { groupBy, query } = options;
  const savings = options.savings ? createSavingsAccumulator(options.savings) : undefined;
  const { where, values } = usageQueryToSql(query, 'r');

  const totalsAndSavings = async (client: PostgresClient) => {
    const figures = (
      await client.query({
        text: `SELECT ${FIGURES}, percentile_disc(0.95) WITHIN GROUP (ORDER BY r.latency_ms) AS p95${savings ? `, ${SAVINGS_FIGURES}` : ''} FROM ${table} r${where}`,
        values,
      })
    ).rows[0] as FigureRow & Record<string, unknown>;
    const served = savings
      ? await client.query({
          text: `SELECT DISTINCT r.model FROM ${table} r${where ? `${where} AND` : ' WHERE'} ${PRICED} AND r.model IS NOT NULL`,
          values,
          rowMode: 'array',
        })
      : undefined;
    return { figures, servedModels: (served?.rows ?? []).map((row) => (row as [string])[0]) };
  };
  // Groups and totals are two full passes: on two connections sharing one snapshot, they run at once.
  const [groups, { figures: totals, servedModels }] = await readInSnapshot(
    pool,
    { parallel: groupBy.length > 0, workMem: REPORT_WORK_MEM },
    async (main, second): Promise<[Group[], Awaited<ReturnType<typeof totalsAndSavings>>]> => {
      if (groupBy.length === 0) return [[], await totalsAndSavings(main)];
      if (second)
        return Promise.all([groupRows(main, table, groupBy, where, values), totalsAndSavings(second)]);
      const rows = await groupRows(main, table, groupBy, where, values);
      return [rows, await totalsAndSavings(main)];
    },
  );
  if (savings) {
    savings.addTotals({
      calls: totals.savings_calls as number,
      unpricedCalls: totals.savings_unpriced as number,
      actual: nanoUsdToMoneySum(totals.savings_actual as string),
      uncachedInputTokens: totals.savings_uncached as number,
      cachedInputTokens: totals.savings_cached as number,
      outputTokens: totals.savings_output as number,
      servedModels,
    });
  }

  const totalMetrics = toMetrics(totals);
  const rows: UsageReportRow[] =
    groupBy.length === 0
      ? totalMetrics.requests > 0
        ? [{ group: {}, ...totalMetrics }]
        : []
      : groups.map(({ values: groupValues, figures }) => {
          const group: { [K in UsageGroupKey]?: string | null } = {};
          groupBy.forEach((dimension, level) => {
            group[dimension] = formatValue(groupValues[level] as GroupValue);
          });
          return { group: group as UsageReportGroup, ...toMetrics(figures) };
        });
  return {
    from: query.from ?? null,
    to: query.to ?? null,
    groupBy: [...groupBy],
    rows,
    totals: totalMetrics,
    invalidRecords: 0,
    ...(savings ? { savings: savings.result(0) } : {}),
  };
}

/** One row per group, sorted as buildUsageReport sorts them (dimension by dimension, `null` last). */
async function groupRows(
  client: PostgresClient,
  table: string,
  groupBy: readonly UsageGroupKey[],
  where: string,
  values: unknown[],
): Promise<Group[]> {
  const dimensions = groupBy.map((key, index) => `${DIMENSIONS[key]} AS d${index}`);
  const names = groupBy.map((_, index) => `d${index}`);
  // Summed in a hash aggregate, with each group's latencies gathered for its p95: far cheaper than
  // sorting every record by group, which an ordered-set aggregate in the grouping would need.
  const result = await client.query({
    text: `WITH grouped AS (SELECT ${dimensions.join(', ')}, ${FIGURES}, array_agg(r.latency_ms) AS latencies FROM ${groupBy.includes('tag') ? byTag(table, where) : `${table} r${where}`} GROUP BY ${names.join(', ')})
SELECT ${names.join(', ')}, requests, failures, input_tokens, output_tokens, cached_input_tokens, cost_nano_usd, latency_sum, fallbacks,
  (SELECT latency FROM unnest(latencies) AS latency ORDER BY latency DESC OFFSET (requests - ceil(0.95 * requests))::bigint LIMIT 1) AS p95
FROM grouped`,
    values,
  });
  const groups = result.rows.map((row) => {
    const figures = row as FigureRow & Record<string, GroupValue>;
    return { values: names.map((name) => figures[name] ?? null), figures };
  });
  return groups.sort((a, b) => {
    for (let level = 0; level < names.length; level++) {
      const order = compareValues(a.values[level] as GroupValue, b.values[level] as GroupValue);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/**
 * The records of `where`, once per tag (the column holds each tag of a record once), with `tag`
 * null for a record without tags, as `r`. The tags are spread in the select list: cheaper than a
 * lateral join per record.
 */
function byTag(table: string, where: string): string {
  return `(SELECT r.user_id, r.key_id, r.provider, r.model, r.gateway, r.started_at, r.status, r.input_tokens, r.output_tokens, r.cached_input_tokens, r.cost_nano_usd, r.cost_source, r.extra, r.latency_ms, r.fallback,
    unnest(CASE WHEN cardinality(r.tags) = 0 THEN '{NULL}'::text[] ELSE r.tags END) AS tag
  FROM ${table} r${where}) r`;
}

function toMetrics(figures: FigureRow): UsageReportMetrics {
  const cost = nanoUsdToMoneySum(figures.cost_nano_usd);
  const requests = figures.requests;
  return {
    requests,
    failures: figures.failures,
    inputTokens: figures.input_tokens,
    outputTokens: figures.output_tokens,
    cachedInputTokens: figures.cached_input_tokens,
    costUsd: moneySumToUsd(cost),
    costUsdExact: formatMoneySum(cost),
    avgLatencyMs: requests === 0 ? null : figures.latency_sum / requests,
    p95LatencyMs: figures.p95 ?? null,
    fallbacks: figures.fallbacks,
  };
}

// As buildUsageReport: strings by code unit, days by number, null last.
function compareValues(a: GroupValue, b: GroupValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function formatValue(value: GroupValue): string | null {
  return typeof value === 'number' ? new Date(value * DAY_MS).toISOString().slice(0, 10) : value;
}
