import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_MODELS } from '../../src/catalog/default-catalog-models.ts';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import {
  buildCandidates,
  type CandidateQuery,
  type RoutingTable,
  resolveModelId,
} from '../../src/ranking/build-candidates.ts';
import type { Candidate } from '../../src/ranking/candidate.ts';
import type { ModelRequirements } from '../../src/types/chat.ts';
import type { GatewayId, KnownProviderId, ModelDefinition, ProviderId } from '../../src/types/model.ts';
import type { ModelCatalog } from '../../src/types/model-catalog.ts';

const catalog = createModelCatalog();
const ALL_IDS = catalog.list().map((model) => model.id);
const PROVIDERS: readonly KnownProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];

function table(
  options: {
    catalog?: ModelCatalog;
    providers?: Partial<Record<ProviderId, readonly string[] | undefined>>;
    gateways?: readonly GatewayId[];
    modelNames?: Partial<Record<GatewayId, Record<string, string>>>;
  } = {},
): RoutingTable {
  const providers = new Map<ProviderId, { models: ReadonlySet<string> | undefined }>();
  const enabled = options.providers ?? Object.fromEntries(PROVIDERS.map((id) => [id, undefined]));
  for (const [id, models] of Object.entries(enabled)) {
    providers.set(id as ProviderId, { models: models ? new Set(models) : undefined });
  }
  return {
    catalog: options.catalog ?? catalog,
    providers,
    gateways: (options.gateways ?? ['litellm', 'openrouter']).map((id) => ({
      id,
      modelNames: options.modelNames?.[id] ?? {},
    })),
  };
}

function query(options: Partial<CandidateQuery> & { require?: ModelRequirements } = {}): CandidateQuery {
  return {
    models: options.models,
    requirements: options.require ?? options.requirements ?? {},
    promptTokens: options.promptTokens ?? 10,
    maxTokens: options.maxTokens,
  };
}

/** Distinct model ids among the candidates, in order. */
const modelsOf = (candidates: readonly Candidate[]) => [
  ...new Set(candidates.map((entry) => entry.model.id)),
];
const offersOf = (candidates: readonly Candidate[]) =>
  candidates.map((entry) => `${entry.model.id}@${entry.gateway}`);
const without = (...ids: string[]) => ALL_IDS.filter((id) => !ids.includes(id));

describe('buildCandidates on the bundled catalog', () => {
  it('offers every model on every enabled gateway, in catalog order', () => {
    const { candidates, excluded } = buildCandidates(table(), query());
    expect(candidates).toHaveLength(ALL_IDS.length * 2);
    expect(modelsOf(candidates)).toEqual(ALL_IDS);
    expect(excluded).toEqual([]);
    const haiku = candidates.filter((entry) => entry.model.id === 'anthropic/claude-haiku-4-5');
    expect(
      haiku.map(({ gateway, gatewayModel, gatewayRank }) => ({ gateway, gatewayModel, gatewayRank })),
    ).toEqual([
      { gateway: 'litellm', gatewayModel: 'anthropic/claude-haiku-4-5', gatewayRank: 0 },
      { gateway: 'openrouter', gatewayModel: 'anthropic/claude-haiku-4.5', gatewayRank: 1 },
    ]);
  });

  it('prices each offer at its gateway’s price', () => {
    const { candidates } = buildCandidates(table(), query({ models: ['mistral/mistral-small-latest'] }));
    expect(candidates.map((entry) => [entry.gateway, entry.pricing])).toEqual([
      ['litellm', { inputPerToken: 1e-7, outputPerToken: 3e-7 }],
      ['openrouter', { inputPerToken: 7.5e-8, outputPerToken: 2e-7 }],
    ]);
  });

  it('keeps the caller’s order of requested models', () => {
    const { candidates } = buildCandidates(
      table(),
      query({ models: ['mistral/mistral-small-latest', 'openai/gpt-5.4-nano'] }),
    );
    expect(offersOf(candidates)).toEqual([
      'mistral/mistral-small-latest@litellm',
      'mistral/mistral-small-latest@openrouter',
      'openai/gpt-5.4-nano@litellm',
      'openai/gpt-5.4-nano@openrouter',
    ]);
  });
});

