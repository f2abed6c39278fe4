/** The five providers with built-in extras: BYOK key validation calls and the `direct` gateway. */
export type KnownProviderId = 'openai' | 'anthropic' | 'google' | 'cohere' | 'mistral';

/** The five providers with built-in extras, in the order the router lists them. */
export const KNOWN_PROVIDERS: readonly KnownProviderId[] = [
  'openai',
  'anthropic',
  'google',
  'cohere',
  'mistral',
];

/** Whether `provider` is one of the five with built-in extras (BYOK key validation, `direct`). */
export function isKnownProvider(provider: string): provider is KnownProviderId {
  return (KNOWN_PROVIDERS as readonly string[]).includes(provider);
}

/**
 * A provider id: one of the five, or any other provider the catalog knows (from the gateways' live
 * catalogs or your own models), e.g. `groq`, `deepseek`, `xai`. Lower-case letters, digits and `-`.
 */
export type ProviderId = KnownProviderId | (string & {});

/**
 * Where a price came from: the bundled data, a gateway's live catalog, your settings, or the
 * maintained `@pydantic/genai-prices` table (for a model a gateway lists without a price).
 */
export type PriceSource = 'bundled' | 'litellm' | 'openrouter' | 'user' | 'genai-prices';

/** A price's source and the day (ISO `YYYY-MM-DD`) it was taken. */
export interface PriceProvenance {
  readonly source: PriceSource;
  readonly asOf: string;
  /**
   * What the price was read from, where the source alone does not say: the library and version
   * (`@pydantic/genai-prices@0.1.8`) for bundled and maintained prices, or `hand-typed: <where>`
   * for a bundled price the library lacks. Absent for gateway and user prices.
   */
  readonly from?: string;
}

/** The gateways built in: the LiteLLM proxy, OpenRouter, and providers called directly. */
export type KnownGatewayId = 'litellm' | 'openrouter' | 'direct';

/**
 * A gateway a call can travel through: one of the built-in ones, or the id of a transport of your
 * own (`Transport.gateway`).
 */
export type GatewayId = KnownGatewayId | (string & {});

/** The per-token prices of one prompt-size tier (or of the base tier). */
export interface TokenPrices {
  /** USD per uncached input token. */
  readonly inputPerToken: number;
  /** USD per output token. */
  readonly outputPerToken: number;
  /** USD per input token read from the provider's prompt cache, where the provider has one. */
  readonly cachedInputPerToken?: number;
  /**
   * USD per input token written to the prompt cache (Anthropic's five-minute cache write, Gemini's
   * context cache). Shown, not applied: the token counts a call reports do not separate cache
   * writes from other input, which is priced at `inputPerToken`.
   */
  readonly cacheWriteInputPerToken?: number;
}

/**
 * Long-context prices: from a prompt of more than `aboveInputTokens` tokens (cached ones included),
 * the whole call is priced at this tier (Gemini 2.5 Pro above 200k prompt tokens, GPT-5.5 above
 * 272k, OpenRouter's `min_prompt_tokens` overrides, LiteLLM's `…_above_200k_tokens` prices).
 */
export interface PriceTier extends TokenPrices {
  /** The tier applies to prompts of more than this many input tokens. */
  readonly aboveInputTokens: number;
}

/** USD prices per single token (not per million). */
export interface ModelPricing extends TokenPrices {
  /**
   * Higher prices for long prompts, by ascending `aboveInputTokens`; the last tier whose threshold
   * the prompt exceeds prices the whole call (input, cached input and output). Absent: one price
   * whatever the prompt size.
   */
  readonly tiers?: readonly PriceTier[];
}

/** What a model can do. */
export interface ModelCapabilities {
  /** Function / tool calling. */
  readonly tools: boolean;
  /** Image input. */
  readonly vision: boolean;
  /** JSON mode (`response_format`). */
  readonly json: boolean;
  /** Server-sent-event streaming. */
  readonly streaming: boolean;
}

/** One model in the catalog. */
export interface ModelDefinition {
  /** Canonical id, `<provider>/<model>`, e.g. `openai/gpt-5.4-mini`. */
  readonly id: string;
  readonly provider: ProviderId;
  /** Human-readable name. */
  readonly name: string;
  /** Rough class, used only for documentation and examples. */
  readonly tier: 'flagship' | 'cheap';
  /** Maximum input (prompt) tokens. */
  readonly contextWindow: number;
  /** Maximum output tokens per call. */
  readonly maxOutputTokens: number;
  readonly pricing: ModelPricing;
  readonly capabilities: ModelCapabilities;
  /** The model's name on each gateway; a gateway without a name cannot serve the model. */
  readonly gatewayModels: Readonly<Partial<Record<GatewayId, string>>>;
  /** Prices on a gateway that charges differently from `pricing` (e.g. OpenRouter's offer). */
  readonly gatewayPricing?: Readonly<Partial<Record<GatewayId, ModelPricing>>>;
  /** Where `pricing` came from. @default bundled, as of the catalog's date */
  readonly pricingSource?: PriceProvenance;
  /** Where each `gatewayPricing` entry came from. @default as `pricingSource` */
  readonly gatewayPricingSources?: Readonly<Partial<Record<GatewayId, PriceProvenance>>>;
}
