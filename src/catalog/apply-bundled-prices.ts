import type { ModelDefinition, ModelPricing, PriceProvenance } from '../types/model.ts';

/** Where the maintained library prices a bundled model: the provider id and model name asked, and the entry found. */
export interface BundledPriceLookup {
  readonly provider: string;
  readonly model: string;
  /** The id of the library's entry that matched (it may match by prefix: `command-r-08-2024` → `command-r`). */
  readonly matched: string;
}

/** One bundled model's prices as read from the maintained library. */
export interface BundledModelPrices {
  /** The provider's own price (used on LiteLLM and `direct`), and where the library keeps it. */
  readonly lookup: BundledPriceLookup;
  readonly pricing: ModelPricing;
  /** OpenRouter's price for the model's OpenRouter slug, when the library has one. */
  readonly openrouter?: { readonly lookup: BundledPriceLookup; readonly pricing: ModelPricing };
}

/** The bundled prices, as `npm run prices:update` writes them (`bundled-prices.generated.ts`). */
export interface BundledPrices {
  /** The library and version read, e.g. `@pydantic/genai-prices@0.1.8`. */
  readonly library: string;
  /** The day the file was generated (`YYYY-MM-DD`): prices that change by date are those in force then. */
  readonly generatedOn: string;
  /** By catalog id. */
  readonly models: Readonly<Record<string, BundledModelPrices>>;
}

/**
 * A price typed by hand for a bundled model the library lacks, with what it was read from and the
 * day: it is used only when the generated file has no price for the model.
 */
export interface HandPrice {
  readonly pricing: ModelPricing;
  /** What the price was read from, e.g. `hand-typed: cohere.com/pricing`. */
  readonly from: string;
  readonly asOf: string;
}

/** A bundled model's facts (context window, capabilities, gateway names), typed by hand, without prices. */
export type BundledModelFacts = Omit<
  ModelDefinition,
  'pricing' | 'gatewayPricing' | 'pricingSource' | 'gatewayPricingSources'
> & {
  /**
   * The model's name in the library when the provider's own name (`gatewayModels.direct`) would
   * find the wrong entry there, e.g. an alias the library still points at an older snapshot.
   */
  readonly priceName?: string;
  /** Only for a model the maintained library does not price. */
  readonly handPrice?: HandPrice;
};

/**
 * The bundled models: each model's facts with its prices from the generated file (provider price,
 * and OpenRouter's own where the library has it), each dated and naming the library; else its hand
 * price. A model with neither is left out (a test keeps that from shipping).
 */
export function applyBundledPrices(
  facts: readonly BundledModelFacts[],
  prices: BundledPrices,
): ModelDefinition[] {
  const provenance: PriceProvenance = {
    source: 'bundled',
    asOf: prices.generatedOn,
    from: prices.library,
  };
  const models: ModelDefinition[] = [];
  for (const { handPrice, priceName: _priceName, ...model } of facts) {
    const generated = Object.hasOwn(prices.models, model.id) ? prices.models[model.id] : undefined;
    if (generated) {
      const openrouter = generated.openrouter;
      models.push({
        ...model,
        pricing: generated.pricing,
        pricingSource: provenance,
        ...(openrouter && model.gatewayModels.openrouter !== undefined
          ? {
              gatewayPricing: { openrouter: openrouter.pricing },
              gatewayPricingSources: { openrouter: provenance },
            }
          : {}),
      });
    } else if (handPrice) {
      models.push({
        ...model,
        pricing: handPrice.pricing,
        pricingSource: { source: 'bundled', asOf: handPrice.asOf, from: handPrice.from },
      });
    }
  }
  return models;
}
