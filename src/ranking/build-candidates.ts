import type { ExcludedCandidate } from '../errors/call-errors.ts';
import type { ModelRequirements } from '../types/chat.ts';
import type { GatewayId, ModelDefinition, ModelPricing, ProviderId } from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import type { Candidate } from './candidate.ts';

/** Everything about the router's configuration that decides which candidates exist. */
export interface RoutingTable {
  readonly catalog: ModelCatalog;
  /** Enabled providers, with the models each allows (`undefined`: all of its catalog models). */
  readonly providers: ReadonlyMap<ProviderId, { readonly models: ReadonlySet<string> | undefined }>;
  /** Every provider the catalog knows is enabled (no `providers` setting): `providers` lists none. */
  readonly anyProvider?: boolean;
  /** Enabled gateways in preference order, with per-gateway model-name overrides. */
  readonly gateways: readonly {
    readonly id: GatewayId;
    readonly modelNames: Readonly<Record<string, string>>;
    /** Name and price models as on this gateway where `modelNames` does not say (a second LiteLLM proxy). */
    readonly like?: GatewayId;
    /** Offer only the models `modelNames` names (a gateway the catalog knows no names for). */
    readonly onlyNamed?: boolean;
  }[];
  /** Offers per model id, filled on first use; leave out to build them on every call. */
  readonly offerCache?: Map<string, readonly Candidate[]>;
}

/** What one call asks for. */
export interface CandidateQuery {
  /** Acceptable canonical ids, in the caller's order; `undefined` means any model. */
  readonly models: readonly string[] | undefined;
  readonly requirements: ModelRequirements;
  /** Estimated prompt size, checked against each context window. */
  readonly promptTokens: number;
  readonly maxTokens: number | undefined;
}

export interface CandidateSet {
  readonly candidates: readonly Candidate[];
  /** Why models or offers were left out; filled only when no candidate is left. */
  readonly excluded: readonly ExcludedCandidate[];
}

/**
 * Resolves a model name the caller passed: a canonical id, or the model's name on any gateway
 * (`gpt-5.4-mini`, `anthropic/claude-haiku-4.5`).
 */
export function resolveModelId(
  catalog: ModelCatalog,
  name: string,
  gateways: RoutingTable['gateways'] = [],
): string | undefined {
  if (catalog.get(name)) return name;
  const named = catalog.resolveName?.(name);
  if (named !== undefined) return named;
  for (const gateway of gateways) {
    for (const [id, alias] of Object.entries(gateway.modelNames)) if (alias === name) return id;
  }
  for (const model of catalog.list()) {
    for (const gatewayName of Object.values(model.gatewayModels)) if (gatewayName === name) return model.id;
  }
  return undefined;
}

function modelProblem(
  model: ModelDefinition,
  table: RoutingTable,
  query: CandidateQuery,
): string | undefined {
  const provider = table.providers.get(model.provider);
  if (!provider && !table.anyProvider) return `provider ${model.provider} is not enabled`;
  if (provider?.models && !provider.models.has(model.id)) return `not in providers.${model.provider}.models`;
  const { requirements: need, promptTokens, maxTokens } = query;
  if (need.providers && !need.providers.includes(model.provider)) return 'provider not in require.providers';
  if (need.tools && !model.capabilities.tools) return 'no tool calling';
  if (need.vision && !model.capabilities.vision) return 'no image input';
  if (need.json && !model.capabilities.json) return 'no JSON mode';
  const context = Math.max(need.minContextTokens ?? 0, promptTokens);
  if (model.contextWindow < context)
    return `context window ${model.contextWindow} < ${context} tokens needed`;
  if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
    return `maxTokens ${maxTokens} > the model's ${model.maxOutputTokens}`;
  }
  return undefined;
}

