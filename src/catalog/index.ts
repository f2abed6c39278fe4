/**
 * `@bestviable/llm-router/catalog`: the model catalog on its own: the bundled, dated models and
 * prices, cost and token estimates, the ranking the router uses, and the gateways' default base
 * URLs. The `ModelCatalog` and `ModelDefinition` types are exported by the root entry.
 * @packageDocumentation
 */

export { availabilityScore, rankCandidates } from '../ranking/rank-candidates.ts';
export { DEFAULT_LITELLM_BASE_URL } from '../transports/litellm/create-litellm-transport.ts';
export { DEFAULT_OPENROUTER_BASE_URL } from '../transports/openrouter/create-openrouter-transport.ts';
export { computeCostUsd } from './compute-cost.ts';
export { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from './default-catalog-models.ts';
export { estimatePromptTokens } from './estimate-tokens.ts';
export { createModelCatalog } from './model-catalog.ts';
