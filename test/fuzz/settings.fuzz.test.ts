// Property: whatever createRouter() is given, it returns a router that serves a call, or throws an
// InvalidSettingsError naming the setting at fault. Never a bare error, a hang, a crash, a secret in
// an output or a polluted prototype. Near-valid settings (one field changed) are the sharp cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { RouterError } from '../../src/errors/router-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { ModelDefinition } from '../../src/types/model.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';
import { createMemoryLogger } from '../helpers/gateways.ts';
import { fuzzParameters } from './fuzz-settings.ts';
import { garbageValue, SECRET_MARKER, secretString } from './garbage.ts';
import {
  expectNoSecret,
  expectPrototypesUntouched,
  expectSaneNumbers,
  expectTypedError,
  snapshotPrototypes,
  withinMs,
} from './outcome-checks.ts';

type Path = readonly (string | number)[];

/** A fetch that never reaches the network: a built-in transport the settings bring back fails fast. */
const offline: typeof fetch = async () => {
  throw new TypeError('fetch failed (offline in the settings fuzz suite)');
};

/** Valid settings using every field, with marked keys; rebuilt per case (routers keep references). */
function baseSettings(): RouterSettings & Record<string, unknown> {
  const clock = createFakeClock();
  // A deep copy: the cases change fields of it, and the bundled definitions are shared.
  const extra: ModelDefinition = {
    ...structuredClone(createModelCatalog().get('mistral/mistral-small-latest') as ModelDefinition),
    id: 'mistral/codestral-latest',
    name: 'Codestral',
  };
  return {
    gateways: {
      litellm: {
        enabled: true,
        baseURL: 'https://litellm.example.com',
        apiKey: `sk-litellm-${SECRET_MARKER}`,
        headers: { 'x-team': 'growth' },
        models: { 'openai/gpt-5.5': 'gpt5' },
      },
      openrouter: {
        enabled: true,
        baseURL: 'https://openrouter.ai/api/v1',
        apiKey: `sk-or-v1-${SECRET_MARKER}`,
        appUrl: 'https://bestviable.com',
        appName: 'Best Viable',
        headers: { 'x-source': 'fuzz' },
        models: { 'mistral/mistral-small-latest': 'mistralai/mistral-small-3.2-24b-instruct' },
      },
      direct: { enabled: false, models: {} },
    },
    providers: {
      openai: { apiKey: `sk-openai-${SECRET_MARKER}`, baseURL: 'https://api.openai.com/v1' },
      anthropic: { enabled: true, apiKey: async () => `sk-ant-${SECRET_MARKER}` },
      google: { enabled: false },
      cohere: { limits: { requestsPerMinute: 100, budgetUsdPerDay: 5 } },
      mistral: { models: ['mistral/mistral-small-latest', 'mistral/codestral-latest'] },
    },
    catalog: {
      includeDefaults: true,
      models: [extra],
      prices: { 'openai/gpt-5.4-mini': { inputPerToken: 6e-7 } },
      date: '2026-05-01',
    },
    ranking: { weights: { cost: 0.7, availability: 0.3, latency: 0 } },
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 10_000, maxCandidates: 5 },
    breaker: {
      errorThresholdPercent: 50,
      volumeThreshold: 5,
      rollingWindowMs: 10_000,
      rollingWindowBuckets: 10,
      resetTimeoutMs: 30_000,
      consecutiveFailures: 5,
      probeIntervalMs: 5_000,
      probeTimeoutMs: 1_000,
    },
    timeoutMs: 60_000,
    attemptTimeoutMs: 20_000,
    expectedOutputTokens: 512,
    byok: 'off',
    byokAllowOpenRouter: false,
    limits: { users: { '*': { requestsPerDay: 1_000 } }, keys: {}, timeZone: 60 },
    usage: createMemoryUsageTracker(),
    logger: createMemoryLogger(),
    clock,
    fetch: offline,
    transports: {
      litellm: createFakeTransport({ gateway: 'litellm', clock }),
      openrouter: createFakeTransport({ gateway: 'openrouter', clock }),
    },
  };
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Every path of the base settings down to its leaves (plain objects and arrays are walked). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) paths.push(...pathsOf(entry, [...prefix, index]));
  } else if (typeof value === 'object' && value !== null && isPlain(value)) {
    for (const [key, entry] of Object.entries(value)) paths.push(...pathsOf(entry, [...prefix, key]));
  }
  return paths;
}

// Pluggable objects (transports, tracker, clock, logger) are changed as a whole, not inside: what a
// plug-in does at run time is its contract, checked by the suites of the code that calls it.
const PLUGGABLE = new Set(['transports', 'usage', 'clock', 'logger', 'fetch']);
const PATHS = pathsOf(baseSettings()).filter(
  (path) => !PLUGGABLE.has(String(path[0])) || path.length <= (path[0] === 'transports' ? 2 : 1),
);

type Mutation =
  | { readonly kind: 'set'; readonly path: Path; readonly value: unknown }
  | { readonly kind: 'delete'; readonly path: Path }
  | { readonly kind: 'add'; readonly path: Path; readonly value: unknown };

