import { DEFAULT_CATALOG_MODELS } from '../../catalog/default-catalog-models.ts';
import type { PriceTier } from '../../types/model.ts';

/** One model a loopback gateway lists in its live catalog (`/model/info`, `/api/v1/models`). */
export interface LoopbackCatalogModel {
  /** The name clients send: LiteLLM's `model_name` (an alias or not), OpenRouter's `id`. */
  readonly name: string;
  /** LiteLLM's `litellm_params.model`. @default name */
  readonly upstream?: string;
  /** LiteLLM's `model_info.litellm_provider`. @default the prefix of `upstream` */
  readonly provider?: string;
  /** USD per token; leave out for a model LiteLLM has no price for (`null` on the wire). */
  readonly inputPerToken?: number;
  readonly outputPerToken?: number;
  readonly cachedInputPerToken?: number;
  /** LiteLLM `cache_creation_input_token_cost`, OpenRouter `pricing.input_cache_write`. */
  readonly cacheWriteInputPerToken?: number;
  /**
   * Long-context prices: LiteLLM `…_above_<n>k_tokens` fields (thresholds rounded to thousands),
   * OpenRouter `pricing.overrides` entries with `min_prompt_tokens` (the threshold + 1).
   */
  readonly tiers?: readonly PriceTier[];
  /** Input (LiteLLM `max_input_tokens`) or total (OpenRouter `context_length`) tokens. */
  readonly contextWindow?: number;
  readonly maxOutputTokens?: number;
  readonly tools?: boolean;
  readonly vision?: boolean;
  readonly json?: boolean;
}

/** The bundled catalog as a gateway flavour would list it (optionally only the `served` names). */
export function bundledListing(
  flavour: 'litellm' | 'openrouter',
  served?: readonly string[],
): LoopbackCatalogModel[] {
  const models: LoopbackCatalogModel[] = [];
  const byName = new Map<string, LoopbackCatalogModel>();
  for (const model of DEFAULT_CATALOG_MODELS) {
    const name = model.gatewayModels[flavour];
    if (!name) continue;
    const pricing = model.gatewayPricing?.[flavour] ?? model.pricing;
    byName.set(name, {
      name,
      inputPerToken: pricing.inputPerToken,
      outputPerToken: pricing.outputPerToken,
      ...(pricing.cachedInputPerToken === undefined
        ? {}
        : { cachedInputPerToken: pricing.cachedInputPerToken }),
      ...(pricing.cacheWriteInputPerToken === undefined
        ? {}
        : { cacheWriteInputPerToken: pricing.cacheWriteInputPerToken }),
      ...(pricing.tiers === undefined ? {} : { tiers: pricing.tiers }),
      contextWindow: model.contextWindow,
      maxOutputTokens: model.maxOutputTokens,
      tools: model.capabilities.tools,
      vision: model.capabilities.vision,
      json: model.capabilities.json,
    });
  }
  if (!served) return [...byName.values()];
  // A name the bundled data does not know: listed without a price, as LiteLLM lists a model
  // missing from its price map.
  for (const name of served) models.push(byName.get(name) ?? { name, provider: 'openai' });
  return models;
}

/**
 * `count` made-up models of a provider (`<provider>/model-<n>`), priced from `baseInputPerToken`
 * upwards, for catalogs of hundreds or thousands of models.
 */
export function generateCatalogModels(
  count: number,
  options: { readonly provider?: string; readonly baseInputPerToken?: number } = {},
): LoopbackCatalogModel[] {
  const provider = options.provider ?? 'acme';
  const base = options.baseInputPerToken ?? 1e-6;
  return Array.from({ length: count }, (_, index) => ({
    name: `${provider}/model-${index}`,
    provider,
    inputPerToken: base * (1 + index / 100),
    outputPerToken: base * 4 * (1 + index / 100),
    contextWindow: 32_000 + index,
    maxOutputTokens: 8_192,
    tools: index % 2 === 0,
    vision: index % 3 === 0,
    json: true,
  }));
}

const price = (value: number | undefined) => value ?? null;

/** LiteLLM's threshold prices of `tiers`: `input_cost_per_token_above_200k_tokens`, … */
function liteLLMThresholdPrices(tiers: readonly PriceTier[] | undefined): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const tier of tiers ?? []) {
    const above = `_above_${Math.round(tier.aboveInputTokens / 1_000)}k_tokens`;
    fields[`input_cost_per_token${above}`] = tier.inputPerToken;
    fields[`output_cost_per_token${above}`] = tier.outputPerToken;
    if (tier.cachedInputPerToken !== undefined)
      fields[`cache_read_input_token_cost${above}`] = tier.cachedInputPerToken;
    if (tier.cacheWriteInputPerToken !== undefined)
      fields[`cache_creation_input_token_cost${above}`] = tier.cacheWriteInputPerToken;
  }
  return fields;
}

