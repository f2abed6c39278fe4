import { describe, expect, test } from 'vitest';
import { type ChatOptions, createRouter, type RouterEventName } from '../../src/index.ts';
import { createFakeClock, createFakeTransport, type FakeReply } from '../../src/testing/index.ts';
import { hello } from '../helpers/gateways.ts';

// The events an observer (the OpenTelemetry integration, a user's logger) builds a call's story
// from: when each candidate starts, what was asked, and how the answer ended.

const NAMES: readonly RouterEventName[] = [
  'call-start',
  'attempt-start',
  'attempt-error',
  'fallback',
  'usage',
  'call-end',
  'call-error',
];

function observedRouter(litellmReplies: FakeReply[]) {
  const clock = createFakeClock();
  const litellm = createFakeTransport({ gateway: 'litellm', clock, replies: litellmReplies });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
  const router = createRouter({
    clock,
    logger: false,
    transports: { litellm, openrouter },
    retry: { maxRetries: 0 },
    breaker: { volumeThreshold: 1, errorThresholdPercent: 50, resetTimeoutMs: 30_000, probeIntervalMs: 0 },
  });
  const seen: { name: RouterEventName; event: Record<string, unknown> }[] = [];
  for (const name of NAMES) {
    (router.on as (name: RouterEventName, listener: (event: Record<string, unknown>) => void) => void)(
      name,
      (event) => seen.push({ name, event }),
    );
  }
  return { router, seen };
}

describe('attempt-start, and what call-start and call-end tell', () => {
  test('attempt-start before each candidate tried, in order with fallback; the request on call-start, the answer on call-end', async () => {
    const { router, seen } = observedRouter([{ error: 'connection-refused' }]);
    const options: ChatOptions = { ...hello, maxTokens: 50, temperature: 0.2 };
    const reply = await router.chat(options);

    expect(
      seen.map(({ name, event }) => `${name} ${(event.route as { gateway?: string })?.gateway ?? ''}`.trim()),
    ).toEqual([
      'call-start',
      'attempt-start litellm',
      'attempt-error litellm',
      'fallback',
      'attempt-start openrouter',
      'usage',
      'call-end openrouter',
    ]);
    expect(seen[0]?.event.options).toBe(options);
    const starts = seen.filter(({ name }) => name === 'attempt-start').map(({ event }) => event);
    expect(starts[1]).toEqual({ callId: reply.callId, route: reply.route });
    expect(seen.at(-1)?.event).toMatchObject({ finishReason: reply.finishReason, message: reply.message });
  });

  test('a candidate skipped (open breaker) has no attempt-start', async () => {
    const { router, seen } = observedRouter([{ error: 'connection-refused' }]);
    await router.chat(hello); // opens LiteLLM's breaker
    seen.length = 0;
    await router.chat(hello);
    expect(
      seen
        .filter(({ name }) => name === 'attempt-start')
        .map(({ event }) => (event.route as { gateway: string }).gateway),
    ).toEqual(['openrouter']);
    expect(seen.find(({ name }) => name === 'fallback')?.event.reason).toBe('breaker-open');
  });

  test('a stream’s call-end carries the finish reason and the message delivered', async () => {
    const { router, seen } = observedRouter([]);
    const result = await router.stream(hello).result;
    const end = seen.find(({ name }) => name === 'call-end')?.event;
    expect(end).toMatchObject({ finishReason: result.finishReason, message: result.message });
    expect(end?.message).toMatchObject({ content: result.text });
    expect(result.text.length).toBeGreaterThan(0);
  });
});
