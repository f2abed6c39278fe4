import { isRecord } from '../../errors/is-record.ts';
import {
  type GatewayListing,
  isoDay,
  type ListedModel,
  MAX_LISTED_MODELS,
  normalizeProviderId,
  readName,
  readPricing,
  readTokens,
} from './gateway-listing.ts';

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
  const pricing = readPricing(prices.prompt, prices.completion, prices.input_cache_read);
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
 * Conditional prices (`pricing.overrides`, long-context tiers) are not read: the base price is used.
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