function apply(settings: Record<string, unknown>, mutation: Mutation): void {
  const parentPath = mutation.kind === 'add' ? mutation.path : mutation.path.slice(0, -1);
  let parent: unknown = settings;
  for (const key of parentPath) parent = (parent as Record<string | number, unknown>)[key];
  if (typeof parent !== 'object' || parent === null) return;
  const target = parent as Record<string | number, unknown>;
  if (mutation.kind === 'add') {
    Object.defineProperty(target, 'unknownSetting', { value: mutation.value, enumerable: true });
    return;
  }
  const key = mutation.path.at(-1) as string | number;
  if (mutation.kind === 'delete') delete target[key];
  else Object.defineProperty(target, key, { value: mutation.value, enumerable: true, writable: true });
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      path: fc.constantFrom(...PATHS),
      value: garbageValue({ secrets: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      path: fc.constantFrom<Path>([], ...PATHS.filter((path) => !/^\d+$/.test(String(path.at(-1))))),
      value: garbageValue({ secrets: true }),
    }),
  },
);

// Settings whose problem is reported on another setting: a vault taken away shows on `byok`; a
// replaced transport or a provider key taken away shows on the gateway that needed it.
const REPORTED_ON: Readonly<Record<string, readonly string[]>> = {
  keys: ['byok'],
  byok: ['gateways'],
  transports: ['gateways'],
  providers: ['gateways'],
};

/** createRouter(), then one call when the settings were accepted; returns the refusal, if any. */
async function outcome(settings: unknown): Promise<InvalidSettingsError | undefined> {
  let router: ReturnType<typeof createRouter>;
  try {
    router = createRouter(settings as RouterSettings);
  } catch (error) {
    expectTypedError(error);
    expect(InvalidSettingsError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
    const invalid = error as InvalidSettingsError;
    expect(invalid.issues.length).toBeGreaterThan(0);
    for (const issue of invalid.issues)
      expect(invalid.message).toContain(`  - ${issue.setting}: ${issue.problem}`);
    expectNoSecret(invalid, SECRET_MARKER);
    return invalid;
  }
  try {
    const accepted = settings as RouterSettings | undefined;
    // Only where no real gateway can be reached: the fake transports or the offline fetch.
    if (accepted?.fetch === offline) {
      const events: unknown[] = [];
      router.on('usage', (record) => events.push(record));
      router.on('call-end', (event) => events.push(event));
      const result = await withinMs(
        router.chat({ messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error),
        5_000,
        'a call on accepted settings',
      );
      if (result instanceof Error || RouterError.isInstance(result)) expectTypedError(result);
      else expectSaneNumbers(result, 'result');
      for (const event of events) expectSaneNumbers(event, 'event');
      expectNoSecret(result, SECRET_MARKER);
      expectNoSecret(events, SECRET_MARKER);
    }
  } finally {
    await withinMs(router.close(), 5_000, 'router.close()');
  }
  return undefined;
}

describe('createRouter() settings, property-based', () => {
  it('near-valid settings (one field changed, removed or added): a router that serves, or an error naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (change) => {
        const before = snapshotPrototypes();
        const settings = baseSettings();
        const logger = settings.logger as ReturnType<typeof createMemoryLogger>;
        apply(settings, change);
        const refused = await outcome(settings);
        if (refused) {
          const changed = change.kind === 'add' ? [...change.path, 'unknownSetting'] : change.path;
          const top = String(changed[0]);
          const related = [top, ...(REPORTED_ON[top] ?? [])];
          const named = refused.issues.some((issue) =>
            related.some((setting) => issue.setting === setting || issue.setting.startsWith(`${setting}.`)),
          );
          expect(named, `${refused.message}\n(changed: ${changed.join('.')})`).toBe(true);
        }
        expectNoSecret(logger.lines, SECRET_MARKER);
        expectPrototypesUntouched(before);
      }),
      fuzzParameters(250),
    );
  });

  it('settings of any shape: a router or an InvalidSettingsError', async () => {
    const settingNames = fc.constantFrom(
      ...Object.keys(baseSettings()),
      'gateway',
      '__proto__',
      'constructor',
    );
    const anySettings = fc.oneof(
      garbageValue({ secrets: true }),
      fc.dictionary(settingNames, garbageValue({ secrets: true }), { maxKeys: 4 }),
      fc.record(
        {
          gateways: fc.dictionary(
            fc.constantFrom('litellm', 'openrouter', 'direct', 'other'),
            garbageValue({ secrets: true }),
            { maxKeys: 3 },
          ),
          providers: fc.dictionary(
            fc.constantFrom('openai', 'mistral', 'acme'),
            garbageValue({ secrets: true }),
            { maxKeys: 2 },
          ),
          breaker: fc.dictionary(
            fc.constantFrom('rollingWindowBuckets', 'rollingWindowMs', 'volumeThreshold'),
            garbageValue({ secrets: true }),
            { maxKeys: 2 },
          ),
          fetch: fc.constant(offline),
          logger: fc.constant(false as const),
        },
        { requiredKeys: ['fetch', 'logger'] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(anySettings, async (settings) => {
        const before = snapshotPrototypes();
        await outcome(settings);
        expectPrototypesUntouched(before);
      }),
      fuzzParameters(250),
    );
  });

  it('marked keys in every key setting are never shown, accepted or refused', async () => {
    await fc.assert(
      fc.asyncProperty(secretString, fc.constantFrom('', '\n', ' ', '☕', '\u0000'), async (key, tail) => {
        const settings = baseSettings();
        const value = `${key}${tail}`;
        (settings.gateways as Record<string, Record<string, unknown>>).litellm = {
          apiKey: value,
          baseURL: 'http://[::1',
        };
        (settings.providers as Record<string, Record<string, unknown>>).mistral = { apiKey: value };
        const refused = await outcome(settings);
        expect(refused?.issues.map((issue) => issue.setting)).toContain('gateways.litellm.baseURL');
      }),
      fuzzParameters(50),
    );
  });
});
