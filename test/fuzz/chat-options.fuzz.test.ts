// Property: whatever chat() or stream() is given, the outcome is a normal result or an exported
// typed error, and an InvalidRequestError names the option at fault. No hang, no impossible token
// or money value in a result, a part or an event, no key in any output, no polluted prototype.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { ChatOptions } from '../../src/types/chat.ts';
import { createMemoryLogger } from '../helpers/gateways.ts';
import { fuzzParameters } from './fuzz-settings.ts';
import { garbageValue, SECRET_MARKER } from './garbage.ts';
import {
  expectNoSecret,
  expectPrototypesUntouched,
  expectSaneNumbers,
  expectTypedError,
  snapshotPrototypes,
  withinMs,
} from './outcome-checks.ts';

const clock = createFakeClock();
const logger = createMemoryLogger();
const router = createRouter({
  clock,
  logger,
  gateways: {
    litellm: { apiKey: `sk-litellm-${SECRET_MARKER}` },
    openrouter: { apiKey: `sk-or-v1-${SECRET_MARKER}` },
  },
  providers: { openai: { apiKey: `sk-openai-${SECRET_MARKER}` }, anthropic: {}, google: {}, mistral: {} },
  transports: {
    litellm: createFakeTransport({ gateway: 'litellm', clock }),
    openrouter: createFakeTransport({ gateway: 'openrouter', clock }),
  },
});
const events: unknown[] = [];
for (const name of ['call-start', 'call-end', 'call-error', 'usage', 'fallback', 'attempt-error'] as const)
  router.on(name, (event: unknown) => void events.push(event));

afterAll(() => router.close());

// Valid options of every shape; the mutations below then break one field at a time.
const text = fc.string({ maxLength: 40 });
const toolName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/);
const part = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text }),
  fc.record({
    type: fc.constant('image' as const),
    url: fc.constantFrom('https://example.com/a.png', 'data:image/png;base64,AAAA'),
  }),
);
const toolCall = fc.record({
  id: fc.stringMatching(/^call_[a-z0-9]{1,6}$/),
  name: toolName,
  arguments: fc.constantFrom('{}', '{"a":1}'),
});
const message = fc.oneof(
  fc.record({ role: fc.constant('system' as const), content: text }),
  fc.record({
    role: fc.constant('user' as const),
    content: fc.oneof(text, fc.array(part, { minLength: 1, maxLength: 3 })),
  }),
  fc.record(
    {
      role: fc.constant('assistant' as const),
      content: fc.oneof(text, fc.constant(null)),
      toolCalls: fc.array(toolCall, { maxLength: 2 }),
    },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record({
    role: fc.constant('tool' as const),
    toolCallId: fc.stringMatching(/^call_[a-z0-9]{1,6}$/),
    content: text,
  }),
);
const schema = fc.oneof(
  fc.constant({ type: 'object', properties: {} }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ type: 'object', properties: { value: { const: value } } })),
);
const tools = fc.uniqueArray(
  fc.record(
    { name: toolName, description: text, parameters: schema },
    { requiredKeys: ['name', 'parameters'] },
  ),
  {
    minLength: 1,
    maxLength: 3,
    selector: (tool) => tool.name,
  },
);
const validOptions: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      messages: fc
        .tuple(
          fc.array(message, { maxLength: 3 }),
          fc.record({ role: fc.constant('user' as const), content: text }),
        )
        .map(([before, last]) => [...before, last]),
      model: fc.oneof(
        fc.constantFrom('openai/gpt-5.4-mini', 'anthropic/claude-haiku-4-5', 'acme/unknown'),
        fc.constant(['openai/gpt-5.4-mini', 'mistral/mistral-small-latest']),
      ),
      tools,
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      maxTokens: fc.integer({ min: 1, max: 100_000 }),
      responseFormat: fc.oneof(
        fc.constant({ type: 'text' }),
        fc.record({ type: fc.constant('json'), schema, name: toolName }, { requiredKeys: ['type'] }),
      ),
      user: fc.string({ minLength: 1, maxLength: 8 }),
      tags: fc.array(text, { maxLength: 2 }),
      signal: fc.constantFrom(new AbortController().signal, AbortSignal.abort(), undefined),
      timeoutMs: fc.integer({ min: 1, max: 600_000 }),
      waitForHeadroomMs: fc.integer({ min: 0, max: 1_000 }),
      callId: fc.uuid(),
      require: fc.record(
        {
          tools: fc.boolean(),
          vision: fc.boolean(),
          json: fc.boolean(),
          minContextTokens: fc.integer({ min: 0, max: 2_000_000 }),
          maxInputPricePerMillion: fc.double({ min: 0, max: 100, noNaN: true }),
          providers: fc.subarray(['openai', 'anthropic', 'google', 'cohere', 'mistral']),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['messages'] },
  )
  .chain((options) =>
    // A toolChoice that fits the tools drawn (a named one only when there are tools).
    fc
      .option(
        Array.isArray(options.tools)
          ? fc.oneof(
              fc.constantFrom('auto', 'none', 'required'),
              fc.constantFrom(...options.tools.map((tool) => ({ name: tool.name }))),
            )
          : fc.constantFrom('auto', 'none'),
        { nil: undefined },
      )
      .map((toolChoice) => (toolChoice === undefined ? options : { ...options, toolChoice })),
  );

