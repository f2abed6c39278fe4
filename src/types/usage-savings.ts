import type { GatewayId } from './model.ts';
import type { ModelCatalog } from './model-catalog.ts';

/**
 * What the calls are compared against.
 * - `{ model, gateway? }`: a model you name, at its price on `gateway`, or at its list price
 *   (`pricing`) when no gateway is given.
 * - `{ mostExpensive: true, models? }`: the most expensive offer that served or could serve the
 *   calls. Candidates are every offer (model × gateway carrying it, at that gateway's price) of the
 *   models that served at least one priced call, plus `models` (the models your routing could have
 *   picked). The baseline is the candidate whose price for all the calls together is highest.
 *   Records do not keep a call's requirements (tools, vision, context size), so candidates are not
 *   filtered by them: pass `models` to bound the set.
 */
export type SavingsBaseline =
  | { readonly model: string; readonly gateway?: GatewayId }
  | { readonly mostExpensive: true; readonly models?: readonly string[] };

/** What a savings line needs. */
export interface SavingsOptions {
  /** Prices of the baseline (the router's `catalog`). */
  readonly catalog: ModelCatalog;
  readonly baseline: SavingsBaseline;
}

/**
 * What the calls cost beside what they would have cost on the baseline. Only successful calls
 * count (failed calls cost nothing either way); a call with cost source `none` (no price known) is
 * left out of both sides and counted in `unpricedCalls`.
 */
export interface UsageSavings {
  /** The baseline's catalog id; `null` when there was no candidate (no priced call, no `models`). */
  readonly baselineModel: string | null;
  /** The gateway whose price was used; `null` for the model's list price. */
  readonly baselineGateway: GatewayId | null;
  /** Successful, priced calls compared. */
  readonly calls: number;
  /** Successful calls without a known cost, left out. */
  readonly unpricedCalls: number;
  /** What the calls cost, summed exactly. */
  readonly actualUsd: number;
  /**
   * The same calls' token counts (input, cached input, output) at the baseline's prices. Cost is
   * linear in tokens, so it is priced once on the summed counts: no per-call rounding.
   */
  readonly baselineUsd: number;
  /** `baselineUsd - actualUsd`; negative when the calls cost more than the baseline. */
  readonly savedUsd: number;
  /** The three amounts as exact nine-decimal strings. */
  readonly actualUsdExact: string;
  readonly baselineUsdExact: string;
  readonly savedUsdExact: string;
  /** Records left out because no report can trust them (see `UsageReport.invalidRecords`). */
  readonly invalidRecords: number;
}
