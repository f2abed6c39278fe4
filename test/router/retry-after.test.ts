import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  type AttemptErrorEvent,
  CallAbortedError,
  CallTimeoutError,
} from '../../src/index.ts';
import { drive, shortTimer } from '../helpers/drive.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

const litellmOnly = { gateways: { openrouter: { enabled: false } } };

describe('same-target retries and Retry-After', () => {
  test('a short Retry-After on the only candidate is waited for exactly, on the router clock', async () => {
    const { router, litellm, clock } = await startGateways(litellmOnly);
    const retries: AttemptErrorEvent[] = [];
    router.on('attempt-error', (event) => retries.push(event));
    litellm.fail({ status: 429, message: 'Rate limit reached', retryAfterSeconds: 2 });

    const pending = router.chat(hello);
    const timer = await clock.waitForTimer(shortTimer);
    expect(timer.delayMs).toBe(2_000);
    expect(litellm.chatRequests).toHaveLength(1);
    await clock.advance(1_999);
    expect(litellm.chatRequests).toHaveLength(1); // not before the 2 s are up
    await clock.advance(1);
    const reply = await pending;

    expect(litellm.chatRequests).toHaveLength(2);
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts).toEqual([expect.objectContaining({ outcome: 'ok', tries: 2 })]);
    expect(retries).toEqual([
      expect.objectContaining({
        try: 1,
        retrying: true,
        retryDelayMs: 2_000,
        error: expect.objectContaining({ kind: 'rate-limited', retryAfterMs: 2_000 }),
      }),
    ]);
  });

  test('a Retry-After longer than maxRetryAfterMs is not waited for', async () => {
    const { router, litellm, clock } = await startGateways({
      ...litellmOnly,
      retry: { maxRetryAfterMs: 5_000 },
    });
    litellm.fail({ status: 429, retryAfterSeconds: 30 });
    const error = await router.chat(hello).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    expect((error as AllCandidatesFailedError).retryAfterMs).toBe(30_000);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(clock.timers().filter((timer) => !timer.background)).toHaveLength(0);
  });

  test('with another candidate, a 429 moves on at once instead of waiting', async () => {
    const { router, litellm, openrouter, clock } = await startGateways();
    litellm.fail({ status: 429, retryAfterSeconds: 1 });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('openrouter');
    expect(litellm.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(clock.timers().filter(shortTimer)).toHaveLength(0);
  });

  test('after a 429 with Retry-After the candidate cools down and is skipped until then', async () => {
    const { router, litellm, clock } = await startGateways();
    litellm.fail({ status: 429, message: 'key over its rpm', retryAfterSeconds: 20 });
    await router.chat(hello);
    const during = await router.chat(hello);
    expect(during.route.gateway).toBe('openrouter');
    expect(during.attempts[0]).toMatchObject({ outcome: 'skipped', error: { kind: 'rate-limited' } });
    expect(litellm.chatRequests).toHaveLength(1);
    await clock.advance(20_000);
    const after = await router.chat(hello);
    expect(after.route.gateway).toBe('litellm');
  });

  test('a reset connection is retried on the same target', async () => {
    const { router, litellm, openrouter, clock } = await startGateways();
    litellm.fail({ reset: true });
    const reply = await drive(clock, router.chat(hello));
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]).toMatchObject({ outcome: 'ok', tries: 2 });
    expect(openrouter.chatRequests).toHaveLength(0);
  });

  test('malformed JSON from LiteLLM is a bad answer: retried, then the call falls back', async () => {
    const { router, litellm, clock } = await startGateways();
    litellm.fail({ malformed: true }, { times: 3 });
    const reply = await drive(clock, router.chat(hello));
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]).toMatchObject({ outcome: 'error', tries: 2, error: { kind: 'bad-response' } });
  });

  test("the caller's signal aborts a hung call at once, recorded as aborted", async () => {
    const { router, litellm, openrouter } = await startGateways();
    litellm.fail({ hang: true });
    const controller = new AbortController();
    const pending = router.chat({ ...hello, signal: controller.signal });
    while (litellm.chatRequests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect(CallAbortedError.isInstance(error)).toBe(true);
    expect(openrouter.chatRequests).toHaveLength(0);
    const [record] = await router.usage.query();
    expect(record).toMatchObject({ status: 'aborted', costUsd: 0 });
  });

  test('the call deadline (timeoutMs) ends the whole call, retries included', async () => {
    const { router, litellm, clock } = await startGateways({ ...litellmOnly, attemptTimeoutMs: 60_000 });
    litellm.fail({ hang: true });
    const pending = router.chat({ ...hello, timeoutMs: 10_000 }).catch((caught: unknown) => caught);
    await clock.waitForTimer((timer) => timer.delayMs === 10_000 && timer.dueAt > clock.now());
    while (litellm.chatRequests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(10_000);
    const error = await pending;
    expect(CallTimeoutError.isInstance(error)).toBe(true);
    expect((error as CallTimeoutError).timeoutMs).toBe(10_000);
    expect((await router.usage.query())[0]).toMatchObject({ status: 'error', errorKind: 'timeout' });
  });
});
