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

// LiteLLM's threshold prices (`input_cost_per_token_above_200k_tokens`, also `_128k_`, `_272k_`):
// above that many prompt tokens, they price the whole call.
const THRESHOLD_PRICE =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)_above_(\d{1,6})k_tokens$/;
const TIER_FIELD: Readonly<Record<string, keyof RawTierPrices>> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cached',
  cache_creation_input_token_cost: 'cacheWrite',
};

/** The `…_above_<n>k_tokens` prices of a `model_info`, by threshold in tokens. */
function thresholdPrices(info: Record<string, unknown>): Map<number, RawTierPrices> {
  const tiers = new Map<number, RawTierPrices>();
  for (const key in info) {
    const match = THRESHOLD_PRICE.exec(key);
    if (!match || info[key] === null || info[key] === undefined) continue;
    const threshold = Number(match[2]) * 1_000;
    const tier = tiers.get(threshold) ?? {};
    tier[TIER_FIELD[match[1] as string] as keyof RawTierPrices] = info[key];
    tiers.set(threshold, tier);
  }
  return tiers;
}

/**
 * One `/model/info` entry as a listed model, or `undefined` when malformed or priced nonsensically.
 * The provider is `model_info.litellm_provider`, else the prefix of `litellm_params.model`.
 */
function readEntry(entry: unknown): Omit<ListedModel, 'aliases'> | undefined {
  if (!isRecord(entry)) return undefined;
  const name = readName(entry.model_name);
  const params = isRecord(entry.litellm_params) ? entry.litellm_params : {};
  const info = isRecord(entry.model_info) ? entry.model_info : undefined;
  if (name === undefined || info === undefined) return undefined;
  const upstream = readName(params.model) ?? name;
  const slash = upstream.indexOf('/');
  const provider = normalizeProviderId(
    info.litellm_provider ?? (slash > 0 ? upstream.slice(0, slash) : undefined),
  );
  if (provider === undefined) return undefined;
  const base = readPricing(
    info.input_cost_per_token,
    info.output_cost_per_token,
    info.cache_read_input_token_cost,
    info.cache_creation_input_token_cost,
  );
  const pricing = base ? withTiers(base, thresholdPrices(info)) : base;
  if (pricing === null) return undefined;
  const model = slash > 0 ? upstream.slice(slash + 1) : upstream;
  return {
    name,
    upstream,
    provider,
    id: `${provider}/${model}`,
    pricing,
    contextWindow: readTokens(info.max_input_tokens) ?? readTokens(info.max_tokens),
    maxOutputTokens: readTokens(info.max_output_tokens) ?? readTokens(info.max_tokens),
    capabilities: {
      tools: info.supports_function_calling === true,
      vision: info.supports_vision === true,
      json: info.supports_response_schema === true,
      streaming: true,
    },
  };
}

/**
 * Reads LiteLLM's `GET /model/info` answer (`{ data: [{ model_name, litellm_params, model_info }] }`)
 * defensively: every field type-checked, prices per token from 0 to 0.01 USD (cache read and write
 * prices, and `…_above_<n>k_tokens` prices as long-context tiers, included), at most
 * `MAX_LISTED_MODELS` models. Several deployments of one `model_name` make one model; several
 * `model_name`s of one upstream model make one model with aliases. Throws only when the envelope
 * itself is wrong (no `data` array); a bad entry is skipped and counted.
 */
export function parseLiteLLMModelInfo(body: unknown, fetchedAt: number): GatewayListing {
  if (!isRecord(body) || !Array.isArray(body.data))
    throw new TypeError('expected { data: [...] } from /model/info');
  const byUpstream = new Map<string, Omit<ListedModel, 'aliases'> & { aliases: string[] }>();
  const names = new Set<string>();
  let skipped = 0;
  for (const raw of body.data as unknown[]) {
    const entry = readEntry(raw);
    if (entry === undefined || (byUpstream.size >= MAX_LISTED_MODELS && !byUpstream.has(entry.upstream))) {
      skipped++;
      continue;
    }
    if (names.has(entry.name)) continue; // another deployment of a model group already read
    names.add(entry.name);
    const known = byUpstream.get(entry.upstream);
    if (known) known.aliases.push(entry.name);
    else byUpstream.set(entry.upstream, { ...entry, aliases: [] });
  }
  return {
    gateway: 'litellm',
    fetchedAt,
    asOf: isoDay(fetchedAt),
    models: [...byUpstream.values()],
    skipped,
  };
}
