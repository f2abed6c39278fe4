import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from './default-catalog-models.ts';
import type { GatewayId, ModelDefinition, ModelPricing } from './model-definition.ts';

/** The models the router can route to, with prices and capabilities. */
export interface ModelCatalog {
  /** The date the bundled prices were taken, or the date you gave. */
  readonly date: string;
  get(id: string): ModelDefinition | undefined;
  list(): readonly ModelDefinition[];
  /** The price of a model on a gateway: the gateway's own offer where it differs, else the model's. */
  pricing(model: ModelDefinition, gateway: GatewayId): ModelPricing;
}

/** What `createModelCatalog()` (and the router's `catalog` setting) takes. */
export interface ModelCatalogSettings {
  /** Start from the bundled, dated catalog. @default true */
  readonly includeDefaults?: boolean;
  /** Models to add; one with the id of a bundled model replaces it. */
  readonly models?: readonly ModelDefinition[];
  /**
   * Price overrides by model id, USD per token; merged over the model's prices. A gateway's own
   * offer (`gatewayPricing`, e.g. OpenRouter's) is replaced only by redefining the model.
   */
  readonly prices?: Readonly<Record<string, Partial<ModelPricing>>>;
  /** Date of your prices. @default the bundled catalog's date */
  readonly date?: string;
}

/**
 * Builds a catalog from the bundled snapshot plus your models and price overrides.
 *
 * @example
 * const catalog = createModelCatalog({
 *   prices: { 'openai/gpt-5.4-mini': { inputPerToken: 0.6e-6 } },
 *   models: [{ id: 'mistral/codestral-latest', provider: 'mistral', ... }],
 * });
 */
export function createModelCatalog(settings: ModelCatalogSettings = {}): ModelCatalog {
  const byId = new Map<string, ModelDefinition>();
  if (settings.includeDefaults !== false)
    for (const model of DEFAULT_CATALOG_MODELS) byId.set(model.id, model);
  for (const model of settings.models ?? []) byId.set(model.id, model);
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
    byId.set(id, { ...model, pricing: { ...model.pricing, ...override } });
  }
  const models = Object.freeze([...byId.values()]);
  return {
    date: settings.date ?? DEFAULT_CATALOG_DATE,
    get: (id) => byId.get(id),
    list: () => models,
    pricing: (model, gateway) => model.gatewayPricing?.[gateway] ?? model.pricing,
  };
}
