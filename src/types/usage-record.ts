import type { CostSource } from './chat.ts';
import type { GatewayErrorKind } from './error-kinds.ts';
import type { GatewayId, PriceProvenance, ProviderId } from './model.ts';
import type { ByokFallback } from './route.ts';

/** How a call ended. */
export type UsageStatus = 'ok' | 'error' | 'aborted';

/**
 * One finished call: exactly one per call id, whether it succeeded, failed or was aborted. This is
 * the payload of the `usage` event and what a `UsageTracker` records.
 */
export interface UsageRecord {
  /**
   * The record's key: unique per finished call, so one call is always one record even when a
   * caller reuses a `callId`. Trackers keep one record per `id` (a repeated `record()` is a no-op).
   * Equal to `callId` when the router generated the call id.
   */
  readonly id: string;
  /** The call's id: the caller's `callId` option, or a generated UUID. Not necessarily unique. */
  readonly callId: string;
  /** When the call started, ms since the epoch. */
  readonly startedAt: number;
  /** When it finished, ms since the epoch. */
  readonly finishedAt: number;
  readonly user: string | undefined;
  /** Which key paid: a BYOK key id, `gateway:<id>` or `provider:<id>`; `undefined` when nothing was sent. */
  readonly keyId: string | undefined;
  /** Where it was served, or the last candidate tried when it failed. */
  readonly provider: ProviderId | undefined;
  readonly model: string | undefined;
  readonly gateway: GatewayId | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /**
   * USD: the answer's cost plus what gateways billed for the call's failed attempts (OpenRouter bills
   * some errors). A failed call costs what it was billed, else 0.
   */
  readonly costUsd: number;
  readonly costSource: CostSource;
  /**
   * With a `catalog` or `estimated` cost: the price the tokens were multiplied by, where it came
   * from and its date: a gateway's live price (`litellm`, `openrouter`: e.g. a LiteLLM stream priced
   * from the proxy's own `/model/info` price), `bundled` or `genai-prices` (naming the library and
   * version in `from`), or `user`. Absent when the gateway reported the cost (`gateway`) or nothing
   * was spent (`none`), and in records written before it existed.
   */
  readonly priceSource?: PriceProvenance;
  /** Wall time of the call, ms. */
  readonly latencyMs: number;
  /** Time to the first streamed token, ms (streams only). */
  readonly timeToFirstTokenMs: number | undefined;
  /** Candidates tried or skipped. */
  readonly attempts: number;
  /** Whether the call left its first-ranked candidate. */
  readonly fallback: boolean;
  readonly tags: readonly string[];
  readonly status: UsageStatus;
  /** For failed calls, the kind of the last error. */
  readonly errorKind: GatewayErrorKind | 'no-candidates' | 'timeout' | undefined;
  readonly stream: boolean;
  /**
   * Set when the user had a key for `provider` that the vault could not use (see the
   * `key-unavailable` event), so the organisation's key (`keyId`) paid instead of the user's.
   * Absent otherwise.
   */
  readonly byokFallback?: ByokFallback;
}

/** Filters of `UsageTracker.query()`; every field narrows, all are optional. */
export interface UsageQuery {
  /** From this time, inclusive (ms since the epoch, or a Date). */
  readonly from?: number | Date;
  /** Up to this time, exclusive. */
  readonly to?: number | Date;
  readonly user?: string;
  readonly keyId?: string;
  readonly provider?: ProviderId;
  readonly model?: string;
  readonly gateway?: GatewayId;
  readonly status?: UsageStatus;
  readonly tag?: string;
}