describe('buildCandidates: requirements', () => {
  it('tools: every bundled model calls tools', () => {
    expect(modelsOf(buildCandidates(table(), query({ require: { tools: true } })).candidates)).toEqual(
      ALL_IDS,
    );
  });

  it('vision: leaves out the text-only Cohere models', () => {
    const { candidates } = buildCandidates(table(), query({ require: { vision: true } }));
    expect(modelsOf(candidates)).toEqual(
      without('cohere/command-a-03-2025', 'cohere/command-r-08-2024', 'cohere/command-r7b-12-2024'),
    );
  });

  it('json: leaves out Command R7B only', () => {
    const { candidates } = buildCandidates(table(), query({ require: { json: true } }));
    expect(modelsOf(candidates)).toEqual(without('cohere/command-r7b-12-2024'));
  });

  it('minContextTokens: a window equal to the need passes, a smaller one does not', () => {
    const at200k = modelsOf(
      buildCandidates(table(), query({ require: { minContextTokens: 200_000 } })).candidates,
    );
    expect(at200k).toEqual(
      without('cohere/command-r-08-2024', 'cohere/command-r7b-12-2024', 'mistral/mistral-small-latest'),
    );
    const above200k = modelsOf(
      buildCandidates(table(), query({ require: { minContextTokens: 200_001 } })).candidates,
    );
    expect(above200k).toEqual(
      without(
        'anthropic/claude-sonnet-4-5',
        'anthropic/claude-haiku-4-5',
        'cohere/command-r-08-2024',
        'cohere/command-r7b-12-2024',
        'mistral/mistral-small-latest',
      ),
    );
  });

  it('a prompt larger than a context window leaves the model out, even with a smaller minContextTokens', () => {
    const { candidates } = buildCandidates(
      table(),
      query({ promptTokens: 300_000, require: { minContextTokens: 1_000, providers: ['openai'] } }),
    );
    expect(modelsOf(candidates)).toEqual(['openai/gpt-5.5']);
  });

  it('maxTokens above a model’s maxOutputTokens leaves it out', () => {
    const { candidates } = buildCandidates(table(), query({ maxTokens: 100_000 }));
    expect(modelsOf(candidates)).toEqual([
      'openai/gpt-5.5',
      'openai/gpt-5.4-mini',
      'openai/gpt-5.4-nano',
      'anthropic/claude-opus-4-7',
      'mistral/mistral-medium-latest',
      'mistral/mistral-large-latest',
      'mistral/mistral-small-latest',
    ]);
    // Exactly at the limit is fine.
    const atLimit = buildCandidates(
      table(),
      query({ models: ['cohere/command-r-08-2024'], maxTokens: 4_096 }),
    );
    expect(atLimit.candidates).toHaveLength(2);
  });

  it('price caps compare USD per million tokens', () => {
    const input = buildCandidates(table(), query({ require: { maxInputPricePerMillion: 0.3 } }));
    expect(modelsOf(input.candidates)).toEqual([
      'openai/gpt-5.4-nano',
      'google/gemini-2.5-flash-lite',
      'cohere/command-r-08-2024',
      'cohere/command-r7b-12-2024',
      'mistral/mistral-small-latest',
    ]);
    const output = buildCandidates(table(), query({ require: { maxOutputPricePerMillion: 0.5 } }));
    expect(modelsOf(output.candidates)).toEqual([
      'google/gemini-2.5-flash-lite',
      'cohere/command-r7b-12-2024',
      'mistral/mistral-small-latest',
    ]);
  });

  it('price caps apply to the offer’s own price: a LiteLLM offer above the cap is left out', () => {
    // Mistral Small costs 0.30 USD/M output on LiteLLM (Mistral's price) but 0.20 on OpenRouter.
    const { candidates } = buildCandidates(
      table(),
      query({ models: ['mistral/mistral-small-latest'], require: { maxOutputPricePerMillion: 0.25 } }),
    );
    expect(offersOf(candidates)).toEqual(['mistral/mistral-small-latest@openrouter']);
  });

  it('providers: only the listed providers', () => {
    const { candidates } = buildCandidates(table(), query({ require: { providers: ['cohere', 'mistral'] } }));
    expect(new Set(candidates.map((entry) => entry.model.provider))).toEqual(new Set(['cohere', 'mistral']));
    expect(modelsOf(candidates)).toHaveLength(6);
  });

  it('combines requirements', () => {
    const { candidates } = buildCandidates(
      table(),
      query({
        require: { vision: true, json: true, maxInputPricePerMillion: 0.3, providers: ['google', 'openai'] },
      }),
    );
    expect(modelsOf(candidates)).toEqual(['openai/gpt-5.4-nano', 'google/gemini-2.5-flash-lite']);
  });
});

