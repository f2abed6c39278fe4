import type { LanguageModelV4, ProviderV4 } from '@ai-sdk/provider';
import { NoSuchModelError } from '@ai-sdk/provider';
import { checkSettings, hasMethods } from '../errors/check-settings.ts';
import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import type { Router } from '../router/router.ts';
import type { ModelRequirements } from '../types/chat.ts';
import { createRouterLanguageModel } from './create-router-language-model.ts';
import {
  modelOptionsSchema,
  providerSettingsSchema,
  type RouterModelOptions,
  type RouterProviderSettings,
} from './router-provider-settings.ts';

/**
 * An AI SDK provider whose language models are the router. Call it with a catalog id (or a list
 * of acceptable ones) for a named model, or use `auto(requirements)` to let the router choose.
 */
export interface RouterProvider extends ProviderV4 {
  /** A model that routes to this catalog id (`openai/gpt-5.4-mini`), or to any of these ids. */
  (modelId: string | readonly string[], options?: RouterModelOptions): LanguageModelV4;
  /** The same as calling the provider; what `createProviderRegistry()` uses. */
  languageModel(modelId: string, options?: RouterModelOptions): LanguageModelV4;
  /**
   * A model that lets the router choose, for every call, among all models meeting `require` (plus
   * what the call implies: tools, images, JSON), ranked by the router's policy. Its `modelId` is
   * `auto`; each result's `response.modelId` names the model that answered.
   */
  auto(require?: ModelRequirements, options?: Omit<RouterModelOptions, 'require'>): LanguageModelV4;
}

const FACTORY = 'createRouterProvider';

function checkModelId(modelId: unknown): asserts modelId is string | readonly string[] {
  const ok =
    (typeof modelId === 'string' && modelId.length > 0) ||
    (Array.isArray(modelId) &&
      modelId.length > 0 &&
      modelId.every((entry) => typeof entry === 'string' && entry.length > 0));
  if (!ok) {
    throw new InvalidSettingsError({
      factory: 'provider(modelId)',
      issues: [
        {
          setting: 'modelId',
          problem: "expected a catalog id such as 'openai/gpt-5.4-mini', or a non-empty array of them",
        },
      ],
    });
  }
}

/**
 * Creates an AI SDK provider backed by `router`. Agents written against the AI SDK switch by
 * changing their `model:` line; calls then get the router's ranking, fallback, limits and ledger.
 *
 * @example
 * import { generateText } from 'ai';
 * import { createRouterProvider } from '@bestviable/llm-router/ai-sdk';
 *
 * const llm = createRouterProvider(router, { user: 'user-42' });
 * const { text, providerMetadata } = await generateText({
 *   model: llm('openai/gpt-5.4-mini'), // or llm.auto({ tools: true, minContextTokens: 64_000 })
 *   prompt: 'Summarise this ticket',
 *   maxRetries: 0, // the router already retried and fell back
 * });
 * providerMetadata?.llmRouter; // { callId, route, cost, attempts, fallback, latencyMs }
 */
export function createRouterProvider(
  router: Pick<Router, 'chat' | 'stream'>,
  settings: RouterProviderSettings = {},
): RouterProvider {
  if (!hasMethods('chat', 'stream')(router)) {
    throw new InvalidSettingsError({
      factory: FACTORY,
      issues: [{ setting: 'router', problem: 'expected a router from createRouter() (chat() and stream())' }],
    });
  }
  checkSettings(providerSettingsSchema, settings, FACTORY);
  const { name = 'llm-router', ...defaults } = settings;

  const create = (
    modelId: string,
    model: string | readonly string[] | undefined,
    options: RouterModelOptions = {},
  ): LanguageModelV4 => {
    checkSettings(modelOptionsSchema, options, `${FACTORY}: model options`);
    const tags = [...(defaults.tags ?? []), ...(options.tags ?? [])];
    return createRouterLanguageModel(router, name, modelId, {
      model,
      options: { ...defaults, ...options, ...(tags.length > 0 ? { tags: [...new Set(tags)] } : {}) },
    });
  };

  const named = (modelId: string | readonly string[], options?: RouterModelOptions): LanguageModelV4 => {
    checkModelId(modelId);
    return create(typeof modelId === 'string' ? modelId : modelId.join(','), modelId, options);
  };
  const unsupported = (modelType: 'embeddingModel' | 'imageModel') => (modelId: string) => {
    throw new NoSuchModelError({
      modelId,
      modelType,
      message: `llm-router routes chat models only; ${modelType} "${modelId}" is not available.`,
    });
  };

  return Object.assign(named, {
    specificationVersion: 'v4' as const,
    languageModel: (modelId: string, options?: RouterModelOptions) => named(modelId, options),
    auto: (require?: ModelRequirements, options: Omit<RouterModelOptions, 'require'> = {}) =>
      create('auto', undefined, { ...options, ...(require === undefined ? {} : { require }) }),
    embeddingModel: unsupported('embeddingModel'),
    imageModel: unsupported('imageModel'),
  });
}
