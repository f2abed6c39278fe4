import * as z from 'zod/mini';
import { whole } from '../errors/check-settings.ts';
import type { ModelRequirements } from '../types/chat.ts';

/**
 * Call options that a provider, one of its models, or a single call (`providerOptions.llmRouter`)
 * can set. A model's value replaces the provider's, a call's replaces the model's; `tags` add up.
 */
export interface RouterCallDefaults {
  /** Who the calls are for: owner of BYOK keys, and who the usage is attributed to. */
  readonly user?: string;
  /** Labels on the usage records, sent to LiteLLM as spend tags. */
  readonly tags?: readonly string[];
  /** Deadline of each call, every attempt and retry included. @default the router's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Wait up to this long for a rate limit to free up instead of failing. @default 0 */
  readonly waitForHeadroomMs?: number;
}

/** What `createRouterProvider()` takes. */
export interface RouterProviderSettings extends RouterCallDefaults {
  /** The models' `provider` as the AI SDK reports it (logs, telemetry). @default 'llm-router' */
  readonly name?: string;
}

/** What `provider(modelId, options)` and `provider.auto(require, options)` take. */
export interface RouterModelOptions extends RouterCallDefaults {
  /** Requirements every candidate must meet, on top of what each call implies (tools, images, JSON). */
  readonly require?: ModelRequirements;
}

/**
 * `providerOptions.llmRouter` of one AI SDK call: per-call attribution and limits. Any other key is
 * reported as a warning and ignored.
 *
 * @example
 * await generateText({ model, prompt, providerOptions: { llmRouter: { user: 'user-42', tags: ['support'] } } });
 */
export interface RouterCallOptions extends RouterModelOptions {
  /** Your own id for the call (sent to LiteLLM as `x-litellm-call-id`). Generated when absent. */
  readonly callId?: string;
}

/** The `providerOptions` and `providerMetadata` key of the router. */
export const ROUTER_PROVIDER_KEY = 'llmRouter';

const defaultsShape = {
  user: z.optional(z.string().check(z.minLength(1, 'expected a non-empty user id'))),
  tags: z.optional(z.readonly(z.array(z.string()))),
  timeoutMs: z.optional(
    z
      .number()
      .check(whole('expected a whole number of milliseconds'), z.positive(), z.maximum(2_147_483_647)),
  ),
  waitForHeadroomMs: z.optional(
    z
      .number()
      .check(whole('expected a whole number of milliseconds'), z.nonnegative(), z.maximum(2_147_483_647)),
  ),
};

/** Checks `createRouterProvider()` settings once. */
export const providerSettingsSchema = z.strictObject({
  ...defaultsShape,
  name: z.optional(z.string().check(z.minLength(1))),
});

/** Checks a model's options once, when the model is created (requirements are checked per call by the router). */
export const modelOptionsSchema = z.strictObject({
  ...defaultsShape,
  require: z.optional(z.record(z.string(), z.unknown())),
});
