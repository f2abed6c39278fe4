import type { ModelPricing, PriceProvenance, PriceTier, ProviderId, TokenPrices } from '../../types/model.ts';
import { readPrice } from './gateway-listing.ts';

/**
 * The day the maintained price table was published: the release date of the pinned
 * `@pydantic/genai-prices` version (0.1.8). The library ships its data without a date of its own,
 * so the release date stands for it; a test fails when the installed version changes.
 */
export const MAINTAINED_PRICES_DATE = '2026-09-23';

/** A maintained price table: a model's price by provider id and model name, with its source. */
export interface MaintainedPrices {
  /** `{ source: 'genai-prices', asOf: MAINTAINED_PRICES_DATE, from: MAINTAINED_PRICES_LIBRARY }`. */
  readonly provenance: PriceProvenance;
  /** The per-token price (with long-context tiers) of `model` at `provider` on `at`, or `undefined` when not listed. */
  price(provider: ProviderId, model: string, at: Date): ModelPricing | undefined;
}

type GenAIPrices = typeof import('@pydantic/genai-prices');
/** A model's prices as the library gives them: USD per million tokens, flat or tiered, by key. */
export type LibraryModelPrice = NonNullable<ReturnType<GenAIPrices['calcPrice']>>['model_price'];
type LibraryPrice = LibraryModelPrice[string];

/** The library's version these prices are read from; a test fails when the installed one differs. */
export const MAINTAINED_PRICES_LIBRARY = '@pydantic/genai-prices@0.1.8';

// The library's price keys for the prices the catalog keeps.
const KEYS = {
  inputPerToken: 'input_mtok',
  outputPerToken: 'output_mtok',
  cachedInputPerToken: 'cache_read_mtok',
  cacheWriteInputPerToken: 'cache_write_mtok',
} as const;

/**
 * USD per million tokens of a prompt of `inputTokens` tokens, as the library prices it: the base,
 * or the last tier whose `start` the prompt exceeds.
 */
function perMillionAt(price: LibraryPrice, inputTokens: number): number | undefined {
  if (typeof price === 'number') return price;
  if (typeof price !== 'object' || price === null) return undefined;
  let perMillion = price.base;
  for (const tier of price.tiers) if (inputTokens > tier.start) perMillion = tier.price;
  return perMillion;
}

/** USD per token from USD per million; `undefined` when absent, `null` when not a believable price. */
function perToken(perMillion: number | undefined): number | undefined | null {
  // 12 significant digits drop the float noise of the division ($0.05/M is 5e-8, not 5.0000000000000004e-8).
  return perMillion === undefined ? undefined : readPrice(Number((perMillion / 1e6).toPrecision(12)));
}

function pricesAt(price: LibraryModelPrice, inputTokens: number): TokenPrices | undefined {
  const read = (key: (typeof KEYS)[keyof typeof KEYS]) => perToken(perMillionAt(price[key], inputTokens));
  const inputPerToken = read(KEYS.inputPerToken);
  const outputPerToken = read(KEYS.outputPerToken);
  const cachedInputPerToken = read(KEYS.cachedInputPerToken);
  // A cache-write price is shown, never applied: an unbelievable one is left out, not the model.
  const cacheWriteInputPerToken = read(KEYS.cacheWriteInputPerToken) ?? undefined;
  if (inputPerToken == null || outputPerToken == null || cachedInputPerToken === null) return undefined;
  return {
    inputPerToken,
    outputPerToken,
    ...(cachedInputPerToken === undefined ? {} : { cachedInputPerToken }),
    ...(cacheWriteInputPerToken === undefined ? {} : { cacheWriteInputPerToken }),
  };
}

/**
 * The catalog's pricing of a library price: per token, with the library's prompt-size tiers
 * (`start`: the tier applies above that many input tokens) as `tiers`, each complete (a key without
 * tiers keeps its base price in every tier). `undefined` without both an input and an output price,
 * or with a price that is not believable (see `readPrice`).
 */
export function pricingFromLibrary(price: LibraryModelPrice): ModelPricing | undefined {
  const base = pricesAt(price, 0);
  if (!base) return undefined;
  const starts = new Set<number>();
  for (const key of Object.values(KEYS)) {
    const value = price[key];
    if (typeof value === 'object' && value !== null) for (const tier of value.tiers) starts.add(tier.start);
  }
  if (starts.size === 0) return base;
  const tiers: PriceTier[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const prices = pricesAt(price, start + 1);
    if (!prices) return undefined;
    tiers.push({ aboveInputTokens: start, ...prices });
  }
  return { ...base, tiers };
}

/**
 * The `@pydantic/genai-prices` table as a lookup. Prices that vary by date or time of day (DeepSeek's
 * off-peak hours) are the ones in force at `at` (each refresh); long-context tiers are kept
 * (`ModelPricing.tiers`). A provider the library does not know prices nothing: no guessing across
 * providers.
 */
export function maintainedPricesFrom(library: Pick<GenAIPrices, 'calcPrice'>): MaintainedPrices {
  return {
    provenance: { source: 'genai-prices', asOf: MAINTAINED_PRICES_DATE, from: MAINTAINED_PRICES_LIBRARY },
    price(provider, model, at) {
      const found = library.calcPrice({}, model, { providerId: provider, timestamp: at });
      return found ? pricingFromLibrary(found.model_price) : undefined;
    },
  };
}

/**
 * Loads the maintained table (a 2 MB module) on first need only: the live refresh path calls it when
 * a gateway lists a model without a price, never the root import or a call. `undefined` when the
 * module cannot be loaded; such models then stay unpriced and left out, as before.
 */
export async function loadMaintainedPrices(): Promise<MaintainedPrices | undefined> {
  try {
    return maintainedPricesFrom(await import('@pydantic/genai-prices'));
  } catch {
    return undefined;
  }
}
