import type {
  GatewayId,
  ModelDefinition,
  ModelPricing,
  PriceProvenance,
  PriceSource,
} from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import type { GatewayListing, ListedModel } from './live/gateway-listing.ts';
import type { MaintainedPrices } from './live/maintained-prices.ts';

/** What a catalog snapshot is built from. */
export interface CatalogSources {
  /** Bundled and user models, by id. */
  readonly models: readonly ModelDefinition[];
  /** Ids whose prices the user set (`catalog.models` or `catalog.prices`): they win over every gateway. */
  readonly userPriced: ReadonlySet<string>;
  /** Date of the bundled or user prices. */
  readonly date: string;
  /** The last good read of each gateway's live catalog. */
  readonly listings?: readonly GatewayListing[];
  /** Names the user gave per gateway (`gateways.<id>.models` values): never turned into models of their own. */
  readonly userNames?: Readonly<Partial<Record<GatewayId, ReadonlySet<string>>>>;
  /** Prices for models a gateway lists without one and no other source prices; last in precedence. */
  readonly maintained?: { readonly prices: MaintainedPrices; readonly at: Date };
}

type Draft = {
  -readonly [K in keyof ModelDefinition]: ModelDefinition[K];
} & {
  gatewayModels: Partial<Record<GatewayId, string>>;
  gatewayPricing: Partial<Record<GatewayId, ModelPricing>>;
  gatewayPricingSources: Partial<Record<GatewayId, PriceProvenance>>;
};

const DEFAULT_CONTEXT_WINDOW = 8_192;
const DEFAULT_MAX_OUTPUT = 4_096;

function draftOf(model: ModelDefinition): Draft {
  return {
    ...model,
    gatewayModels: { ...model.gatewayModels },
    gatewayPricing: { ...model.gatewayPricing },
    gatewayPricingSources: { ...model.gatewayPricingSources },
  };
}

function newModel(listed: ListedModel, pricing: ModelPricing, provenance: PriceProvenance): Draft {
  const contextWindow = listed.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  return {
    id: listed.id,
    provider: listed.provider,
    name: listed.name,
    // Tier is documentation only; $2/M input or more reads as a flagship.
    tier: pricing.inputPerToken >= 2e-6 ? 'flagship' : 'cheap',
    contextWindow,
    maxOutputTokens: listed.maxOutputTokens ?? Math.min(DEFAULT_MAX_OUTPUT, contextWindow),
    pricing,
    pricingSource: provenance,
    capabilities: listed.capabilities,
    gatewayModels: {},
    gatewayPricing: {},
    gatewayPricingSources: {},
  };
}

/** A model a gateway lists without a price, priced from the maintained table, else `undefined`. */
function maintainedModel(listed: ListedModel, sources: CatalogSources): Draft | undefined {
  const maintained = sources.maintained;
  const slash = listed.id.indexOf('/');
  const pricing = maintained?.prices.price(listed.provider, listed.id.slice(slash + 1), maintained.at);
  return pricing && maintained ? newModel(listed, pricing, maintained.prices.provenance) : undefined;
}

// Models a listing does not touch stay the very objects given (bundled or user); a touched one is
// copied once, on its first change.
class Drafts {
  readonly byId = new Map<string, ModelDefinition | Draft>();
  private readonly drafted = new Set<string>();
  has(id: string): boolean {
    return this.byId.has(id);
  }
  set(model: ModelDefinition | Draft, drafted: boolean): void {
    this.byId.set(model.id, model);
    if (drafted) this.drafted.add(model.id);
  }
  draft(id: string): Draft | undefined {
    const model = this.byId.get(id);
    if (!model) return undefined;
    if (this.drafted.has(id)) return model as Draft;
    const copy = draftOf(model);
    this.set(copy, true);
    return copy;
  }
}