type Path = readonly (string | number)[];

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Paths of every field of `value`, plain objects and arrays walked. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) paths.push(...pathsOf(entry, [...prefix, index]));
  } else if (typeof value === 'object' && value !== null && isPlain(value)) {
    for (const [key, entry] of Object.entries(value)) paths.push(...pathsOf(entry, [...prefix, key]));
  }
  return paths;
}

function setAt(target: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(target) ? [...target] : { ...(target as object) }) as Record<
    string | number,
    unknown
  >;
  Object.defineProperty(copy, key, {
    value: setAt(copy[key], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/** Valid options with one field set to garbage: the options and the path changed. */
const mutatedOptions = validOptions.chain((options) =>
  fc
    .record({ path: fc.constantFrom(...pathsOf(options)), value: garbageValue({ secrets: false }) })
    .map(({ path, value }) => ({
      options: setAt(options, path, value) as Record<string, unknown>,
      path,
    })),
);

// Where an InvalidRequestError may point when `path` was changed: the option itself, or the one
// that depends on it (a toolChoice naming a tool that changed, a tool message after its call).
const RELATED: Readonly<Record<string, readonly string[]>> = { tools: ['toolChoice'], toolChoice: ['tools'] };

function topOption(option: string): string {
  return option.split(/[.[]/, 1)[0] ?? option;
}

/** One chat() or stream() call, its outcome checked; returns the typed error, if any. */
async function call(options: unknown, streaming: boolean): Promise<unknown> {
  events.length = 0;
  const lines = logger.lines.length;
  let outcome: unknown;
  try {
    if (!streaming) {
      const result = await withinMs(router.chat(options as ChatOptions), 5_000, 'chat()');
      expectSaneNumbers(result, 'result');
      outcome = result;
    } else {
      const stream = router.stream(options as ChatOptions);
      const parts: unknown[] = [];
      await withinMs(
        (async () => {
          for await (const part of stream) parts.push(part);
        })(),
        5_000,
        'reading a stream',
      );
      const result = await withinMs(stream.result, 5_000, 'stream.result');
      expectSaneNumbers(parts, 'parts');
      expectSaneNumbers(result, 'result');
      outcome = result;
    }
  } catch (error) {
    if (error instanceof Error && /did not settle within/.test(error.message)) throw error;
    expectTypedError(error);
    outcome = error;
  }
  for (const event of events) expectSaneNumbers(event, 'event');
  expectNoSecret(outcome, SECRET_MARKER);
  expectNoSecret(events, SECRET_MARKER);
  expectNoSecret(logger.lines.slice(lines), SECRET_MARKER);
  return outcome;
}

describe('chat() and stream() options, property-based', () => {
  for (const streaming of [false, true]) {
    const entry = streaming ? 'stream()' : 'chat()';

    it(`${entry}: valid options of every shape give a result or a typed error, never InvalidRequestError`, async () => {
      await fc.assert(
        fc.asyncProperty(validOptions, async (options) => {
          const before = snapshotPrototypes();
          const outcome = await call(options, streaming);
          // The generator draws only valid options (an impossible model or requirements may leave
          // no candidate: NoCandidatesError is fine, a refusal of the options is not).
          if (InvalidRequestError.isInstance(outcome)) throw outcome;
          expectPrototypesUntouched(before);
        }),
        fuzzParameters(150),
      );
    });

    it(`${entry}: one field of valid options changed to garbage is a result or a typed error naming it`, async () => {
      await fc.assert(
        fc.asyncProperty(mutatedOptions, async ({ options, path }) => {
          const before = snapshotPrototypes();
          const outcome = await call(options, streaming);
          if (InvalidRequestError.isInstance(outcome)) {
            const top = String(path[0]);
            const named = topOption(outcome.option);
            expect(
              [top, ...(RELATED[top] ?? [])],
              `${outcome.message} (changed: ${path.join('.')})`,
            ).toContain(named);
            expect(outcome.message.startsWith(`${outcome.option}: `)).toBe(true);
          }
          expectPrototypesUntouched(before);
        }),
        fuzzParameters(250),
      );
    });

    it(`${entry}: options of any shape`, async () => {
      const anyOptions = fc.oneof(
        garbageValue({ secrets: false }),
        fc.dictionary(
          fc.constantFrom(
            'messages',
            'model',
            'tools',
            'toolChoice',
            'signal',
            'require',
            'responseFormat',
            '__proto__',
            'constructor',
          ),
          garbageValue({ secrets: false }),
          { maxKeys: 4 },
        ),
      );
      await fc.assert(
        fc.asyncProperty(anyOptions, async (options) => {
          const before = snapshotPrototypes();
          await call(options, streaming);
          expectPrototypesUntouched(before);
        }),
        fuzzParameters(150),
      );
    });
  }
});
