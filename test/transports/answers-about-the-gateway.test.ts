import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  GatewayError,
  type GatewayId,
  type RankingInput,
  RequestRejectedError,
} from '../../src/index.ts';
import { startLiteLLMServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { refineLiteLLMFailure } from '../../src/transports/litellm/create-litellm-transport.ts';
import { ANSWERS_ABOUT_THE_GATEWAY } from '../../src/transports/openai-compatible/answers-about-the-gateway.ts';
import {
  classifyHttpFailure,
  type FailureContext,
  type HttpFailureRefiner,
  readHttpFailure,
} from '../../src/transports/openai-compatible/classify-http-failure.ts';
import { refineOpenRouterFailure } from '../../src/transports/openrouter/create-openrouter-transport.ts';
import { collect } from '../helpers/events.ts';
import { LITELLM_KEY, OPENROUTER_KEY } from '../helpers/gateways.ts';

// A 4xx answer about the gateway (a model it does not know, cannot serve or cannot route to) is
// not the caller's fault: the call moves to the next candidate. A 4xx about the request stops it.

const REFINERS: Record<GatewayId, HttpFailureRefiner | undefined> = {
  litellm: refineLiteLLMFailure,
  openrouter: refineOpenRouterFailure,
  direct: undefined,
};

function contextFor(gateway: GatewayId): FailureContext {
  return {
    gateway,
    provider: 'openai',
    model: 'openai/gpt-9',
    signal: new AbortController().signal,
    secrets: [],
    usedProviderKey: false,
    defaultScope: 'gateway',
    now: 0,
  };
}

/** How the gateway's own transport classifies an HTTP error answer with this status and body. */
function classify(gateway: GatewayId, status: number, body: Record<string, unknown>): GatewayError {
  const failure = readHttpFailure(status, JSON.stringify({ error: body }), new Headers());
  return classifyHttpFailure(failure, contextFor(gateway), REFINERS[gateway]);
}

describe('the table of answers about the gateway', () => {
  const gatewaysOf = (gateway: GatewayId | 'any'): GatewayId[] =>
    gateway === 'any' ? ['litellm', 'openrouter', 'direct'] : [gateway];
  const rows = ANSWERS_ABOUT_THE_GATEWAY.flatMap((rule) =>
    gatewaysOf(rule.gateway).map((gateway) => ({ gateway, rule })),
  );

  test.each(rows)('$gateway: $rule.means → $rule.kind, the call moves on', ({ gateway, rule }) => {
    const body = rule.example.body ?? { message: rule.example.message };
    const error = classify(gateway, rule.example.status, body);
    expect(error.kind).toBe(rule.kind);
    expect(error.scope).toBe(rule.scope);
    // The router's decision table for that kind: fall back, no breaker failure.
    expect(error.isFinal).toBe(false);
    expect(error.countsTowardBreaker).toBe(false);
  });

  test.each([
    ['openrouter', 400, 'messages: Field required'],
    ['openrouter', 400, "Invalid value for 'temperature': expected a number between 0 and 2"],
    [
      'litellm',
      400,
      "litellm.BadRequestError: OpenAIException - Invalid 'messages[0].content': string too long",
    ],
    [
      'litellm',
      422,
      'litellm.UnprocessableEntityError: tools.0.function.parameters is not a valid JSON schema',
    ],
    ['direct', 400, 'Unrecognized request argument supplied: modle'],
  ] as const)('%s %i "%s" is the request itself: it stops the call', (gateway, status, message) => {
    const error = classify(gateway, status, { message });
    expect(error.kind).toBe('invalid-request');
    expect(error.isFinal).toBe(true);
  });

  test('an answer about the gateway wins over its status: LiteLLM 401 "not allowed to access model" is not a bad key', () => {
    const rule = ANSWERS_ABOUT_THE_GATEWAY.find((entry) => entry.example.status === 401);
    const error = classify('litellm', 401, { message: rule?.example.message, type: 'auth_error' });
    expect(error.kind).toBe('model-not-found');
  });

  test('a machine-readable code counts with any status; words only with a 4xx', () => {
    const body = { message: 'No endpoints', availability: { code: 'constraint_filtered' } };
    expect(classify('openrouter', 503, body).kind).toBe('model-not-found');
    // A 503 whose text happens to say "does not exist" is still an outage.
    expect(classify('openrouter', 503, { message: 'The model `x` does not exist right now' }).kind).toBe(
      'unavailable',
    );
  });

  test('the same words from another gateway are not read as its vocabulary', () => {
    // "is not a valid model ID" is OpenRouter's phrase; LiteLLM never says it about a model.
    expect(classify('litellm', 400, { message: 'foo is not a valid model ID' }).kind).toBe('invalid-request');
  });
});

describe('OpenRouter "<id> is not a valid model ID" through the real transport', () => {
  // OpenRouter is ranked first; it knows no model (its loopback answers 400 "… is not a valid model ID").
  const openRouterFirst = (inputs: readonly RankingInput[]) =>
    [...inputs].sort(
      (a, b) => Number(b.candidate.gateway === 'openrouter') - Number(a.candidate.gateway === 'openrouter'),
    );

  async function start() {
    const litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY });
    const openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY, models: ['someone/else'] });
    const router = createRouter({
      logger: false,
      ranking: openRouterFirst,
      retry: { maxRetries: 0 },
      gateways: {
        litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY },
        openrouter: { baseURL: openrouter.baseURL, apiKey: OPENROUTER_KEY },
      },
    });
    const close = async () => {
      await router.close();
      await litellm.close();
      await openrouter.close();
    };
    return { router, litellm, openrouter, close };
  }

  const call = { model: 'openai/gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

  test('with OpenRouter ranked first, LiteLLM answers', async () => {
    const { router, openrouter, close } = await start();
    try {
      const fallbacks = collect(router, 'fallback');
      const reply = await router.chat(call);
      expect(reply.route.gateway).toBe('litellm');
      expect(openrouter.chatCount).toBe(1);
      expect(reply.attempts[0]?.error).toMatchObject({
        kind: 'model-not-found',
        gateway: 'openrouter',
        status: 400,
      });
      expect(fallbacks.map((event) => event.reason)).toEqual(['model-not-found']);
      const streamed = await router.stream(call).result;
      expect(streamed.route.gateway).toBe('litellm');
    } finally {
      await close();
    }
  });

  test('with LiteLLM down, the caller is not told to fix the request', async () => {
    const { router, litellm, close } = await start();
    try {
      await litellm.down();
      const error = await router.chat(call).catch((caught: unknown) => caught);
      expect(RequestRejectedError.isInstance(error)).toBe(false);
      expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
      expect((error as AllCandidatesFailedError).errors.map((entry) => entry.kind)).toEqual([
        'model-not-found',
        'connection-refused',
      ]);
      expect(GatewayError.isInstance((error as AllCandidatesFailedError).errors[0])).toBe(true);
    } finally {
      await close();
    }
  });
});
