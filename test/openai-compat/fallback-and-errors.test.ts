import OpenAI, {
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  LimitExceededError,
  NoCandidatesError,
  RequestRejectedError,
  StreamInterruptedError,
} from '../../src/index.ts';
import { createRouterOpenAIClient, routerMetadataOf } from '../../src/openai-compat/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

const ask = { model: 'openai/gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('fallback and errors through the routed openai client', () => {
  test('LiteLLM down: the completion comes from OpenRouter, recorded once', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    await litellm.down();
    const client = createRouterOpenAIClient(router);

    const completion = await client.chat.completions.create(ask);

    expect(completion.choices[0]?.message.content).toBe('echo: hello');
    expect(routerMetadataOf(completion)).toMatchObject({
      route: { gateway: 'openrouter' },
      fallback: true,
      attempts: [{ route: { gateway: 'litellm' }, error: { kind: 'connection-refused' } }, { outcome: 'ok' }],
    });
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ gateway: 'openrouter', fallback: true, status: 'ok' });
  });

  test('a stream whose first gateway fails before content comes from the next one', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.fail({ status: 503 }, { stream: true });
    const client = createRouterOpenAIClient(router);

    const stream = await client.chat.completions.create({ ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

    expect(text).toBe('echo: hello');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ gateway: 'openrouter', fallback: true, stream: true });
  });

  test('a rejected request is a BadRequestError with the RequestRejectedError as cause, not retried', async () => {
    const { router, litellm, openrouter } = await startGateways();
    litellm.fail({ status: 400, message: 'bad message' });
    const client = createRouterOpenAIClient(router, { maxRetries: 2 });

    const error = await client.chat.completions.create(ask).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    const cause = (error as Error).cause as RequestRejectedError;
    expect(RequestRejectedError.isInstance(cause)).toBe(true);
    expect((error as BadRequestError).requestID).toBe(cause.callId);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests).toHaveLength(0);
  });

  test('every gateway failing is an InternalServerError (503) with AllCandidatesFailedError as cause', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    await litellm.down();
    await openrouter.down();
    const client = createRouterOpenAIClient(router);

    const error = await client.chat.completions.create(ask).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(503);
    expect((error as InternalServerError).code).toBe('all_candidates_failed');
    expect(AllCandidatesFailedError.isInstance((error as Error).cause)).toBe(true);
    expect(usage).toHaveLength(1);
  });

  test('a configured limit without headroom is a RateLimitError with retry-after-ms and the LimitExceededError', async () => {
    const { router } = await startGateways({ limits: { users: { 'user-1': { requestsPerMinute: 1 } } } });
    const client = createRouterOpenAIClient(router, { user: 'user-1' });
    await client.chat.completions.create(ask);

    const error = (await client.chat.completions
      .create(ask)
      .catch((caught: unknown) => caught)) as RateLimitError;

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('rate_limit_exceeded');
    const cause = error.cause as LimitExceededError;
    expect(LimitExceededError.isInstance(cause)).toBe(true);
    expect(error.headers?.get('retry-after-ms')).toBe(String(cause.retryAfterMs));
  });

  test('an unknown model is a BadRequestError (param model) with NoCandidatesError as cause', async () => {
    const { router } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const error = await client.chat.completions
      .create({ ...ask, model: 'gpt-4o-2024-99' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: 'model', code: 'no_candidates' });
    expect(NoCandidatesError.isInstance((error as Error).cause)).toBe(true);
  });

  test.each([
    ['logprobs', { logprobs: true }],
    ['top_p', { top_p: 0.2 }],
    ['stop', { stop: ['END'] }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['functions', { functions: [{ name: 'f', parameters: {} }] }],
    ['unknown_parameter', { unknown_parameter: 1 }],
  ])('%s is refused naming the parameter; neutral values pass', async (param, extra) => {
    const { router, litellm } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const error = await client.chat.completions
      .create({ ...ask, ...extra } as typeof ask)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe(param);
    expect(litellm.chatRequests).toHaveLength(0);
    await client.chat.completions.create({
      ...ask,
      n: 1,
      top_p: 1,
      stop: null,
      logprobs: false,
      store: false,
    });
    expect(litellm.chatRequests).toHaveLength(1);
  });

  test('user content the router cannot send (audio input) names its path', async () => {
    const { router } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const error = await client.chat.completions
      .create({
        model: 'auto',
        messages: [
          { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
        ],
      })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[0].type' });
  });

  test('other endpoints answer 404 saying what is routed', async () => {
    const { router } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'x' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/serves POST \/chat\/completions only/);
  });

  test("the request's signal aborts the call: APIUserAbortError, the call recorded as aborted", async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.fail({ hang: true });
    const client = createRouterOpenAIClient(router);
    const controller = new AbortController();

    const pending = client.chat.completions
      .create(ask, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await until(() => litellm.chatRequests.length === 1, 'the request to reach LiteLLM');
    controller.abort();

    expect(await pending).toBeInstanceOf(APIUserAbortError);
    await until(() => usage.length === 1, 'the usage record');
    expect(usage[0]).toMatchObject({ status: 'aborted' });
  });

  test('leaving a stream early closes the upstream connection; the call is recorded as aborted', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'a long answer that stalls after a few chunks' }));
    litellm.fail({ stallAfterChunks: 3 }, { stream: true });
    const client = createRouterOpenAIClient(router);

    const stream = await client.chat.completions.create({ ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text.length >= 8) break;
    }

    expect(text).toBe('a long a');
    await until(() => litellm.streamsClosedByClient === 1, 'the upstream stream to close');
    await until(() => usage.length === 1, 'the usage record');
    expect(usage[0]).toMatchObject({ status: 'aborted', stream: true });
  });

  test('a stream broken after content throws the StreamInterruptedError from the loop', async () => {
    const { router, litellm, openrouter } = await startGateways();
    litellm.setReply(() => ({ text: 'This answer will be cut short.' }));
    litellm.fail({ cutAfterChunks: 2 }, { stream: true });
    const client = createRouterOpenAIClient(router);

    const stream = await client.chat.completions.create({ ...ask, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);

    expect(text).toBe('This ans');
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).partialText).toBe('This ans');
    expect(openrouter.chatRequests).toHaveLength(0);
  });

  test('settings are checked when the client is created', async () => {
    const { router } = await startGateways();
    expect(() => createRouterOpenAIClient({} as never)).toThrow(/router: expected a router/);
    expect(() => createRouterOpenAIClient(router, { maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createRouterOpenAIClient(router, { users: 'x' } as never)).toThrow(/users: unknown setting/);
    expect(createRouterOpenAIClient(router)).toBeInstanceOf(OpenAI);
  });
});
