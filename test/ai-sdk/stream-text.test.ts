import { APICallError } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { describe, expect, test } from 'vitest';
import { createRouterProvider, getRouterMetadata, type RouterMetadata } from '../../src/ai-sdk/index.ts';
import { StreamInterruptedError } from '../../src/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 1000; round++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('streamText() from the real `ai` package through router.stream()', () => {
  test('text deltas in one text block, usage and router metadata at the finish, one ledger record', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({
      text: 'Streaming through the AI SDK.',
      promptTokens: 12,
      completionTokens: 7,
    }));
    const llm = createRouterProvider(router);

    const result = streamText({ model: llm('openai/gpt-5.4-mini'), prompt: 'stream please' });
    const deltas: string[] = [];
    const types: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'text-delta') deltas.push(part.text);
    }

    expect(deltas.join('')).toBe('Streaming through the AI SDK.');
    expect(deltas.length).toBeGreaterThan(3);
    expect(types.filter((type) => type === 'text-start')).toHaveLength(1);
    expect(types.filter((type) => type === 'text-end')).toHaveLength(1);
    expect(await result.usage).toMatchObject({ inputTokens: 12, outputTokens: 7, totalTokens: 19 });
    expect(await result.finishReason).toBe('stop');
    const metadata = getRouterMetadata(await result.providerMetadata) as RouterMetadata;
    expect(metadata).toMatchObject({
      route: { gateway: 'litellm' },
      cost: { source: 'gateway' },
      fallback: false,
    });
    expect(metadata.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect((await result.response).modelId).toBe('openai/gpt-5.4-mini');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ callId: metadata.callId, stream: true, status: 'ok', outputTokens: 7 });
  });

  test('LiteLLM failing before the first token: the stream comes from OpenRouter, one record', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.fail({ status: 502 }, { stream: true });
    const llm = createRouterProvider(router);

    const result = streamText({ model: llm('openai/gpt-5.4-mini'), prompt: 'fall back' });

    expect(await result.text).toBe('echo: fall back');
    const metadata = getRouterMetadata(await result.providerMetadata) as RouterMetadata;
    expect(metadata.route.gateway).toBe('openrouter');
    expect(metadata.fallback).toBe(true);
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ gateway: 'openrouter', fallback: true, status: 'ok' });
  });

  test('a stream cut after content ends with an error part (APICallError, cause StreamInterruptedError) and the partial usage', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'This answer will be cut short before its end.' }));
    litellm.fail({ cutAfterChunks: 2 }, { stream: true });
    const llm = createRouterProvider(router);
    const errors: unknown[] = [];

    const result = streamText({
      model: llm('openai/gpt-5.4-mini'),
      prompt: 'cut me',
      onError: ({ error }) => void errors.push(error),
    });
    let text = '';
    const types: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'text-delta') text += part.text;
    }

    expect(text).toBe('This ans');
    expect(types).toContain('error');
    expect(errors).toHaveLength(1);
    const error = errors[0];
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(StreamInterruptedError.isInstance((error as APICallError).cause)).toBe(true);
    expect(await result.finishReason).toBe('error');
    expect(openrouter.chatRequests).toHaveLength(0);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ status: 'error', stream: true });
    // The finish part after the error carries what the delivered part cost, as the ledger has it.
    expect((await result.usage).outputTokens).toBe(usage[0]?.outputTokens);
    expect(usage[0]?.outputTokens).toBeGreaterThan(0);
  });

  test('aborting mid-stream closes the upstream connection and records the call as aborted', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'a long answer that stalls after a few chunks' }));
    litellm.fail({ stallAfterChunks: 3 }, { stream: true });
    const llm = createRouterProvider(router);
    const controller = new AbortController();
    let aborted = false;

    const result = streamText({
      model: llm('openai/gpt-5.4-mini'),
      prompt: 'abort me',
      abortSignal: controller.signal,
      onAbort: () => {
        aborted = true;
      },
    });
    let text = '';
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        text += part.text;
        if (text.length >= 12) controller.abort();
      }
    }

    expect(text).toBe('a long answe');
    expect(aborted).toBe(true);
    await until(() => usage.length === 1, 'the usage record');
    expect(usage[0]).toMatchObject({ status: 'aborted', stream: true });
    await until(() => litellm.streamsClosedByClient === 1, 'the upstream stream to close');
  });
});
