import { computeCostUsd } from '../catalog/compute-cost.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { GatewayId, ModelDefinition, ModelPricing } from '../types/model.ts';
import type { UsageRecord } from '../types/usage-record.ts';
import type { SavingsOptions, UsageSavings } from '../types/usage-savings.ts';
import { checkRecords } from './check-report-options.ts';
import { type CheckedSavingsOptions, checkSavingsOptions } from './check-savings-options.ts';
import { describeValue } from './describe-value.ts';
import {
  addMoneySum,
  addNanoUsd,
  createMoneySum,
  formatMoneySum,
  type MoneySum,
  moneySumToUsd,
  subtractMoneySum,
  usdToMoneySum,
} from './money-sum.ts';
import { type ReportRecord, readUsageRecord } from './read-usage-record.ts';

/** Collects what a savings line needs, one record at a time (used inside `buildUsageReport`). */
export interface SavingsAccumulator {
  /** Adds a record that passed the report's filter. */
  add(record: ReportRecord): void;
  /** Adds figures a store summed itself (in SQL) over records that passed the report's filter. */
  addTotals(totals: SavingsTotals): void;
  /** The line, with the count of records left out as invalid. */
  result(invalidRecords: number): UsageSavings;
}

/**
 * What `add()` collects, summed over many records: what a store that reports in SQL passes to
 * `addTotals()`. Only successful records count; `calls` and the sums cover those with a known cost.
 */
export interface SavingsTotals {
  /** Successful records whose cost source is not `none`. */
  readonly calls: number;
  /** Successful records whose cost source is `none`. */
  readonly unpricedCalls: number;
  /** The exact cost of `calls`. */
  readonly actual: MoneySum;
  /** Of `calls`: input tokens minus cached ones (per record, cached tokens capped at input tokens). */
  readonly uncachedInputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  /** The models of `calls` (records without a model left out). */
  readonly servedModels: Iterable<string>;
}

const GATEWAY_ORDER: readonly GatewayId[] = ['litellm', 'openrouter', 'direct'];

/** Starts a savings line from options already checked by `checkSavingsOptions`. */
export function createSavingsAccumulator(options: CheckedSavingsOptions): SavingsAccumulator {
  const { catalog, named, extraModels } = options;
  const actual = createMoneySum();
  const servedModels = new Set<string>();
  let calls = 0;
  let unpricedCalls = 0;
  let uncachedInputTokens = 0;
  let cachedInputTokens = 0;
  let outputTokens = 0;

  function choose():
    | { model: ModelDefinition; gateway: GatewayId | null; pricing: ModelPricing }
    | undefined {
    if (named) {
      const { model, gateway } = named;
      return { model, gateway, pricing: gateway ? catalog.pricing(model, gateway) : model.pricing };
    }
    const candidates = new Map<string, ModelDefinition>();
    for (const id of servedModels) {
      const model = catalog.get(id);
      if (model) candidates.set(model.id, model);
    }
    for (const model of extraModels) candidates.set(model.id, model);
    let best: { model: ModelDefinition; gateway: GatewayId; pricing: ModelPricing; usd: number } | undefined;
    for (const model of [...candidates.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      for (const gateway of GATEWAY_ORDER) {
        if (!model.gatewayModels[gateway]) continue;
        const pricing = catalog.pricing(model, gateway);
        const usd = priceTokens(pricing);
        // A price that is not a number (a broken custom catalog) cannot be the most expensive.
        if (!best || usd > best.usd || Number.isNaN(best.usd)) best = { model, gateway, pricing, usd };
      }
    }
    return best;
  }

  function priceTokens(pricing: ModelPricing): number {
    return computeCostUsd(pricing, {
      inputTokens: uncachedInputTokens + cachedInputTokens,
      cachedInputTokens,
      outputTokens,
    });
  }

  return {
    add(record) {
      if (record.status !== 'ok') return;
      if (record.costSource === 'none') {
        unpricedCalls++;
        return;
      }
      calls++;
      addNanoUsd(actual, record.costNanoUsd);
      const cached = Math.min(record.cachedInputTokens, record.inputTokens);
      cachedInputTokens += cached;
      uncachedInputTokens += record.inputTokens - cached;
      outputTokens += record.outputTokens;
      if (record.model !== undefined) servedModels.add(record.model);
    },
    addTotals(totals) {
      calls += totals.calls;
      unpricedCalls += totals.unpricedCalls;
      addMoneySum(actual, totals.actual);
      uncachedInputTokens += totals.uncachedInputTokens;
      cachedInputTokens += totals.cachedInputTokens;
      outputTokens += totals.outputTokens;
      for (const model of totals.servedModels) servedModels.add(model);
    },
    result(invalidRecords) {
      const chosen = choose();
      const baselineUsd = chosen ? priceTokens(chosen.pricing) : 0;
      if (!(baselineUsd >= 0 && baselineUsd < Number.POSITIVE_INFINITY)) {
        throw new InvalidRequestError({
          option: options.catalogOption,
          message: `the price of ${describeValue(chosen?.model.id)} in the catalog gives ${describeValue(baselineUsd)} USD; check its pricing (USD per token, finite and not negative).`,
        });
      }
      const baselineSum = usdToMoneySum(baselineUsd);
      const saved: MoneySum = { ...baselineSum };
      subtractMoneySum(saved, actual);
      return {
        baselineModel: chosen?.model.id ?? null,
        baselineGateway: chosen?.gateway ?? null,
        calls,
        unpricedCalls,
        actualUsd: moneySumToUsd(actual),
        baselineUsd: moneySumToUsd(baselineSum),
        savedUsd: moneySumToUsd(saved),
        actualUsdExact: formatMoneySum(actual),
        baselineUsdExact: formatMoneySum(baselineSum),
        savedUsdExact: formatMoneySum(saved),
        invalidRecords,
      };
    },
  };
}

/**
 * The savings line on its own: what the successful calls among `records` cost, beside what the
 * same token counts cost on the baseline. Records no report can trust are left out and counted in
 * `invalidRecords`.
 *
 * @throws InvalidRequestError naming the option at fault (`catalog`, `baseline.model`, …) or
 * `records` when they are not iterable.
 *
 * @example
 * computeSavings(await router.usage.query({ from }), {
 *   catalog: router.catalog,
 *   baseline: { model: 'openai/gpt-5.5' },
 * }); // { actualUsd: 1.23, baselineUsd: 9.87, savedUsd: 8.64, baselineModel: 'openai/gpt-5.5', ... }
 */
export function computeSavings(records: Iterable<UsageRecord>, options: SavingsOptions): UsageSavings {
  const values = checkRecords(records, 'records');
  const accumulator = createSavingsAccumulator(checkSavingsOptions(options, ''));
  let invalidRecords = 0;
  for (const value of values) {
    const record = readUsageRecord(value);
    if (record === undefined) invalidRecords++;
    else accumulator.add(record);
  }
  return accumulator.result(invalidRecords);
}
