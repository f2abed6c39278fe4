import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as llmRouter from '../../src/index.ts';
import { createRouter, RouterError, type StreamPart, type UsageRecord } from '../../src/index.ts';
import { type ChatServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { fuzzParameters, fuzzRuns } from './fuzz-settings.ts';

// Gateway answers are untrusted: a loopback OpenRouter answers generated garbage (random JSON
// shapes, wrong types, huge numbers, prototype keys, broken SSE framing, random statuses and
// headers), read by the real openai client, to router.chat() and router.stream(). Whatever it
// sends, every call ends in a result or an exported RouterError, within a bound; no token count or
// money value anywhere is NaN, infinite, negative or fractional; no prototype changes.

const KEY = 'sk-or-v1-fuzz-0123456789abcdef0123456789';
const CASE_BOUND_MS = 8_000;
const RUNS = 150;

// Small bounds so that the "too large" cases are cheap.
const answerLimits = { maxBodyBytes: 32_768, maxEventBytes: 4_096, maxStreamBytes: 65_536 };

const ERROR_CLASSES = new Set(
  Object.entries(llmRouter)
    .filter(([, value]) => typeof value === 'function' && value.prototype instanceof RouterError)
    .map(([name]) => name),
);

// ---- arbitraries --------------------------------------------------------------------------------

const hugeNumber = fc.constantFrom(1e308, -1e308, 4_294_967_294, 1e8, 2 ** 53, -1, 1.5, 0, 1e-320);
const nastyString = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', '\u0000', '☕');
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'index', 'id', 'name', 'arguments', 'content'),
  fc.string({ maxLength: 8 }),
);
const { value: wireValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    hugeNumber,
    fc.string({ maxLength: 24 }),
    nastyString,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** Mostly right, sometimes any value at all. */
const sometimes = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: right }, wireValue);
/** Mostly absent, sometimes there. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, arbitrary);

const count = sometimes(fc.oneof(fc.nat(5_000), hugeNumber));
const wireUsage = sometimes(
  fc.record(
    {
      prompt_tokens: count,
      completion_tokens: count,
      prompt_tokens_details: sometimes(fc.record({ cached_tokens: count })),
      cost: sometimes(fc.oneof(fc.double({ min: 0, max: 0.01, noNaN: true }), hugeNumber, fc.string())),
    },
    { requiredKeys: ['prompt_tokens', 'completion_tokens'] },
  ),
);
const index = sometimes(fc.oneof({ weight: 6, arbitrary: fc.nat(3) }, hugeNumber, nastyString));
const toolCall = sometimes(
  fc.record(
    {
      index,
      id: sometimes(fc.string({ maxLength: 8 })),
      type: fc.constant('function'),
      function: sometimes(
        fc.record(
          { name: sometimes(fc.string({ minLength: 1, maxLength: 8 })), arguments: sometimes(fc.string()) },
          { requiredKeys: ['name'] },
        ),
      ),
    },
    { requiredKeys: ['index', 'function'] },
  ),
);
const finishReason = sometimes(
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('stop', 'length', 'tool_calls', null) },
    fc.constant('error'),
  ),
);
const errorObject = sometimes(
  fc.record({ code: sometimes(fc.integer({ min: 100, max: 700 })), message: sometimes(fc.string()) }),
);

const completion = fc.record(
  {
    id: sometimes(fc.string({ maxLength: 8 })),
    model: sometimes(fc.string({ maxLength: 8 })),
    choices: sometimes(
      fc.array(
        sometimes(
          fc.record(
            {
              index: fc.constant(0),
              message: sometimes(
                fc.record(
                  {
                    role: fc.constant('assistant'),
                    content: sometimes(fc.string({ maxLength: 40 })),
                    tool_calls: sometimes(fc.array(toolCall, { maxLength: 3 })),
                  },
                  { requiredKeys: [] },
                ),
              ),
              finish_reason: finishReason,
              error: rarely(errorObject),
            },
            { requiredKeys: ['message', 'finish_reason'] },
          ),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    ),
    usage: wireUsage,
    error: rarely(errorObject),
  },
  { requiredKeys: ['choices'] },
);

const chunk = fc.record(
  {
    choices: sometimes(
      fc.array(
        sometimes(
          fc.record(
            {
              delta: sometimes(
                fc.record(
                  {
                    content: sometimes(fc.string({ maxLength: 12 })),
                    tool_calls: sometimes(fc.array(toolCall, { maxLength: 2 })),
                  },
                  { requiredKeys: ['content'] },
                ),
              ),
              finish_reason: fc.option(finishReason, { nil: undefined, freq: 2 }),
            },
            { requiredKeys: ['delta'] },
          ),
        ),
        { minLength: 1, maxLength: 1 },
      ),
    ),
    usage: fc.option(wireUsage, { nil: undefined }),
    error: rarely(errorObject),
  },
  { requiredKeys: ['choices'] },
);

const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** One SSE event, well or badly framed. */
const sseEvent = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(chunk, lineEnd)
      .map(([payload, end]) => `data: ${JSON.stringify(payload)}${end}${end}`),
  },
  fc.tuple(wireValue, lineEnd).map(([payload, end]) => `data:${JSON.stringify(payload) ?? ''}${end}${end}`),
  fc.constantFrom(
    ': OPENROUTER PROCESSING\n\n',
    'event: error\n',
    'data: {"choices": [\n\n',
    'data\n\n',
    'retry: 5\n',
    '\n\n',
  ),
  fc.string({ maxLength: 30 }),
  fc.nat(6_000).map((size) => `data: ${'x'.repeat(size)}\n\n`),
);
const sseBody = fc
  .tuple(fc.array(sseEvent, { maxLength: 10 }), fc.boolean())
  .map(([events, done]) => (done ? [...events, 'data: [DONE]\n\n'] : events));

