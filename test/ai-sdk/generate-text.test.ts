import { createProviderRegistry, generateText } from 'ai';
import { describe, expect, test } from 'vitest';
import { createRouterProvider, getRouterMetadata, type RouterMetadata } from '../../src/ai-sdk/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

const metadataOf = (providerMetadata: Parameters<typeof getRouterMetadata>[0]) =>
  getRouterMetadata(providerMetadata) as RouterMetadata;

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('generateText() from the real `ai` package through the router', () => {
  test('a named model: text, usage, and the route, cost and call id in providerMetadata; one ledger record', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'Routed by the AI SDK.', promptTokens: 40, completionTokens: 6 }));
    const llm = createRouterProvider(router);

    const result = await generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'hello router' });

    expect(result.text).toBe('Routed by the AI SDK.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 40, outputTokens: 6, totalTokens: 46 });
    expect(result.response.modelId).toBe('openai/gpt-5.4-mini');
    const metadata = metadataOf(result.providerMetadata);
    expect(metadata).toMatchObject({
      route: { gateway: 'litellm', model: 'openai/gpt-5.4-mini', provider: 'openai' },
      cost: { source: 'gateway' },
      fallback: false,
      attempts: [{ outcome: 'ok', tries: 1 }],
    });
    expect(metadata.cost.usd).toBeCloseTo(40 * 0.75e-6 + 6 * 4.5e-6, 12);
    expect(result.response.id).toBe(metadata.callId);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      callId: metadata.callId,
      status: 'ok',
      inputTokens: 40,
      outputTokens: 6,
    });
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      model: 'openai/gpt-5.4-mini',
      messages: [{ role: 'user', content: 'hello router' }],
    });
  });

  test('LiteLLM failing falls back to OpenRouter inside one generateText(), recorded once', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    const fallbacks = collect(router, 'fallback');
    litellm.fail({ status: 503, message: 'No deployments available for selected model' });
    const llm = createRouterProvider(router);

    const result = await generateText({
      model: llm('anthropic/claude-haiku-4-5'),
      system: 'Be brief.',
      prompt: 'still there?',
    });

    expect(result.text).toBe('echo: still there?');
    const metadata = metadataOf(result.providerMetadata);
    expect(metadata.route).toMatchObject({
      gateway: 'openrouter',
      gatewayModel: 'anthropic/claude-haiku-4.5',
    });
    expect(metadata.fallback).toBe(true);
    expect(metadata.attempts.map((attempt) => [attempt.route.gateway, attempt.outcome])).toEqual([
      ['litellm', 'error'],
      ['openrouter', 'ok'],
    ]);
    expect(metadata.attempts[0]?.error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(metadata.cost.source).toBe('gateway');
    expect(fallbacks).toHaveLength(1);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests[0]?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'still there?' },
      ],
    });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      callId: metadata.callId,
      gateway: 'openrouter',
      fallback: true,
      status: 'ok',
    });
    expect(usage[0]?.costUsd).toBe(metadata.cost.usd);
  });

  test('auto(requirements) lets the router choose the cheapest model that fits; response.modelId names it', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);
    const model = llm.auto({ tools: true, minContextTokens: 300_000 });
    expect(model.modelId).toBe('auto');

    const result = await generateText({ model, prompt: 'Plan the refund' });

    const cheapest = router.compareCosts({
      require: { tools: true, minContextTokens: 300_000 },
      inputTokens: 10,
      outputTokens: 1024,
    }).cheapest;
    expect(cheapest).toBeDefined();
    expect(result.response.modelId).toBe(cheapest?.model);
    expect(router.catalog.get(result.response.modelId)?.contextWindow).toBeGreaterThanOrEqual(300_000);
    expect(litellm.chatRequests[0]?.body).toMatchObject({ model: cheapest?.gatewayModel });
  });

  test('BYOK user and tags per call (providerOptions.llmRouter) add to the provider defaults', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    const llm = createRouterProvider(router, { user: 'org-default', tags: ['agent'] });

    await generateText({
      model: llm('openai/gpt-5.4-mini', { tags: ['triage'] }),
      prompt: 'whose call?',
      providerOptions: { llmRouter: { user: 'user-42', tags: ['ticket-7'] } },
    });
    await generateText({ model: llm('openai/gpt-5.4-mini'), prompt: 'and this one?' });

    expect(usage.map((record) => [record.user, record.tags])).toEqual([
      ['user-42', ['agent', 'triage', 'ticket-7']],
      ['org-default', ['agent']],
    ]);
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      user: 'user-42',
      metadata: { tags: ['agent', 'triage', 'ticket-7'] },
    });
  });

  test('settings the router cannot honour come back as warnings, and are not sent', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    const result = await generateText({
      model: llm('openai/gpt-5.4-mini'),
      prompt: 'hello',
      topP: 0.5,
      stopSequences: ['END'],
      seed: 7,
      maxOutputTokens: 50,
      temperature: 0.2,
      headers: { 'x-trace': 'abc' },
      providerOptions: { llmRouter: { usr: 'typo' } },
    });

    const warnings = result.warnings ?? [];
    const features = warnings.flatMap((warning) => ('feature' in warning ? [warning.feature] : []));
    expect(features).toEqual(expect.arrayContaining(['topP', 'stopSequences', 'seed', 'headers']));
    expect(features).not.toContain('maxOutputTokens');
    expect(
      warnings.some(
        (warning) => warning.type === 'other' && warning.message.includes('providerOptions.llmRouter.usr'),
      ),
    ).toBe(true);
    const body = litellm.chatRequests[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ max_tokens: 50, temperature: 0.2 });
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('stop');
    expect(body).not.toHaveProperty('seed');
  });

  test('the provider registers in an AI SDK provider registry', async () => {
    const { router } = await startGateways();
    const registry = createProviderRegistry({ router: createRouterProvider(router) });

    const result = await generateText({
      model: registry.languageModel('router:anthropic/claude-haiku-4-5'),
      prompt: 'via the registry',
    });

    expect(result.text).toBe('echo: via the registry');
    expect(metadataOf(result.providerMetadata).route.model).toBe('anthropic/claude-haiku-4-5');
  });
});
