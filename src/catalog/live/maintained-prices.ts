import type { ModelPricing, PriceProvenance, ProviderId } from '../model-definition.ts';
import { readPrice } from './gateway-listing.ts';

/**
 * The day the maintained price table was published: the release date of the pinned
 * `@pydantic/genai-prices` version (0.1.8). The library ships its data without a date of its own,
 * so the release date stands for it; a test fails when the installed version changes.
 */
export const MAINTAINED_PRICES_DATE = '2026-09-23';

/** A maintained price table: a model's price by provider id and model name, with its source. */
export interface MaintainedPrices {
  /** `{ source: 'genai-prices', asOf: MAINTAINED_PRICES_DATE }`. */
  readonly provenance: PriceProvenance;
  /** The flat per-token price of `model` at `provider` on `at`, or `undefined` when not listed. */
  price(provider: ProviderId, model: string, at: Date): ModelPricing | undefined;
}

type GenAIPrices = typeof import('@pydantic/genai-prices');
type LibraryPrice = NonNullable<ReturnType<GenAIPrices['calcPrice']>>['model_price'][string];

/** USD per token from a price per million tokens; a tiered price counts at its base (first) tier. */
function perToken(price: LibraryPrice): number | undefined | null {
  const perMillion = typeof price === 'object' && price !== null ? price.base : price;
  // 12 significant digits drop the float noise of the division ($0.05/M is 5e-8, not 5.0000000000000004e-8).
  return typeof perMillion === 'number' ? readPrice(Number((perMillion / 1e6).toPrecision(12))) : undefined;
}

/**
 * The `@pydantic/genai-prices` table as a lookup. Prices that vary by date or time of day (DeepSeek's
 * off-peak hours) are the ones in force at `at` (each refresh); tiered (long-context) prices count
 * at their base tier, as the catalog keeps one flat price per model.
 * A provider the library does not know prices nothing: no guessing across providers.
 */
export function maintainedPricesFrom(library: Pick<GenAIPrices, 'calcPrice'>): MaintainedPrices {
  return {
    provenance: { source: 'genai-prices', asOf: MAINTAINED_PRICES_DATE },
    price(provider, model, at) {
      const found = library.calcPrice({}, model, { providerId: provider, timestamp: at });
      if (!found) return undefined;
      const prices = found.model_price;
      const inputPerToken = perToken(prices.input_mtok);
      const outputPerToken = perToken(prices.output_mtok);
      const cachedInputPerToken = perToken(prices.cache_read_mtok);
      if (inputPerToken == null || outputPerToken == null || cachedInputPerToken === null) return undefined;
      return cachedInputPerToken === undefined
        ? { inputPerToken, outputPerToken }
        : { inputPerToken, outputPerToken, cachedInputPerToken };
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