/** A body, cut into pieces at random places (each piece is flushed on its own). */
const pieces = (body: fc.Arbitrary<string>) =>
  fc.tuple(body, fc.array(fc.nat(), { maxLength: 3 })).map(([text, cuts]) => {
    const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
    const result: string[] = [];
    let start = 0;
    for (const point of points) {
      result.push(text.slice(start, point));
      start = point;
    }
    result.push(text.slice(start));
    return result.filter((piece) => piece.length > 0);
  });

const headerValue = fc.oneof(fc.stringMatching(/^[ -~]{0,16}$/), hugeNumber.map(String));
const headers = (contentType: string) =>
  fc.record(
    {
      'content-type': fc.oneof(
        { weight: 8, arbitrary: fc.constant(contentType) },
        fc.constantFrom(
          'application/json',
          'text/event-stream',
          'text/plain',
          'application/json; charset=utf-8',
        ),
      ),
      'retry-after': headerValue,
      'x-ratelimit-remaining-requests': headerValue,
      'x-ratelimit-reset-requests': headerValue,
      'x-request-id': headerValue,
    },
    { requiredKeys: ['content-type'] },
  );
const status = fc.oneof({ weight: 8, arbitrary: fc.constant(200) }, fc.integer({ min: 200, max: 599 }));
const jsonBody = pieces(completion.map((value) => JSON.stringify(value)));
const streamBody = sseBody.chain((events) => pieces(fc.constant(events.join(''))));

/** What the gateway answers to a whole (`chat`) and to a streamed (`stream`) request. */
const answers = fc.record({
  chat: fc.record({
    status,
    headers: headers('application/json'),
    body: fc.oneof(
      { weight: 8, arbitrary: jsonBody },
      pieces(wireValue.map((value) => JSON.stringify(value) ?? '')),
      fc.nat(40_000).map((size) => [`{"choices":[{"message":{"content":"${'x'.repeat(size)}"}}]}`]),
      streamBody,
    ),
  }),
  stream: fc.record({
    status,
    headers: headers('text/event-stream'),
    body: fc.oneof({ weight: 8, arbitrary: streamBody }, jsonBody),
  }),
});

// ---- checks -------------------------------------------------------------------------------------

const isCount = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isMoney = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function checkUsage(
  usage: { inputTokens: unknown; outputTokens: unknown; cachedInputTokens: unknown; totalTokens?: unknown },
  where: string,
) {
  for (const [field, value] of Object.entries(usage))
    expect(isCount(value), `${where}.${field} = ${String(value)}`).toBe(true);
}

