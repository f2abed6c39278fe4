import { isRecord } from '../../errors/is-record.ts';
import {
  type GatewayListing,
  isoDay,
  type ListedModel,
  MAX_LISTED_MODELS,
  normalizeProviderId,
  type RawTierPrices,
  readName,
  readPricing,
  readTokens,
  withTiers,
} from './gateway-listing.ts';

/** Most `pricing.overrides` entries read per model. */
const MAX_OVERRIDES = 32;

/**
 * Long-context tiers from `pricing.overrides`: entries conditioned on `min_prompt_tokens` only (an
 * entry with a time window, `utc_start` / `utc_end`, is not applied). A prompt of at least that many
 * tokens takes the entry's prices; when several apply, later entries win per price, as OpenRouter
 * bills them. Keyed by the threshold the router uses (more than `min_prompt_tokens - 1` tokens).
 */
function overrideTiers(overrides: unknown): Map<number, RawTierPrices> {
  const tiers = new Map<number, RawTierPrices>();
  if (!Array.isArray(overrides)) return tiers;
  const conditional: { min: number; entry: Record<string, unknown> }[] = [];
  for (const entry of overrides.slice(0, MAX_OVERRIDES)) {
    if (!isRecord(entry) || entry.utc_start !== undefined || entry.utc_end !== undefined) continue;
    const raw = entry.min_prompt_tokens;
    const min = readTokens(typeof raw === 'string' ? Number(raw) : raw);
    if (min !== undefined) conditional.push({ min, entry });
  }
  for (const threshold of new Set(conditional.map(({ min }) => min))) {
    const tier: RawTierPrices = {};
    for (const { min, entry } of conditional) {
      if (min > threshold) continue;
      if (entry.prompt !== undefined) tier.input = entry.prompt;
      if (entry.completion !== undefined) tier.output = entry.completion;
      if (entry.input_cache_read !== undefined) tier.cached = entry.input_cache_read;
      if (entry.input_cache_write !== undefined) tier.cacheWrite = entry.input_cache_write;
    }
    tiers.set(threshold - 1, tier);
  }
  return tiers;
}

const includes = (list: unknown, value: string) => Array.isArray(list) && list.includes(value);

function readEntry(entry: unknown): ListedModel | undefined {
  if (!isRecord(entry)) return undefined;
  const name = readName(entry.id);
  if (name === undefined) return undefined;
  const slash = name.indexOf('/');
  const provider = slash > 0 ? normalizeProviderId(name.slice(0, slash)) : undefined;
  if (provider === undefined || !isRecord(entry.pricing)) return undefined;
  const prices = entry.pricing;
  // Prices are strings (USD per token); a router model such as `openrouter/auto` says "-1".
  const base = readPricing(
    prices.prompt,
    prices.completion,
    prices.input_cache_read,
    prices.input_cache_write,
  );
  const pricing = base && withTiers(base, overrideTiers(prices.overrides));
  if (!pricing) return undefined;
  const contextWindow = readTokens(entry.context_length);
  const top = isRecord(entry.top_provider) ? entry.top_provider : {};
  const architecture = isRecord(entry.architecture) ? entry.architecture : {};
  const parameters = entry.supported_parameters;
  return {
    name,
    aliases: [],
    upstream: name,
    provider,
    id: `${provider}/${name.slice(slash + 1)}`,
    pricing,
    contextWindow,
    maxOutputTokens: readTokens(top.max_completion_tokens) ?? contextWindow,
    capabilities: {
      tools: includes(parameters, 'tools'),
      vision: includes(architecture.input_modalities, 'image'),
      json: includes(parameters, 'response_format') || includes(parameters, 'structured_outputs'),
      streaming: true,
    },
  };
}

/**
 * Reads OpenRouter's `GET /api/v1/models` answer (`{ data: [{ id, pricing, context_length, … }] }`)
 * defensively: string prices per token from 0 to 0.01 USD (a model without both prices, or with a
 * negative one such as `openrouter/auto`'s "-1", is skipped), at most `MAX_LISTED_MODELS` models.
 * `:free` variants are left out (rate-limited to a few requests a minute) and not counted as skipped.
 * Conditional prices (`pricing.overrides`) on the prompt size become long-context tiers; those on
 * the time of day are not applied (the base price is used).
 */
export function parseOpenRouterModels(body: unknown, fetchedAt: number): GatewayListing {
  if (!isRecord(body) || !Array.isArray(body.data))
    throw new TypeError('expected { data: [...] } from /api/v1/models');
  const models = new Map<string, ListedModel>();
  let skipped = 0;
  for (const raw of body.data as unknown[]) {
    if (isRecord(raw) && typeof raw.id === 'string' && raw.id.endsWith(':free')) continue;
    const entry = readEntry(raw);
    if (entry === undefined || models.size >= MAX_LISTED_MODELS) skipped++;
    else if (!models.has(entry.name)) models.set(entry.name, entry);
  }
  return { gateway: 'openrouter', fetchedAt, asOf: isoDay(fetchedAt), models: [...models.values()], skipped };
}
