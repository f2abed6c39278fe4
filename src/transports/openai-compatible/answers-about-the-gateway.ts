import type { FailureScope, GatewayErrorKind } from '../../types/error-kinds.ts';
import type { GatewayId } from '../../types/model.ts';
import type { HttpFailure } from './http-failure.ts';

/**
 * One 4xx answer that is about the gateway (a model it does not know, cannot serve, or cannot route
 * to), not about the request: another gateway may serve the same request, so the call moves on
 * (`model-not-found` falls back and does not count toward a breaker, see `GatewayErrorKind`).
 */
export interface GatewayAnswerRule {
  /** The gateway whose vocabulary this is; `any` for every OpenAI-compatible endpoint. */
  readonly gateway: GatewayId | 'any';
  /** What the answer means, for readers of the table. */
  readonly means: string;
  /**
   * `client-error`: only with a 4xx status other than 429 (words in a 5xx or a rate limit say
   * something else); `any-error`: with any error status (a machine-readable code).
   */
  readonly statuses: 'client-error' | 'any-error';
  readonly matches: (failure: HttpFailure) => boolean;
  readonly kind: GatewayErrorKind;
  readonly scope: FailureScope;
  /** A real answer of this kind (research/litellm.md §1.8, research/peers.md §1.7); the tests use it. */
  readonly example: {
    readonly status: number;
    readonly message: string;
    readonly body?: Readonly<Record<string, unknown>>;
  };
}

const says =
  (pattern: RegExp) =>
  (failure: HttpFailure): boolean =>
    pattern.test(failure.message);

// OpenRouter's `error.availability.code` values that mean the model cannot be served there.
const OPENROUTER_MODEL_GONE = new Set([
  'model_not_found',
  'wrong_endpoint',
  'no_endpoints',
  'model_deprecated',
  'model_unavailable_upstream',
  'privacy_restricted',
  'constraint_filtered',
  'free_variant_ended',
  'region_restricted',
]);

function availabilityCode(failure: HttpFailure): string {
  const availability = failure.body?.availability;
  if (typeof availability !== 'object' || availability === null) return '';
  const code = (availability as Record<string, unknown>).code;
  return typeof code === 'string' ? code : '';
}

/**
 * Every 4xx answer of LiteLLM's and OpenRouter's vocabularies that is about the gateway, not the
 * request, in the order they are checked. The one place that decides it: classification asks this
 * table before the gateway's own refiner and the status defaults (a 400 is otherwise the caller's).
 */
export const ANSWERS_ABOUT_THE_GATEWAY: readonly GatewayAnswerRule[] = [
  {
    gateway: 'openrouter',
    means: 'a slug OpenRouter does not know',
    statuses: 'client-error',
    matches: says(/is not a valid model ID/i),
    kind: 'model-not-found',
    scope: 'gateway',
    example: { status: 400, message: 'openai/gpt-9-preview is not a valid model ID' },
  },
  {
    gateway: 'openrouter',
    means: 'no provider behind OpenRouter can serve the model (error.availability.code)',
    statuses: 'any-error',
    matches: (failure) => OPENROUTER_MODEL_GONE.has(availabilityCode(failure)),
    kind: 'model-not-found',
    scope: 'provider',
    example: {
      status: 404,
      message: 'No endpoints available',
      body: { code: 404, message: 'No endpoints available', availability: { code: 'no_endpoints' } },
    },
  },
  {
    gateway: 'openrouter',
    means: 'routing found no endpoint for the model with these parameters, data policy or provider list',
    statuses: 'client-error',
    matches: says(/No endpoints found|No allowed providers are available|no available model provider/i),
    kind: 'model-not-found',
    scope: 'provider',
    example: { status: 404, message: 'No endpoints found that support tool use.' },
  },
  {
    gateway: 'openrouter',
    means: 'the model was withdrawn or is not offered to this account',
    statuses: 'client-error',
    matches: says(
      /\bmodel\b.*\b(?:is not available|is no longer available|has been deprecated|is deprecated)/i,
    ),
    kind: 'model-not-found',
    scope: 'gateway',
    example: { status: 400, message: 'The model anthropic/claude-2 has been deprecated' },
  },
  {
    gateway: 'litellm',
    means: 'a model name the proxy has no deployment for',
    statuses: 'client-error',
    matches: says(/Invalid model name passed in model|model_group not found/i),
    kind: 'model-not-found',
    scope: 'gateway',
    example: {
      status: 400,
      message:
        '/chat/completions: Invalid model name passed in model=gpt-9. Call `/v1/models` to view available models for your key.',
    },
  },
  {
    gateway: 'litellm',
    means: 'the virtual key or its team may not use this model',
    statuses: 'client-error',
    matches: says(/not allowed to access model|can only access models|does not have access to model/i),
    kind: 'model-not-found',
    scope: 'gateway',
    example: {
      status: 401,
      message:
        "Authentication Error - key not allowed to access model. This key can only access models=['gpt-4o']. Tried to access gpt-9",
    },
  },
  {
    gateway: 'litellm',
    means: 'the proxy cannot tell which provider serves the model (misconfigured deployment)',
    statuses: 'client-error',
    matches: says(/LLM Provider NOT provided/i),
    kind: 'model-not-found',
    scope: 'gateway',
    example: {
      status: 400,
      message:
        'litellm.BadRequestError: LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model=gpt-9',
    },
  },
  {
    gateway: 'any',
    means: 'the endpoint (or the provider behind a proxy) does not know the model',
    statuses: 'client-error',
    matches: says(
      /model_not_found|The model `?[^`\s]*`? does not exist|model .{0,80} (?:does not exist|not found)|Unknown model/i,
    ),
    kind: 'model-not-found',
    scope: 'provider',
    example: {
      status: 400,
      message:
        'litellm.BadRequestError: OpenAIException - The model `gpt-9` does not exist or you do not have access to it.',
    },
  },
];

/** The rule of the table that reads `failure` as being about `gateway`, if any. */
export function findGatewayAnswer(gateway: GatewayId, failure: HttpFailure): GatewayAnswerRule | undefined {
  if (failure.status < 400) return undefined;
  const clientError = failure.status < 500 && failure.status !== 429;
  for (const rule of ANSWERS_ABOUT_THE_GATEWAY) {
    if (rule.statuses === 'client-error' && !clientError) continue;
    if ((rule.gateway === 'any' || rule.gateway === gateway) && rule.matches(failure)) return rule;
  }
  return undefined;
}
