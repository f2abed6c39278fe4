import OpenAI, { type APIError, type ClientOptions } from 'openai';
import { checkSettings, hasMethods } from '../errors/check-settings.ts';
import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import type { Router } from '../router/router.ts';
import type { ModelRequirements } from '../types/chat.ts';
import { createRouterFetch } from './create-router-fetch.ts';
import { routerOpenAIClientSettingsSchema } from './router-openai-client-settings.ts';

/** What `createRouterOpenAIClient()` takes. */
export interface RouterOpenAIClientSettings {
  /** `user` of requests that send none: owner of BYOK keys, and who the usage is attributed to. */
  readonly user?: string;
  /** Labels on every request's usage record, sent to LiteLLM as spend tags. */
  readonly tags?: readonly string[];
  /** Requirements every candidate must meet (with `model: 'auto'`, the router chooses among these). */
  readonly require?: ModelRequirements;
  /** Deadline of each call in the router, every attempt included. @default the router's `timeoutMs` */
  readonly timeoutMs?: number;
  /** Wait up to this long for a rate limit to free up instead of failing. @default 0 */
  readonly waitForHeadroomMs?: number;
  /**
   * Retries of the openai client itself, on errors the router marks retryable. The router has
   * already retried and fallen back. @default 0
   */
  readonly maxRetries?: number;
  /** The openai client's own timeout of a request, ms. @default 600_000 (the client's default) */
  readonly timeout?: number;
  /** The openai client's logger and level (`ClientOptions.logger`, `logLevel`). */
  readonly logger?: ClientOptions['logger'];
  readonly logLevel?: ClientOptions['logLevel'];
}

// The base URL never leaves the process: the client's fetch is the router.
const BASE_URL = 'http://llm-router.invalid/v1';

/**
 * An `openai` client whose HTTP layer is the router: keeps the router's typed error (`cause`) on
 * the error classes the client makes from the router's HTTP answers.
 */
class RouterOpenAI extends OpenAI {
  readonly #failures: WeakMap<Headers, unknown>;

  constructor(options: ClientOptions, failures: WeakMap<Headers, unknown>) {
    super(options);
    this.#failures = failures;
  }

  protected override makeStatusError(
    status: number,
    error: object,
    message: string | undefined,
    headers: Headers,
  ): APIError {
    const made = super.makeStatusError(status, error, message, headers);
    const cause = this.#failures.get(headers);
    if (cause !== undefined)
      Object.defineProperty(made, 'cause', { value: cause, configurable: true, writable: true });
    return made;
  }
}

/**
 * Creates an `openai` client (the real class, so every type and helper fits) whose
 * `chat.completions.create` goes through the router: ranking, breakers, fallback, limits and the
 * usage ledger. Code written for the openai client changes one line. `model` is a router model id
 * (`openai/gpt-5.4-mini`, or a gateway name) or `'auto'` to let the router choose.
 *
 * Parameters it cannot honour (`n` > 1, `logprobs`, `audio`, `stop`, `top_p`, …) throw
 * `BadRequestError` whose `param` names the parameter; router errors become the client's error
 * classes (`RateLimitError`, `BadRequestError`, `InternalServerError`, …) with the router's typed
 * error as `cause`. Other endpoints answer 404.
 *
 * @example
 * import { createRouterOpenAIClient, routerMetadataOf } from '@bestviable/llm-router/openai';
 *
 * const openai = createRouterOpenAIClient(router); // was: new OpenAI()
 * const completion = await openai.chat.completions.create({
 *   model: 'openai/gpt-5.4-mini',
 *   messages: [{ role: 'user', content: 'Summarise this ticket' }],
 * });
 * routerMetadataOf(completion); // { callId, route, cost, attempts, fallback, latencyMs }
 */
export function createRouterOpenAIClient(
  router: Pick<Router, 'chat' | 'stream'>,
  settings: RouterOpenAIClientSettings = {},
): OpenAI {
  const factory = 'createRouterOpenAIClient';
  if (!hasMethods('chat', 'stream')(router)) {
    throw new InvalidSettingsError({
      factory,
      issues: [{ setting: 'router', problem: 'expected a router from createRouter() (chat() and stream())' }],
    });
  }
  checkSettings(routerOpenAIClientSettingsSchema, settings, factory);
  const { maxRetries = 0, timeout, logger, logLevel, ...defaults } = settings;
  const failures = new WeakMap<Headers, unknown>();
  const fetch = createRouterFetch(router, defaults, (response, error) =>
    failures.set(response.headers, error),
  );
  return new RouterOpenAI(
    {
      apiKey: 'llm-router',
      baseURL: BASE_URL,
      organization: null,
      project: null,
      fetch,
      maxRetries,
      ...(timeout === undefined ? {} : { timeout }),
      ...(logger === undefined ? {} : { logger }),
      ...(logLevel === undefined ? {} : { logLevel }),
    },
    failures,
  );
}
