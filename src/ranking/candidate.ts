import type { GatewayId, ModelDefinition, ModelPricing, PriceProvenance } from '../types/model.ts';

/** One way to serve a call: a catalog model on one gateway. */
export interface Candidate {
  readonly model: ModelDefinition;
  readonly gateway: GatewayId;
  /** The model's name on that gateway. */
  readonly gatewayModel: string;
  /** Prices on that gateway. */
  readonly pricing: ModelPricing;
  /** Where `pricing` came from (`bundled`, `litellm`, `openrouter`, `user`) and its date. */
  readonly priceSource: PriceProvenance;
  /** Position of the gateway in the router's ordered list of transports (0 = preferred). */
  readonly gatewayRank: number;
}

/** How available a candidate looks right now; inputs to ranking. */
export interface Availability {
  /** Breakers on the way: `open` means the candidate would be refused now. */
  readonly breaker: 'closed' | 'open' | 'half-open';
  /** Recent share of failed attempts, 0..1 (exponentially weighted). */
  readonly errorRate: number;
  /** Recent typical latency in ms, when known. */
  readonly latencyMs: number | undefined;
  /** ms until an upstream `Retry-After` or a limit frees the candidate; 0 when free now. */
  readonly cooldownMs: number;
  /** Remaining share of the tightest configured limit, 0..1 (1 when none is set). */
  readonly headroom: number;
}

/** A candidate with what ranking needs to know about it. */
export interface RankingInput {
  readonly candidate: Candidate;
  /** Estimated USD of this call on this candidate. */
  readonly estimatedCostUsd: number;
  readonly availability: Availability;
}
