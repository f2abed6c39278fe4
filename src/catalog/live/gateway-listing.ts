import type {
  KnownGatewayId,
  ModelCapabilities,
  ModelPricing,
  PriceTier,
  ProviderId,
  TokenPrices,
} from '../../types/model.ts';

/** One model as a gateway's live catalog lists it, checked and normalised. */
export interface ListedModel {
  /** The name to send to the gateway (LiteLLM's `model_name`, OpenRouter's `id`). */
  readonly name: string;
  /** Other names the gateway serves the same model under (LiteLLM aliases). */
  readonly aliases: readonly string[];
  /** The upstream model name (LiteLLM's `litellm_params.model`); equals `name` on OpenRouter. */
  readonly upstream: string;
  readonly provider: ProviderId;
  /** Canonical id for a model no other source names: `<provider>/<model>`. */
  readonly id: string;
  /** Absent when the gateway published no usable price. */
  readonly pricing: ModelPricing | undefined;
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly capabilities: ModelCapabilities;
}

/** What one read of a gateway's live catalog found. */
export interface GatewayListing {
  readonly gateway: Exclude<KnownGatewayId, 'direct'>;
  /** When it was read (clock ms). */
  readonly fetchedAt: number;
  /** The day it was read, `YYYY-MM-DD` (UTC). */
  readonly asOf: string;
  readonly models: readonly ListedModel[];
  /** Entries left out: malformed, priced nonsensically, or past the bound on models. */
  readonly skipped: number;
}

/** Most models kept from one gateway's catalog; the rest are skipped and counted. */
export const MAX_LISTED_MODELS = 10_000;
/** Highest believable price per token (0.01 USD, $10,000 per million): above it an entry is skipped. */
export const MAX_LISTED_USD_PER_TOKEN = 0.01;
/** Largest believable context window or output size: above it the figure is ignored. */
export const MAX_LISTED_TOKENS = 100_000_000;
/** Longest model name kept. */
export const MAX_NAME_LENGTH = 256;

/** A finite price from 0 to `MAX_LISTED_USD_PER_TOKEN`, else `undefined` (missing) or `null` (nonsense). */
export function readPrice(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < 0 || number > MAX_LISTED_USD_PER_TOKEN) return null;
  return number;
}

/** A whole token count from 1 to `MAX_LISTED_TOKENS`, else `undefined`. */
export function readTokens(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_LISTED_TOKENS
    ? value
    : undefined;
}

/** A non-empty name of printable characters, at most `MAX_NAME_LENGTH` long, else `undefined`. */
export function readName(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_NAME_LENGTH &&
    /^[\x21-\x7e]+$/.test(value)
    ? value
    : undefined;
}

/**
 * Prices from the raw fields: `undefined` when input or output is missing, `null` when an applied
 * price (input, output, cache read) is nonsense (negative, NaN, absurd), which skips the whole
 * entry. A nonsensical cache-write price, shown but never applied, is only left out.
 */
export function readPricing(
  input: unknown,
  output: unknown,
  cached: unknown,
  cacheWrite?: unknown,
): ModelPricing | undefined | null {
  const inputPerToken = readPrice(input);
  const outputPerToken = readPrice(output);
  const cachedInputPerToken = readPrice(cached);
  const cacheWriteInputPerToken = readPrice(cacheWrite) ?? undefined;
  if (inputPerToken === null || outputPerToken === null || cachedInputPerToken === null) return null;
  if (inputPerToken === undefined || outputPerToken === undefined) return undefined;
  return {
    inputPerToken,
    outputPerToken,
    ...(cachedInputPerToken === undefined ? {} : { cachedInputPerToken }),
    ...(cacheWriteInputPerToken === undefined ? {} : { cacheWriteInputPerToken }),
  };
}

/** The raw price fields of one long-context tier, as a gateway gives them (numbers or strings). */
export interface RawTierPrices {
  input?: unknown;
  output?: unknown;
  cached?: unknown;
  cacheWrite?: unknown;
}

/** Most long-context tiers kept per model; more are ignored (no gateway publishes more than a few). */
export const MAX_PRICE_TIERS = 8;

/**
 * `base` with long-context tiers: per threshold (the tier applies to prompts of more than that many
 * tokens), the prices given, each missing one falling back to the base price. `null` when a tier's
 * price is nonsense, which skips the whole entry like a nonsensical base price.
 */
export function withTiers(base: ModelPricing, raw: ReadonlyMap<number, RawTierPrices>): ModelPricing | null {
  if (raw.size === 0) return base;
  const tiers: PriceTier[] = [];
  for (const threshold of [...raw.keys()].sort((a, b) => a - b).slice(0, MAX_PRICE_TIERS)) {
    const given = raw.get(threshold) as RawTierPrices;
    const orBase = (value: unknown, fallback: number | undefined) => {
      const price = readPrice(value);
      return price === undefined ? fallback : price;
    };
    const prices = readPricing(
      orBase(given.input, base.inputPerToken),
      orBase(given.output, base.outputPerToken),
      orBase(given.cached, base.cachedInputPerToken),
      orBase(given.cacheWrite, base.cacheWriteInputPerToken),
    );
    if (!prices) return null;
    tiers.push({ aboveInputTokens: threshold, ...(prices as TokenPrices) });
  }
  return { ...base, tiers };
}

const PROVIDER_ALIASES: Readonly<Record<string, ProviderId>> = {
  gemini: 'google',
  'google-ai-studio': 'google',
  cohere_chat: 'cohere',
  mistralai: 'mistral',
  'x-ai': 'xai',
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  cohere: 'cohere',
  mistral: 'mistral',
};

/**
 * A gateway's provider name as a router provider id: the five under their router names
 * (`gemini` → `google`, `cohere_chat` → `cohere`, `mistralai` → `mistral`), `x-ai` → `xai`, others
 * lower-cased with `_` as `-` (`together_ai` → `together-ai`). `undefined` when not a plausible id.
 */
export function normalizeProviderId(raw: unknown): ProviderId | undefined {
  if (typeof raw !== 'string') return undefined;
  const lower = raw.toLowerCase();
  const known = Object.hasOwn(PROVIDER_ALIASES, lower) ? PROVIDER_ALIASES[lower] : undefined;
  if (known) return known;
  const id = lower.replaceAll('_', '-');
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(id) ? id : undefined;
}

/** `YYYY-MM-DD` (UTC) of a clock time. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
