import * as z from 'zod/mini';
import { createSystemClock } from '../../clock/create-system-clock.ts';
import { checkSettings, clockSchema, whole } from '../../errors/check-settings.ts';
import type { Clock } from '../../types/clock.ts';
import type { KeyValidationRequest, KeyValidationResult, KeyValidator } from '../../types/key-validator.ts';
import { isKnownProvider, type KnownProviderId } from '../../types/model.ts';
import {
  interpretAnthropic,
  interpretCohere,
  interpretGemini,
  interpretMistral,
  interpretOpenAI,
} from './interpret-answers.ts';
import { ClientTimeoutError, createProbeSdks, PROBES } from './probes.ts';
import type { ProviderAnswer } from './provider-answer.ts';

/** The public API roots the validator calls by default. */
export const DEFAULT_VALIDATION_BASE_URLS: Readonly<Record<KnownProviderId, string>> = {
  openai: 'https://api.openai.com',
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
  cohere: 'https://api.cohere.com',
  mistral: 'https://api.mistral.ai',
};

/** Settings of `createKeyValidator()`. */
export interface KeyValidatorSettings {
  /**
   * API root per provider, without a version segment (the validator appends `/v1/models`,
   * `/v1beta/models`, `/v1/check-api-key`). Point them at loopback servers in tests.
   * @default DEFAULT_VALIDATION_BASE_URLS
   */
  readonly baseURLs?: Partial<Record<KnownProviderId, string>>;
  /**
   * How long one validation call may take before it counts as `unverified` / `timeout`, ms.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /** The fetch used by every call (SDK clients included). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Drives the timeout. @default the system clock */
  readonly clock?: Clock;
}

type Interpreter = (answer: ProviderAnswer, secrets: readonly string[], now: number) => KeyValidationResult;

const INTERPRETERS: Readonly<Record<KnownProviderId, Interpreter>> = {
  openai: interpretOpenAI,
  mistral: interpretMistral,
  anthropic: interpretAnthropic,
  google: interpretGemini,
  cohere: interpretCohere,
};

const httpUrl = z.optional(
  z.string().check(
    z.refine((value) => /^https?:\/\/[^\s/]+/.test(value), {
      message: 'expected an http(s) URL, e.g. "https://api.openai.com"',
    }),
  ),
);

const settingsSchema = z.strictObject({
  baseURLs: z.optional(
    z.strictObject({
      openai: httpUrl,
      anthropic: httpUrl,
      google: httpUrl,
      cohere: httpUrl,
      mistral: httpUrl,
    }),
  ),
  timeoutMs: z.optional(
    z
      .number({ message: 'expected a number of milliseconds' })
      .check(
        whole('expected a whole number of milliseconds'),
        z.positive('expected a positive number of milliseconds'),
      ),
  ),
  fetch: z.optional(
    z.custom((value) => typeof value === 'function', { message: 'expected a fetch function' }),
  ),
  clock: z.optional(clockSchema),
});

/**
 * Checks provider keys with each provider's cheapest authenticated call, spending no tokens:
 * OpenAI and Mistral `GET /v1/models` (through the `openai` client), Anthropic `GET /v1/models`
 * (through `@anthropic-ai/sdk`), Gemini `GET /v1beta/models`, Cohere `POST /v1/check-api-key`.
 * No retries: a failure to check is reported as `unverified`, never as `invalid`.
 *
 * The two SDKs are optional peer dependencies, imported on the first check that needs one;
 * `validate()` rejects with `MissingDependencyError` when it is not installed
 * (`npm i openai` / `npm i @anthropic-ai/sdk`).
 *
 * @example
 * const validator = createKeyValidator({ timeoutMs: 5000 });
 * const result = await validator.validate({ provider: 'openai', apiKey: new SecretKey(key) });
 * if (result.status === 'invalid') console.warn(`rejected: ${result.reason}`);
 */
export function createKeyValidator(settings: KeyValidatorSettings = {}): KeyValidator {
  checkSettings(settingsSchema, settings, 'createKeyValidator()');
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const clock = settings.clock ?? createSystemClock();
  const baseURLs = { ...DEFAULT_VALIDATION_BASE_URLS, ...settings.baseURLs };
  const sdks = createProbeSdks();

  return {
    async validate({ provider, apiKey }: KeyValidationRequest): Promise<KeyValidationResult> {
      const prepare = isKnownProvider(provider) ? PROBES[provider] : undefined;
      const interpret = isKnownProvider(provider) ? INTERPRETERS[provider] : undefined;
      if (!prepare || !interpret || !isKnownProvider(provider))
        throw new TypeError(`KeyValidator: unknown provider "${String(provider)}".`);
      // Before the clock starts, and outside the catch below: a missing SDK is the caller's to fix
      // (MissingDependencyError), not an `unverified` key.
      const probe = await prepare(sdks);
      const secret = apiKey.reveal();
      const controller = new AbortController();
      let timedOut = false;
      const timer = clock.setTimer(() => {
        timedOut = true;
        controller.abort(new Error(`Key validation took longer than ${timeoutMs} ms.`));
      }, timeoutMs);
      try {
        const answer = await probe({
          baseURL: baseURLs[provider],
          apiKey: secret,
          signal: controller.signal,
          timeoutMs,
          fetch: settings.fetch,
        });
        return interpret(answer, [secret], clock.now());
      } catch (error) {
        // No answer came. The error itself is dropped: its message may quote a URL or the request.
        if (timedOut || error instanceof ClientTimeoutError)
          return { status: 'unverified', reason: 'timeout' };
        return { status: 'unverified', reason: 'network' };
      } finally {
        timer.cancel();
      }
    },
  };
}