describe('buildCandidates: router configuration', () => {
  it('a provider missing from the table offers nothing', () => {
    const routing = table({ providers: { openai: undefined, anthropic: undefined } });
    const { candidates } = buildCandidates(routing, query());
    expect(new Set(candidates.map((entry) => entry.model.provider))).toEqual(
      new Set(['openai', 'anthropic']),
    );
    const asked = buildCandidates(routing, query({ models: ['google/gemini-2.5-pro'] }));
    expect(asked.candidates).toEqual([]);
    expect(asked.excluded).toEqual([
      { model: 'google/gemini-2.5-pro', reason: 'provider google is not enabled' },
    ]);
  });

  it('a provider allow-list limits its models', () => {
    const routing = table({ providers: { mistral: ['mistral/mistral-small-latest'] } });
    expect(modelsOf(buildCandidates(routing, query()).candidates)).toEqual(['mistral/mistral-small-latest']);
    const asked = buildCandidates(routing, query({ models: ['mistral/mistral-large-latest'] }));
    expect(asked.candidates).toEqual([]);
    expect(asked.excluded).toEqual([
      { model: 'mistral/mistral-large-latest', reason: 'not in providers.mistral.models' },
    ]);
  });

  it('a gateway’s model-name override replaces the catalog name on that gateway only', () => {
    const routing = table({ modelNames: { litellm: { 'openai/gpt-5.5': 'gpt5-prod' } } });
    const { candidates } = buildCandidates(routing, query({ models: ['openai/gpt-5.5'] }));
    expect(candidates.map((entry) => [entry.gateway, entry.gatewayModel])).toEqual([
      ['litellm', 'gpt5-prod'],
      ['openrouter', 'openai/gpt-5.5'],
    ]);
  });

  describe('a model without a name on a gateway', () => {
    const base = catalog.get('openai/gpt-5.4-nano') as ModelDefinition;
    const proxyOnly: ModelDefinition = {
      ...base,
      id: 'openai/gpt-proxy-only',
      gatewayModels: { litellm: 'gpt-proxy-only', direct: 'gpt-proxy-only' },
    };
    const withProxyOnly = createModelCatalog({ models: [proxyOnly] });

    it('is offered on the other gateways, which keep their rank', () => {
      const routing = table({ catalog: withProxyOnly, gateways: ['litellm', 'openrouter', 'direct'] });
      const { candidates } = buildCandidates(routing, query({ models: ['openai/gpt-proxy-only'] }));
      expect(candidates.map((entry) => [entry.gateway, entry.gatewayRank])).toEqual([
        ['litellm', 0],
        ['direct', 2],
      ]);
    });

    it('is excluded, with the gateway named, when that gateway is the only one', () => {
      const routing = table({ catalog: withProxyOnly, gateways: ['openrouter'] });
      const { candidates, excluded } = buildCandidates(routing, query({ models: ['openai/gpt-proxy-only'] }));
      expect(candidates).toEqual([]);
      expect(excluded).toEqual([
        { model: 'openai/gpt-proxy-only', gateway: 'openrouter', reason: 'no name on openrouter' },
      ]);
    });

    it('is offered when the gateway settings give it a name', () => {
      const routing = table({
        catalog: withProxyOnly,
        gateways: ['openrouter'],
        modelNames: { openrouter: { 'openai/gpt-proxy-only': 'openai/gpt-5.4-nano' } },
      });
      const { candidates } = buildCandidates(routing, query({ models: ['openai/gpt-proxy-only'] }));
      expect(candidates.map((entry) => entry.gatewayModel)).toEqual(['openai/gpt-5.4-nano']);
    });
  });
});

