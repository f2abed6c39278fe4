import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import type { ModelDefinition, ModelPricing } from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import { buildCatalogSnapshot } from './catalog-snapshot.ts';
import { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from './default-catalog-models.ts';

/** What `createModelCatalog()` (and the router's `catalog` setting) takes. */
export interface ModelCatalogSettings {
  /** Start from the bundled, dated catalog. @default true */
  readonly includeDefaults?: boolean;
  /** Models to add; one with the id of a bundled model replaces it. Their prices win over gateways'. */
  readonly models?: readonly ModelDefinition[];
  /**
   * Price overrides by model id, USD per token; merged over the model's prices, and used on every
   * gateway (a user price wins over the gateways' live prices and the bundled ones). The model's
   * long-context `tiers` are dropped unless the override gives `tiers` of its own.
   */
  readonly prices?: Readonly<Record<string, Partial<ModelPricing>>>;
  /** Date of your prices, `YYYY-MM-DD` (the router refuses anything else). @default the bundled catalog's date */
  readonly date?: string;
  /**
   * How often the router re-reads the gateways' live catalogs (LiteLLM `/model/info`, OpenRouter
   * `/api/v1/models`), after a first read at start; `0` turns the live catalog off. Router only.
   * @default 3_600_000 (one hour)
   */
  readonly refreshIntervalMs?: number;
  /**
   * Providers known only from the gateways' live catalogs that `providers` (settings, limits) may
   * name before the first refresh lands, e.g. `['groq', 'deepseek']`. Router only.
   */
  readonly providers?: readonly string[];
}

/** Bundled plus user models, and which ids carry user prices. */
export function catalogBase(settings: ModelCatalogSettings): {
  models: ModelDefinition[];
  userPriced: Set<string>;
} {
  const byId = new Map<string, ModelDefinition>();
  const userPriced = new Set<string>();
  if (settings.includeDefaults !== false)
    for (const model of DEFAULT_CATALOG_MODELS) byId.set(model.id, model);
  for (const model of settings.models ?? []) {
    byId.set(model.id, model);
    userPriced.add(model.id);
  }
  for (const [id, override] of Object.entries(settings.prices ?? {})) {
    const model = byId.get(id);
    if (!model) {
      throw new InvalidSettingsError({
        factory: 'createModelCatalog',
        issues: [
          {
            setting: `catalog.prices.${id}`,
            problem: `no model "${id}" in the catalog; add it under catalog.models first`,
          },
        ],
      });
    }
    // A user price is the price on every gateway: the gateways' own offers give way to it, and so
    // do the long-context tiers of the price it replaces (unless the override gives its own).
    const {
      gatewayPricing: _offers,
      gatewayPricingSources: _offerSources,
      pricingSource: _source,
      ...rest
    } = model;
    const { tiers: _tiers, ...base } = model.pricing;
    byId.set(id, { ...rest, pricing: { ...base, ...override } });
    userPriced.add(id);
  }
  return { models: [...byId.values()], userPriced };
}

/**
 * Builds a catalog from the bundled snapshot plus your models and price overrides. Every price
 * says where it came from (`priceSource`): `bundled` (naming the library and its date) or `user`.
 *
 * @example
 * const catalog = createModelCatalog({
 *   prices: { 'openai/gpt-5.4-mini': { inputPerToken: 0.6e-6 } },
 *   models: [{ id: 'mistral/codestral-latest', provider: 'mistral', ... }],
 * });
 */
export function createModelCatalog(settings: ModelCatalogSettings = {}): ModelCatalog {
  const { models, userPriced } = catalogBase(settings);
  return buildCatalogSnapshot({ models, userPriced, date: settings.date ?? DEFAULT_CATALOG_DATE });
}
