import { APICallError, InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { describe, expect, test } from 'vitest';
import { createRouterProvider } from '../../src/ai-sdk/index.ts';
import {
  AllCandidatesFailedError,
  CallAbortedError,
  InvalidRequestError,
  InvalidSettingsError,
  LimitExceededError,
  NoCandidatesError,
  RequestRejectedError,
  type Router,
} from '../../src/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('router errors as AI SDK errors (the router error kept as cause)', () => {
  test('a rejected request is a non-retryable APICallError: the AI SDK does not retry it (default maxRetries)', async () => {
    const { router, litellm, openrouter } = await startGateways();
    litellm.fail({ status: 400, message: 'messages[0].content is too long' });
    const llm = createRouterProvider(router);

    const error = await failure(generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'too long' }));

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.isRetryable).toBe(false);
    expect(apiError.statusCode).toBe(400);
    expect(RequestRejectedError.isInstance(apiError.cause)).toBe(true);
    expect(apiError.url).toBe(`llm-router:${(apiError.cause as RequestRejectedError).callId}`);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests).toHaveLength(0);
  });

  test("every candidate rate-limited: retryable, status 429, and the router's retryAfterMs as retry-after-ms", async () => {
    const { router, litellm, openrouter } = await startGateways({ retry: { maxRetries: 0 } });
    litellm.fail({ status: 429, retryAfterSeconds: 3 });
    openrouter.fail({ status: 429, retryAfterSeconds: 1 });
    const llm = createRouterProvider(router);

    const error = (await failure(
      generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'busy?', maxRetries: 0 }),
    )) as APICallError;

    expect(AllCandidatesFailedError.isInstance(error.cause)).toBe(true);
    expect(error.isRetryable).toBe(true);
    expect(error.statusCode).toBe(429);
    expect(error.responseHeaders).toEqual({ 'retry-after-ms': '1000' });
  });

  test('every gateway unreachable: AllCandidatesFailedError under a non-retryable APICallError', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    await litellm.down();
    await openrouter.down();
    const llm = createRouterProvider(router);

    const error = (await failure(
      generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'anyone?' }),
    )) as APICallError;

    expect(AllCandidatesFailedError.isInstance(error.cause)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ status: 'error' });
  });

  test('a limit with no headroom: 429 APICallError carrying the LimitExceededError and its wait', async () => {
    const { router } = await startGateways({ limits: { users: { 'user-1': { requestsPerDay: 1 } } } });
    const llm = createRouterProvider(router, { user: 'user-1' });
    await generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'first' });

    const error = (await failure(
      generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'second', maxRetries: 0 }),
    )) as APICallError;

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(429);
    const cause = error.cause as LimitExceededError;
    expect(LimitExceededError.isInstance(cause)).toBe(true);
    expect(cause).toMatchObject({ scope: 'user:user-1', limit: 'requestsPerDay' });
    expect(error.isRetryable).toBe(cause.isRetryable);
    expect(error.responseHeaders?.['retry-after-ms']).toBe(String(cause.retryAfterMs));
  });

  test('an unknown model is an APICallError whose cause is NoCandidatesError; nothing is sent', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    const error = (await failure(
      generateText({ model: llm('acme/unknown-9'), prompt: 'hi' }),
    )) as APICallError;

    expect(NoCandidatesError.isInstance(error.cause)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(litellm.chatRequests).toHaveLength(0);
  });

  test('bad per-call router options are an InvalidArgumentError naming the option', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    const error = await failure(
      generateText({
        model: llm('openai/gpt-5.4-mini'),
        prompt: 'hi',
        providerOptions: { llmRouter: { user: '' } },
      }),
    );

    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('user');
    expect(InvalidRequestError.isInstance((error as InvalidArgumentError).cause)).toBe(true);
    expect(litellm.chatRequests).toHaveLength(0);
  });

  test('an abort signal ends a call waiting on its gateway: CallAbortedError under the APICallError, recorded as aborted', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.fail({ hang: true });
    const llm = createRouterProvider(router);
    const controller = new AbortController();

    const pending = failure(
      generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'wait', abortSignal: controller.signal }),
    );
    for (let round = 0; round < 1000 && litellm.chatRequests.length === 0; round++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const error = (await pending) as APICallError;

    expect(CallAbortedError.isInstance(error.cause)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ status: 'aborted' });
  });

  test('provider and model settings are checked when created', async () => {
    const { router } = await startGateways();
    expect(() => createRouterProvider({} as Router)).toThrow(InvalidSettingsError);
    expect(() => createRouterProvider(router, { user: '' })).toThrow(/user/);
    expect(() => createRouterProvider(router, { tagz: ['x'] } as never)).toThrow(/tagz: unknown setting/);
    const llm = createRouterProvider(router);
    expect(() => llm('')).toThrow(/modelId/);
    expect(() => llm('openai/gpt-5.4-mini', { timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => llm.embeddingModel('text-embedding-3-small')).toThrow(NoSuchModelError);
    expect(llm.languageModel('openai/gpt-5.4-mini')).toMatchObject({
      specificationVersion: 'v4',
      provider: 'llm-router',
      modelId: 'openai/gpt-5.4-mini',
    });
    expect(llm(['openai/gpt-5.4-mini', 'anthropic/claude-haiku-4-5']).modelId).toBe(
      'openai/gpt-5.4-mini,anthropic/claude-haiku-4-5',
    );
  });
});