/** OpenRouter's `pricing.overrides` of `tiers`: `{ min_prompt_tokens, prompt, completion, … }`, prices as strings. */
function openRouterOverrides(tiers: readonly PriceTier[]): Record<string, unknown>[] {
  return tiers.map((tier) => ({
    min_prompt_tokens: tier.aboveInputTokens + 1,
    prompt: String(tier.inputPerToken),
    completion: String(tier.outputPerToken),
    ...(tier.cachedInputPerToken === undefined ? {} : { input_cache_read: String(tier.cachedInputPerToken) }),
    ...(tier.cacheWriteInputPerToken === undefined
      ? {}
      : { input_cache_write: String(tier.cacheWriteInputPerToken) }),
  }));
}

/** LiteLLM `GET /model/info`: `{ data: [{ model_name, litellm_params, model_info }] }`. */
export function liteLLMModelInfo(models: readonly LoopbackCatalogModel[], extra: readonly unknown[] = []) {
  return {
    data: [
      ...models.map((model, index) => {
        const upstream = model.upstream ?? model.name;
        const slash = upstream.indexOf('/');
        return {
          model_name: model.name,
          litellm_params: { model: upstream, api_base: 'https://api.example.com/v1' },
          model_info: {
            id: `deployment-${index}`,
            db_model: false,
            key: upstream,
            max_tokens: model.maxOutputTokens ?? null,
            max_input_tokens: model.contextWindow ?? null,
            max_output_tokens: model.maxOutputTokens ?? null,
            input_cost_per_token: price(model.inputPerToken),
            output_cost_per_token: price(model.outputPerToken),
            cache_read_input_token_cost: price(model.cachedInputPerToken),
            cache_creation_input_token_cost: price(model.cacheWriteInputPerToken),
            ...liteLLMThresholdPrices(model.tiers),
            litellm_provider: model.provider ?? (slash > 0 ? upstream.slice(0, slash) : 'openai'),
            mode: 'chat',
            supports_function_calling: model.tools ?? false,
            supports_parallel_function_calling: model.tools ?? false,
            supports_vision: model.vision ?? false,
            supports_response_schema: model.json ?? false,
            supports_prompt_caching: model.cachedInputPerToken !== undefined,
            supports_system_messages: true,
            supports_tool_choice: model.tools ?? false,
            tpm: null,
            rpm: null,
          },
        };
      }),
      ...extra,
    ],
  };
}

/** OpenRouter `GET /api/v1/models`: `{ data: [{ id, context_length, pricing: { prompt: "…" }, … }] }`. */
export function openRouterModels(models: readonly LoopbackCatalogModel[], extra: readonly unknown[] = []) {
  const data = [
    ...models.map((model) => ({
      id: model.name,
      canonical_slug: model.name,
      name: model.name,
      created: 1_767_225_600,
      description: '',
      context_length: model.contextWindow ?? 8_192,
      architecture: {
        input_modalities: model.vision ? ['text', 'image'] : ['text'],
        output_modalities: ['text'],
        tokenizer: 'Other',
        instruct_type: null,
      },
      pricing: {
        prompt: String(model.inputPerToken ?? 0),
        completion: String(model.outputPerToken ?? 0),
        request: '0',
        image: '0',
        ...(model.cachedInputPerToken === undefined
          ? {}
          : { input_cache_read: String(model.cachedInputPerToken) }),
        ...(model.cacheWriteInputPerToken === undefined
          ? {}
          : { input_cache_write: String(model.cacheWriteInputPerToken) }),
        ...(model.tiers === undefined ? {} : { overrides: openRouterOverrides(model.tiers) }),
      },
      top_provider: {
        context_length: model.contextWindow ?? 8_192,
        max_completion_tokens: model.maxOutputTokens ?? null,
        is_moderated: false,
      },
      per_request_limits: null,
      supported_parameters: [
        'max_tokens',
        'temperature',
        ...(model.tools ? ['tools', 'tool_choice'] : []),
        ...(model.json ? ['response_format', 'structured_outputs'] : []),
      ],
    })),
    ...extra,
  ];
  return { data, total_count: data.length, links: { next: null } };
}
