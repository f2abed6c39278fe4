import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  DEFAULT_ANSWER_LIMITS,
  InvalidSettingsError,
  type RankingInput,
  StreamInterruptedError,
} from '../../src/index.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

// No answer is read past its bound: a whole answer or error body past `maxBodyBytes`, one SSE line
// or event past `maxEventBytes`, a stream past `maxStreamBytes` fails the attempt as a typed
// `bad-response` (a fallback before any content, `StreamInterruptedError` after), and the
// connection is closed. Endless answers end at the bound, not at the attempt timeout.

const answerLimits = { maxBodyBytes: 65_536, maxEventBytes: 16_384, maxStreamBytes: 262_144 };
const openRouterFirst = (inputs: readonly RankingInput[]) =>
  [...inputs].sort(
    (a, b) => Number(b.candidate.gateway === 'openrouter') - Number(a.candidate.gateway === 'openrouter'),
  );
const setup = () => startGateways({ answerLimits, ranking: openRouterFirst, retry: { maxRetries: 0 } });

const bigAnswer = JSON.stringify({
  id: 'x',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'x'.repeat(200_000) }, finish_reason: 'stop' },
  ],
});

describe('whole answers', () => {
  test('an answer past maxBodyBytes (declared length) falls back to the next gateway', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({ raw: { headers: { 'content-type': 'application/json' }, body: bigAnswer } });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'bad-response', gateway: 'openrouter' });
    expect(reply.attempts[0]?.error?.message).toMatch(/answerLimits\.maxBodyBytes \(65536 bytes\)/);
  });

  test('an endless answer (chunked, no length) ends at the bound, not at the attempt timeout', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'application/json' },
        body: ['{"id":"x","choices":[', ' '.repeat(4096)],
        repeatLast: true,
      },
    });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]?.error?.message).toMatch(/maxBodyBytes/);
  });

  test('an endless error body is bounded too', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({
      raw: {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: ['{"error":', ' '.repeat(4096)],
        repeatLast: true,
      },
    });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'server-error', status: 500 });
  });
});

describe('streamed answers', () => {
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  const delta = (text: string) => event({ choices: [{ index: 0, delta: { content: text } }] });

  test('a line past maxEventBytes before any content falls back', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'text/event-stream' },
        body: ['data: {"choices":[', 'x'.repeat(1024)],
        repeatLast: true,
      },
    });
    const result = await router.stream(hello).result;
    expect(result.route.gateway).toBe('litellm');
    expect(result.attempts[0]?.error?.message).toMatch(/answerLimits\.maxEventBytes \(16384 bytes\)/);
  });

  test('one event of many data lines past maxEventBytes falls back', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'text/event-stream' },
        body: [`data: ${'x'.repeat(1000)}\n`],
        repeatLast: true,
      },
    });
    const result = await router.stream(hello).result;
    expect(result.route.gateway).toBe('litellm');
    expect(result.attempts[0]?.error?.message).toMatch(/maxEventBytes/);
  });

  test('an endless stream after content ends at maxStreamBytes with StreamInterruptedError', async () => {
    const { router, openrouter } = await setup();
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'text/event-stream' },
        body: [delta('y'.repeat(512))],
        repeatLast: true,
      },
    });
    const error = await router.stream(hello).result.catch((caught: unknown) => caught);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.error).toMatchObject({ kind: 'bad-response', gateway: 'openrouter' });
    expect(interrupted.error.message).toMatch(/answerLimits\.maxStreamBytes \(262144 bytes\)/);
    expect(interrupted.partialText.length).toBeGreaterThan(100_000);
    expect(interrupted.partialText.length).toBeLessThan(answerLimits.maxStreamBytes);
    await expect.poll(() => openrouter.openRequests(), { timeout: 10_000 }).toBe(0);
  });

  test('every gateway answering too much: one typed error, nothing hangs', async () => {
    const { router, openrouter, litellm } = await setup();
    const raw = { headers: { 'content-type': 'application/json' }, body: bigAnswer };
    openrouter.fail({ raw });
    litellm.fail({ raw });
    const error = await router.chat(hello).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    expect((error as AllCandidatesFailedError).errors.map((entry) => entry.kind)).toEqual([
      'bad-response',
      'bad-response',
    ]);
  });
});

describe('the answerLimits setting', () => {
  test('defaults: 8 MiB per answer, 1 MiB per event, 64 MiB per stream', () => {
    expect(DEFAULT_ANSWER_LIMITS).toEqual({
      maxBodyBytes: 8_388_608,
      maxEventBytes: 1_048_576,
      maxStreamBytes: 67_108_864,
    });
  });

  test.each([
    [{ maxBodyBytes: 10 }, 'answerLimits.maxBodyBytes'],
    [{ maxEventBytes: 1.5e3 + 0.5 }, 'answerLimits.maxEventBytes'],
    [{ maxStreamBytes: 2 ** 40 }, 'answerLimits.maxStreamBytes'],
    [{ maxBytes: 4096 }, 'answerLimits.maxBytes'],
  ])('%j is refused naming %s', (limits, setting) => {
    let error: unknown;
    try {
      createRouter({ logger: false, answerLimits: limits as never });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    expect((error as InvalidSettingsError).issues.map((issue) => issue.setting)).toEqual([setting]);
  });
});
