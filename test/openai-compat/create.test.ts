import OpenAI, { BadRequestError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, test } from 'vitest';
import { InvalidRequestError } from '../../src/index.ts';
import { createRouterOpenAIClient, routerMetadataOf } from '../../src/openai-compat/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

/** Code written for the openai client: it knows nothing of the router. */
async function summarise(client: Pick<OpenAI, 'chat'>, ticket: string): Promise<string> {
  const completion = await client.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages: [
      { role: 'system', content: 'Summarise tickets in one line.' },
      { role: 'user', content: ticket },
    ],
    max_tokens: 100,
    temperature: 0.3,
  });
  return completion.choices[0]?.message.content ?? '';
}

async function streamSummary(client: Pick<OpenAI, 'chat'>, messages: ChatCompletionMessageParam[]) {
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('createRouterOpenAIClient(): the openai client, routed', () => {
  test('code written for the openai client works unchanged; one ledger record', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({
      text: 'Refund requested for order 7.',
      promptTokens: 30,
      completionTokens: 6,
    }));
    const client = createRouterOpenAIClient(router);

    expect(client).toBeInstanceOf(OpenAI);
    expect(await summarise(client, 'Customer wants a refund for order 7')).toBe(
      'Refund requested for order 7.',
    );
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      model: 'openai/gpt-5.4-mini',
      max_tokens: 100,
      temperature: 0.3,
      messages: [
        { role: 'system', content: 'Summarise tickets in one line.' },
        { role: 'user', content: 'Customer wants a refund for order 7' },
      ],
    });
    expect(usage).toHaveLength(1);
  });

  test('a ChatCompletion with the fields the openai SDK returns, the call id as request id, and llm_router', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'Hello!', promptTokens: 9, completionTokens: 2, cachedTokens: 4 }));
    const client = createRouterOpenAIClient(router);

    const {
      data: completion,
      response,
      request_id,
    } = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

    const callId = usage[0]?.callId as string;
    expect(completion).toMatchObject({
      id: `chatcmpl-${callId}`,
      object: 'chat.completion',
      model: 'openai/gpt-5.4-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 2,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
    expect(request_id).toBe(callId);
    expect(response.status).toBe(200);
    expect(routerMetadataOf(completion)).toMatchObject({
      callId,
      route: { gateway: 'litellm', model: 'openai/gpt-5.4-mini' },
      cost: { source: 'gateway' },
      fallback: false,
    });
  });

  test('streaming: chunks as the openai SDK yields them, usage in the last chunk with include_usage', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'Streamed through the router.', promptTokens: 11, completionTokens: 5 }));
    const client = createRouterOpenAIClient(router);

    const chunks = await streamSummary(client, [{ role: 'user', content: 'stream it' }]);

    const callId = usage[0]?.callId as string;
    expect(chunks[0]).toMatchObject({
      id: `chatcmpl-${callId}`,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      usage: null,
    });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Streamed through the router.');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const last = chunks.at(-1);
    expect(last).toMatchObject({
      choices: [],
      model: 'openai/gpt-5.4-mini',
      usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
    });
    expect(routerMetadataOf(last as never)).toMatchObject({ callId, route: { gateway: 'litellm' } });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ stream: true, status: 'ok', outputTokens: 5 });
  });

  test('without include_usage there is no usage chunk; the finish chunk carries llm_router', async () => {
    const { router } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'short' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.choices.length === 1 && !('usage' in chunk))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(routerMetadataOf(chunks.at(-1) as never)?.route).toBeDefined();
  });

  test('a parameter the router cannot honour is a BadRequestError naming it, with InvalidRequestError as cause', async () => {
    const { router, litellm } = await startGateways();
    const client = createRouterOpenAIClient(router);

    const error = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'x' }], n: 3 })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'n', code: 'invalid_request' });
    expect((error as Error).message).toMatch(
      /n: is not supported by llm-router: the router returns one choice/,
    );
    expect(InvalidRequestError.isInstance((error as Error).cause)).toBe(true);
    expect(litellm.chatRequests).toHaveLength(0);
  });
});
