import { afterEach, describe, expect, test } from 'vitest';
import { createRouter } from '../../src/index.ts';
import { instrumentRouter } from '../../src/otel/index.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import { drive } from '../helpers/drive.ts';
import { hello, startGateways } from '../helpers/gateways.ts';
import { startTelemetry } from './telemetry.ts';

let telemetry = startTelemetry();
afterEach(async () => {
  await telemetry.shutdown();
  telemetry = startTelemetry();
});

async function instrumentedGateways() {
  const fixture = await startGateways();
  instrumentRouter(fixture.router, { meterProvider: telemetry.meterProvider, traces: false });
  return fixture;
}

const byTokenType = <T extends { attributes: Record<string, unknown> }>(points: T[]) =>
  Object.fromEntries(points.map((point) => [point.attributes['gen_ai.token.type'], point]));

describe('GenAI client metrics (real OpenTelemetry SDK)', () => {
  test('a call: token usage by type, operation duration, cost, with the required attributes', async () => {
    const { router } = await instrumentedGateways();
    const reply = await router.chat(hello);
    const second = await router.chat(hello);

    const common = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'openai/gpt-5.4-mini',
      'gen_ai.response.model': 'openai/gpt-5.4-mini',
      'llm_router.gateway': 'litellm',
    };
    const tokens = byTokenType(await telemetry.histogram('gen_ai.client.token.usage'));
    expect(tokens.input?.attributes).toEqual({ ...common, 'gen_ai.token.type': 'input' });
    expect(tokens.input?.value).toMatchObject({
      count: 2,
      sum: reply.usage.inputTokens + second.usage.inputTokens,
    });
    expect(tokens.output?.value).toMatchObject({
      count: 2,
      sum: reply.usage.outputTokens + second.usage.outputTokens,
    });
    // The conventions' bucket boundaries.
    expect(tokens.input?.value.buckets.boundaries.slice(0, 4)).toEqual([1, 4, 16, 64]);

    const [duration, ...others] = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(others).toHaveLength(0);
    expect(duration?.attributes).toEqual(common); // no error.type on success
    expect(duration?.value.count).toBe(2);
    expect(duration?.value.buckets.boundaries.slice(0, 3)).toEqual([0.01, 0.02, 0.04]);

    const [cost] = await telemetry.counter('llm_router.client.cost');
    expect(cost?.attributes).toEqual(common);
    expect(cost?.value).toBeCloseTo(reply.cost.usd + second.cost.usd, 12);
  });

  test('durations are the router’s latency, in seconds (fake clock)', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ text: 'slow', delayMs: 1_500 }],
    });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({ clock, logger: false, transports: { litellm, openrouter } });
    instrumentRouter(router, { meterProvider: telemetry.meterProvider, traces: false });
    const reply = await drive(clock, router.chat(hello), () => true);
    expect(reply.latencyMs).toBe(1_500);
    const [duration] = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(duration?.value.sum).toBeCloseTo(1.5, 9);
    await router.close();
  });

  test('a failed call: duration with error.type, the last provider tried, no tokens, no cost', async () => {
    const { router, litellm, openrouter, clock } = await instrumentedGateways();
    await litellm.down();
    await openrouter.down();
    await drive(clock, router.chat(hello)).catch(() => undefined);

    const [duration] = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(duration?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'openai/gpt-5.4-mini',
      'llm_router.gateway': 'openrouter',
      'error.type': 'AllCandidatesFailedError',
    });
    expect(await telemetry.histogram('gen_ai.client.token.usage')).toHaveLength(0);
    expect(await telemetry.counter('llm_router.client.cost')).toHaveLength(0);
  });

  test('a fallback is measured once, on the route that answered', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ status: 503 });
    await router.chat(hello);
    const [duration, ...others] = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(others).toHaveLength(0);
    expect(duration?.value.count).toBe(1);
    expect(duration?.attributes['llm_router.gateway']).toBe('openrouter');
  });

  test('streams: time to first chunk; a stream broken part-way counts its cost and duration', async () => {
    const { router, litellm } = await instrumentedGateways();
    const result = await router.stream({ ...hello, messages: [{ role: 'user', content: 'one two three' }] })
      .result;
    litellm.fail({ cutAfterChunks: 1 }, { stream: true });
    const broken = await router
      .stream({ ...hello, messages: [{ role: 'user', content: 'one two three four five' }] })
      .result.catch((caught: unknown) => caught as { cost: { usd: number; source: string } });

    const [firstChunk] = await telemetry.histogram('gen_ai.client.operation.time_to_first_chunk');
    expect(firstChunk?.value.count).toBe(2);
    expect(firstChunk?.attributes['gen_ai.response.model']).toBe('openai/gpt-5.4-mini');
    const durations = await telemetry.histogram('gen_ai.client.operation.duration');
    expect(durations.map((point) => point.attributes['error.type']).sort()).toEqual([
      'StreamInterruptedError',
      undefined,
    ]);
    // The cut stream never sent its usage chunk: its tokens are estimates, left out; its cost counts.
    expect(broken.cost.source).toBe('estimated');
    const tokens = byTokenType(await telemetry.histogram('gen_ai.client.token.usage'));
    expect(tokens.output?.value).toMatchObject({ count: 1, sum: result.usage.outputTokens });
    const [cost] = await telemetry.counter('llm_router.client.cost');
    expect(cost?.value).toBeCloseTo(result.cost.usd + broken.cost.usd, 12);
    expect(broken.cost.usd).toBeGreaterThan(0);
  });

  test('token counts the gateway did not report (estimated) are left out; the cost is kept', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ text: 'hi', usage: null }],
    });
    const router = createRouter({ clock, logger: false, transports: { litellm } });
    instrumentRouter(router, { meterProvider: telemetry.meterProvider, traces: false });
    const reply = await router.chat(hello);
    expect(reply.cost.source).toBe('estimated');
    expect(await telemetry.histogram('gen_ai.client.token.usage')).toHaveLength(0);
    expect((await telemetry.counter('llm_router.client.cost'))[0]?.value).toBeCloseTo(reply.cost.usd, 12);
    await router.close();
  });
});