describe('buildCandidates: nothing left', () => {
  it('an unknown model id is excluded with a hint', () => {
    const { candidates, excluded } = buildCandidates(table(), query({ models: ['acme/unknown-1'] }));
    expect(candidates).toEqual([]);
    expect(excluded).toEqual([
      { model: 'acme/unknown-1', reason: 'not in the catalog (add it with catalog.models)' },
    ]);
  });

  it('explains each model’s first failed requirement', () => {
    const { candidates, excluded } = buildCandidates(
      table(),
      query({ require: { vision: true, providers: ['cohere'] } }),
    );
    expect(candidates).toEqual([]);
    expect(excluded).toHaveLength(ALL_IDS.length);
    const reasons = Object.fromEntries(excluded.map((entry) => [entry.model, entry.reason]));
    expect(reasons['openai/gpt-5.5']).toBe('provider not in require.providers');
    expect(reasons['cohere/command-a-03-2025']).toBe('no image input');
    expect(reasons['cohere/command-r7b-12-2024']).toBe('no image input');
  });

  it('names the numbers for context, output and price problems', () => {
    const reasonFor = (require: ModelRequirements, extra: Partial<CandidateQuery> = {}) =>
      buildCandidates(table(), query({ models: ['cohere/command-r-08-2024'], require, ...extra })).excluded;
    expect(reasonFor({ minContextTokens: 200_000 })).toEqual([
      { model: 'cohere/command-r-08-2024', reason: 'context window 128000 < 200000 tokens needed' },
    ]);
    expect(reasonFor({}, { promptTokens: 150_000 })).toEqual([
      { model: 'cohere/command-r-08-2024', reason: 'context window 128000 < 150000 tokens needed' },
    ]);
    expect(reasonFor({}, { maxTokens: 5_000 })).toEqual([
      { model: 'cohere/command-r-08-2024', reason: "maxTokens 5000 > the model's 4096" },
    ]);
    // Price caps are checked per offer, so each gateway's offer gets its own reason.
    expect(reasonFor({ maxInputPricePerMillion: 0.1 })).toEqual([
      { model: 'cohere/command-r-08-2024', gateway: 'litellm', reason: 'input price above 0.1 USD/M' },
      { model: 'cohere/command-r-08-2024', gateway: 'openrouter', reason: 'input price above 0.1 USD/M' },
    ]);
    expect(reasonFor({ maxOutputPricePerMillion: 0.5 })).toEqual([
      { model: 'cohere/command-r-08-2024', gateway: 'litellm', reason: 'output price above 0.5 USD/M' },
      { model: 'cohere/command-r-08-2024', gateway: 'openrouter', reason: 'output price above 0.5 USD/M' },
    ]);
    expect(reasonFor({ json: true }, { models: ['cohere/command-r7b-12-2024'] })).toEqual([
      { model: 'cohere/command-r7b-12-2024', reason: 'no JSON mode' },
    ]);
  });
});

describe('resolveModelId', () => {
  it.each([
    ['openai/gpt-5.4-mini', 'openai/gpt-5.4-mini'],
    ['gpt-5.4-mini', 'openai/gpt-5.4-mini'],
    ['anthropic/claude-haiku-4.5', 'anthropic/claude-haiku-4-5'],
    ['claude-haiku-4-5', 'anthropic/claude-haiku-4-5'],
    ['gemini/gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['cohere_chat/command-a-03-2025', 'cohere/command-a-03-2025'],
    ['cohere/command-a', 'cohere/command-a-03-2025'],
    ['mistralai/mistral-small-3.2-24b-instruct', 'mistral/mistral-small-latest'],
    ['mistralai/mistral-medium-3-5', 'mistral/mistral-medium-latest'],
  ])('%s resolves to %s', (name, id) => {
    expect(resolveModelId(catalog, name)).toBe(id);
  });

  it('returns undefined for a name no gateway uses', () => {
    expect(resolveModelId(catalog, 'gpt-4o')).toBeUndefined();
    expect(resolveModelId(catalog, '')).toBeUndefined();
  });

  it('every gateway name of the bundled catalog resolves to its own model', () => {
    for (const model of DEFAULT_CATALOG_MODELS) {
      for (const name of Object.values(model.gatewayModels))
        if (name !== undefined) expect(resolveModelId(catalog, name)).toBe(model.id);
    }
  });
});