function applyListing(
  listing: GatewayListing,
  byId: Drafts,
  sources: CatalogSources,
  names: Map<string, string>,
): void {
  const gateway = listing.gateway;
  const index = new Map<string, string>();
  for (const model of byId.byId.values()) {
    const name = model.gatewayModels[gateway];
    if (name !== undefined) index.set(name, model.id);
  }
  const userNames = sources.userNames?.[gateway];
  const provenance: PriceProvenance = { source: gateway satisfies PriceSource, asOf: listing.asOf };
  const served = new Set<string>();
  for (const listed of listing.models) {
    const id =
      index.get(listed.upstream) ?? index.get(listed.name) ?? (byId.has(listed.id) ? listed.id : undefined);
    let draft = id === undefined ? undefined : byId.draft(id);
    if (!draft) {
      if (userNames?.has(listed.name) || byId.has(listed.id)) continue;
      draft = listed.pricing
        ? newModel(listed, listed.pricing, provenance)
        : maintainedModel(listed, sources);
      if (!draft) continue;
      byId.set(draft, true);
    }
    served.add(draft.id);
    const userNamed = sources.userPriced.has(draft.id) && draft.gatewayModels[gateway] !== undefined;
    if (!userNamed) draft.gatewayModels[gateway] = listed.name;
    for (const name of [listed.name, ...listed.aliases]) if (!names.has(name)) names.set(name, draft.id);
    if (listed.pricing && !sources.userPriced.has(draft.id)) {
      draft.gatewayPricing[gateway] = listed.pricing;
      draft.gatewayPricingSources[gateway] = provenance;
    }
  }
  // LiteLLM serves only what its /model/info lists: a bundled name it does not list would cost a
  // failed round trip ("Invalid model name") before the fallback.
  if (gateway === 'litellm')
    for (const model of [...byId.byId.values()])
      if (!served.has(model.id) && model.gatewayModels.litellm !== undefined)
        delete byId.draft(model.id)?.gatewayModels.litellm;
}

/** A gateway's served names, as `serves()` needs them. */
function servedNames(listing: GatewayListing): Set<string> {
  const names = new Set<string>();
  for (const listed of listing.models) {
    names.add(listed.name);
    for (const alias of listed.aliases) names.add(alias);
  }
  return names;
}

/**
 * One immutable catalog from bundled and user models and the gateways' last good listings.
 * Precedence of prices: the user's (`catalog.models`, `catalog.prices`) > the gateway's live price
 * (for offers on that gateway) > bundled > the maintained table. Models only a gateway lists are
 * added with its price, or, listed without one, with the maintained table's (`sources.maintained`).
 */
export function buildCatalogSnapshot(sources: CatalogSources): ModelCatalog {
  const byId = new Drafts();
  for (const model of sources.models) byId.set(model, false);
  const names = new Map<string, string>();
  const served = new Map<GatewayId, Set<string>>();
  for (const listing of sources.listings ?? []) {
    applyListing(listing, byId, sources, names);
    if (listing.gateway === 'litellm') served.set('litellm', servedNames(listing));
  }
  const bundled: PriceProvenance = { source: 'bundled', asOf: sources.date };
  const user: PriceProvenance = { source: 'user', asOf: sources.date };
  const models: readonly ModelDefinition[] = Object.freeze([...byId.byId.values()]);
  const frozen = new Map(models.map((model) => [model.id, model]));
  for (const model of models)
    for (const name of Object.values(model.gatewayModels))
      if (name !== undefined && !names.has(name)) names.set(name, model.id);
  // A user price is the user's whatever the model it replaced said; bundled models date their own.
  const baseSource = (model: ModelDefinition) =>
    sources.userPriced.has(model.id) ? user : (model.pricingSource ?? bundled);
  return {
    date: sources.date,
    get: (id) => frozen.get(id),
    list: () => models,
    pricing: (model, gateway) => model.gatewayPricing?.[gateway] ?? model.pricing,
    // A user model's prices are all the user's, whatever provenance it carries (e.g. spread from a
    // bundled model): free text from settings never reaches results or records.
    priceSource: (model, gateway) =>
      model.gatewayPricing?.[gateway] && !sources.userPriced.has(model.id)
        ? (model.gatewayPricingSources?.[gateway] ?? baseSource(model))
        : baseSource(model),
    serves: (gateway, name) => served.get(gateway)?.has(name) ?? true,
    resolveName: (name) => names.get(name),
  };
}