function checkRecord(record: UsageRecord, where: string) {
  checkUsage(
    {
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      cachedInputTokens: record.cachedInputTokens,
    },
    where,
  );
  expect(isMoney(record.costUsd), `${where}.costUsd = ${record.costUsd}`).toBe(true);
  expect(isMoney(record.latencyMs), `${where}.latencyMs`).toBe(true);
}

function checkOutcome(outcome: unknown, where: string) {
  if (outcome instanceof Error || RouterError.isInstance(outcome)) {
    expect(RouterError.isInstance(outcome), `${where}: ${String(outcome)}`).toBe(true);
    expect(ERROR_CLASSES.has((outcome as Error).name), `${where}: ${(outcome as Error).name}`).toBe(true);
    expect(String((outcome as Error).message)).not.toContain(KEY);
    return;
  }
  const result = outcome as llmRouter.ChatResult;
  expect(typeof result.text, `${where}.text`).toBe('string');
  for (const call of result.toolCalls) {
    expect([typeof call.id, typeof call.name, typeof call.arguments]).toEqual(['string', 'string', 'string']);
  }
  checkUsage(result.usage, `${where}.usage`);
  expect(isMoney(result.cost.usd), `${where}.cost.usd = ${result.cost.usd}`).toBe(true);
}

function checkPart(part: StreamPart) {
  switch (part.type) {
    case 'text-delta':
      expect(typeof part.text).toBe('string');
      break;
    case 'tool-call-delta':
      expect(Number.isInteger(part.index) && part.index >= 0 && part.index < llmRouter.MAX_TOOL_CALLS).toBe(
        true,
      );
      expect(typeof part.argumentsDelta).toBe('string');
      break;
    case 'tool-call':
      expect(typeof part.toolCall.arguments).toBe('string');
      break;
    case 'finish':
      checkUsage(part.usage, 'finish.usage');
      expect(isMoney(part.cost.usd)).toBe(true);
      break;
    default:
      throw new Error(`unknown part ${JSON.stringify(part)}`);
  }
}

const snapshot = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
});

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not settle within ${CASE_BOUND_MS} ms`)),
      CASE_BOUND_MS,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// ---- the property -------------------------------------------------------------------------------

let server: ChatServer;
beforeAll(async () => {
  server = await startOpenRouterServer({ apiKey: KEY, record: false });
});
afterAll(async () => {
  await server.close();
});

test(
  'router.chat() and router.stream() survive any gateway answer',
  async () => {
    const before = snapshot();
    await fc.assert(
      fc.asyncProperty(answers, async (raw) => {
        server.clearFaults();
        server.fail({ raw: raw.chat }, { stream: false });
        server.fail({ raw: raw.stream }, { stream: true });
        const router = createRouter({
          logger: false,
          answerLimits,
          attemptTimeoutMs: 3_000,
          timeoutMs: 4_000,
          retry: { maxRetries: 0 },
          gateways: { litellm: { enabled: false }, openrouter: { baseURL: server.baseURL, apiKey: KEY } },
        });
        const usageEvents: UsageRecord[] = [];
        router.on('usage', (record) => usageEvents.push(record));
        try {
          const chat = await bounded(
            router
              .chat({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] })
              .catch((error: unknown) => error),
            'chat()',
          );
          checkOutcome(chat, 'chat');

          const stream = router.stream({
            model: 'openai/gpt-5.4-mini',
            messages: [{ role: 'user', content: 'hi' }],
          });
          const parts: StreamPart[] = [];
          const iterated = await bounded(
            (async () => {
              for await (const part of stream) parts.push(part);
            })().catch((error: unknown) => error),
            'stream iteration',
          );
          if (iterated !== undefined) checkOutcome(iterated, 'stream');
          for (const part of parts) checkPart(part);
          checkOutcome(await stream.result.catch((error: unknown) => error), 'stream.result');

          expect(usageEvents).toHaveLength(2);
          for (const record of usageEvents) checkRecord(record, 'usage event');
          for (const record of await router.usage.query()) checkRecord(record, 'ledger');
          const report = await router.usage.report({ groupBy: ['gateway'] });
          expect(report.invalidRecords).toBe(0);
          expect(isMoney(report.totals.costUsd)).toBe(true);
          expect(snapshot()).toEqual(before);
        } finally {
          await router.close();
        }
      }),
      fuzzParameters(RUNS),
    );
  },
  fuzzRuns(RUNS) * 100 + 30_000,
);