// Price caps apply to each offer's own price: a model may be within a cap on one gateway only.
function priceProblem(pricing: ModelPricing, need: ModelRequirements): string | undefined {
  if (
    need.maxInputPricePerMillion !== undefined &&
    pricing.inputPerToken * 1e6 > need.maxInputPricePerMillion
  ) {
    return `input price above ${need.maxInputPricePerMillion} USD/M`;
  }
  if (
    need.maxOutputPricePerMillion !== undefined &&
    pricing.outputPerToken * 1e6 > need.maxOutputPricePerMillion
  ) {
    return `output price above ${need.maxOutputPricePerMillion} USD/M`;
  }
  return undefined;
}

// Offers are fixed for a routing table: a router builds each model's once, in the table's cache,
// and reuses the objects on every call (the hot path then allocates nothing per offer).
function cachedOffers(model: ModelDefinition, table: RoutingTable): readonly Candidate[] {
  let offers = table.offerCache?.get(model.id);
  if (!offers) {
    const built: Candidate[] = [];
    table.gateways.forEach((gateway, rank) => {
      const named = gateway.modelNames[model.id];
      const listedAs = gateway.like ?? gateway.id;
      const gatewayModel = named ?? (gateway.onlyNamed ? undefined : model.gatewayModels[listedAs]);
      // What a gateway serves is known from its own live catalog only (`like` borrows names and prices).
      if (gatewayModel !== undefined && table.catalog.serves?.(gateway.id, gatewayModel) !== false) {
        built.push({
          model,
          gateway: gateway.id,
          gatewayModel,
          pricing: table.catalog.pricing(model, listedAs),
          priceSource: table.catalog.priceSource?.(model, listedAs) ?? {
            source: 'user',
            asOf: table.catalog.date,
          },
          gatewayRank: rank,
        });
      }
    });
    offers = built;
    table.offerCache?.set(model.id, offers);
  }
  return offers;
}

function offersOf(
  model: ModelDefinition,
  table: RoutingTable,
  need: ModelRequirements,
  into: Candidate[],
  excluded?: ExcludedCandidate[],
): void {
  const offers = cachedOffers(model, table);
  const capped = need.maxInputPricePerMillion !== undefined || need.maxOutputPricePerMillion !== undefined;
  for (const offer of offers) {
    const problem = capped ? priceProblem(offer.pricing, need) : undefined;
    if (problem === undefined) into.push(offer);
    else excluded?.push({ model: model.id, gateway: offer.gateway, reason: problem });
  }
  if (excluded && offers.length < table.gateways.length) {
    for (const gateway of table.gateways) {
      if (!offers.some((offer) => offer.gateway === gateway.id)) {
        excluded.push({ model: model.id, gateway: gateway.id, reason: `no name on ${gateway.id}` });
      }
    }
  }
}

function collect(
  table: RoutingTable,
  query: CandidateQuery,
  excluded: ExcludedCandidate[] | undefined,
): Candidate[] {
  const candidates: Candidate[] = [];
  const models = query.models ?? table.catalog.list().map((model) => model.id);
  for (const id of models) {
    const model = table.catalog.get(id);
    if (!model) {
      excluded?.push({ model: id, reason: 'not in the catalog (add it with catalog.models)' });
      continue;
    }
    const problem = modelProblem(model, table, query);
    if (problem) excluded?.push({ model: id, reason: problem });
    else offersOf(model, table, query.requirements, candidates, excluded);
  }
  if (table.gateways.length === 0)
    excluded?.push({
      model: '*',
      reason: 'no gateway is enabled (gateways.litellm, gateways.openrouter, gateways.direct)',
    });
  return candidates;
}

/** Every (model × gateway) that can serve the query, in catalog (or requested) order. */
export function buildCandidates(table: RoutingTable, query: CandidateQuery): CandidateSet {
  const candidates = collect(table, query, undefined);
  if (candidates.length > 0) return { candidates, excluded: [] };
  // Only a failing call needs the reasons; the fast path above allocates none.
  const excluded: ExcludedCandidate[] = [];
  collect(table, query, excluded);
  return { candidates, excluded };
}
