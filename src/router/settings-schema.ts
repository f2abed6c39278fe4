import * as z from 'zod/mini';
import { DEFAULT_BREAKER_SETTINGS } from '../breaker/circuit-breaker.ts';
import { clockSchema, hasMethods, parseSetting, whole } from '../errors/check-settings.ts';
import { limitSettingsSchema, limitTimeZoneSchema } from '../limits/limit-settings-schema.ts';
import { answerLimitsSchema } from '../transports/answer-limits.ts';
import {
  apiKey,
  count,
  milliseconds as fieldMilliseconds,
  headers,
  headerValue,
  httpUrl,
  tokens,
  usdPerToken,
} from './settings-fields.ts';

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Most buckets of a breaker's rolling window (each is an object opossum keeps per breaker). */
const MAX_BUCKETS = 1_000;
/** Shortest bucket of a breaker's rolling window. */
const MIN_BUCKET_MS = 10;

const isFunction = (value: unknown) => typeof value === 'function';
const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>(isFunction, { message: `expected ${what}` });

const milliseconds = fieldMilliseconds(1);
const nonNegativeMilliseconds = fieldMilliseconds(0);
const keyString = apiKey('key');
// A key, or a function returning one (a key reference). Not a z.union: a union reports only "no
// branch matched", while a key with a line break needs to hear that.
const secret = z.unknown().check(
  z.superRefine((value, context) => {
    if (typeof value === 'function') return;
    if (typeof value !== 'string') {
      context.addIssue({ code: 'custom', message: 'expected a key string or a function returning one' });
      return;
    }
    const result = parseSetting(keyString, value);
    if (!result.success)
      for (const issue of result.error.issues) context.addIssue({ code: 'custom', message: issue.message });
  }),
);
const nonEmptyString = z.string().check(z.minLength(1));
const modelNames = z.record(z.string(), nonEmptyString, {
  message: 'expected an object of catalog ids to model names',
});

const providerSettings = z.strictObject({
  enabled: z.optional(z.boolean()),
  models: z.optional(z.array(nonEmptyString)),
  apiKey: z.optional(secret),
  baseURL: z.optional(httpUrl({ appendsPaths: true })),
  limits: z.optional(limitSettingsSchema),
});

const tokenPrices = {
  inputPerToken: usdPerToken,
  outputPerToken: usdPerToken,
  cachedInputPerToken: z.optional(usdPerToken),
  cacheWriteInputPerToken: z.optional(usdPerToken),
};
const pricing = z.strictObject({
  ...tokenPrices,
  tiers: z.optional(
    z.array(z.strictObject({ aboveInputTokens: tokens, ...tokenPrices })).check(z.maxLength(100)),
  ),
});
// Accepted so a bundled model can be spread into catalog.models; a user model's prices are `user`.
const provenance = z.optional(z.unknown());
const providerId = z
  .string()
  .check(z.regex(PROVIDER_ID, 'expected a provider id: lower-case letters, digits and -'));

const modelDefinition = z.strictObject({
  id: z
    .string()
    .check(z.regex(/^[a-z0-9-]+\/.+$/, 'expected "<provider>/<model>", e.g. "openai/gpt-5.4-mini"')),
  provider: providerId,
  name: z.string(),
  tier: z.enum(['flagship', 'cheap']),
  contextWindow: tokens,
  maxOutputTokens: tokens,
  pricing,
  capabilities: z.strictObject({
    tools: z.boolean(),
    vision: z.boolean(),
    json: z.boolean(),
    streaming: z.boolean(),
  }),
  gatewayModels: z.strictObject({
    litellm: z.optional(z.string()),
    openrouter: z.optional(z.string()),
    direct: z.optional(z.string()),
  }),
  gatewayPricing: z.optional(
    z.strictObject({
      litellm: z.optional(pricing),
      openrouter: z.optional(pricing),
      direct: z.optional(pricing),
    }),
  ),
  pricingSource: provenance,
  gatewayPricingSources: provenance,
});

const catalogObject = z.strictObject({
  includeDefaults: z.optional(z.boolean()),
  models: z.optional(z.array(modelDefinition)),
  prices: z.optional(z.record(z.string(), z.partial(pricing))),
  // It dates prices on results (`cost.priceSource.asOf`): a day, never free text.
  date: z.optional(
    z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date, YYYY-MM-DD, e.g. "2026-05-01"')),
  ),
  refreshIntervalMs: z.optional(
    z.number({ message: 'expected a number of milliseconds' }).check(
      whole('expected a whole number of milliseconds'),
      z.minimum(0, 'expected 0 (off) or 60000 milliseconds or more'),
      z.maximum(2 ** 31 - 1, 'expected at most 2147483647 milliseconds (about 24.8 days)'),
      z.refine((value) => value === 0 || value >= 60_000, 'expected 0 (off) or 60000 milliseconds or more'),
    ),
  ),
  providers: z.optional(z.array(providerId).check(z.maxLength(1_000))),
});

// A ModelCatalog object, or settings for the bundled one. Not a z.union: a union reports only
// "no branch matched", while users need to hear which field of which model is wrong.
const catalogSettings = z.unknown().check(
  z.superRefine((value, context) => {
    if (hasMethods('get', 'list', 'pricing')(value)) return;
    const result = parseSetting(catalogObject, value);
    if (result.success) return;
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          context.addIssue({
            code: 'custom',
            message: 'unknown setting (check its spelling)',
            path: [...issue.path, key],
          });
      } else context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  }),
);

const weight = z
  .number({ message: 'expected a weight from 0 to 1000' })
  .check(
    z.minimum(0, 'expected a weight from 0 to 1000'),
    z.maximum(1000, 'expected a weight from 0 to 1000'),
  );

const rankingPolicy = z.union(
  [
    z.enum(['cheapest', 'available']),
    z.strictObject({
      weights: z.strictObject({
        cost: z.optional(weight),
        availability: z.optional(weight),
        latency: z.optional(weight),
      }),
    }),
    fn('a ranking function'),
  ],
  { message: `expected 'cheapest', 'available', { weights: { cost, availability, latency } } or a function` },
);

const transport = z.custom(hasMethods('chat'), {
  message: 'expected a Transport (an object with a chat() method)',
});

const opt = z.optional;

const BUILT_IN_GATEWAYS: ReadonlySet<string> = new Set(['litellm', 'openrouter', 'direct']);
const extraGateway = z.strictObject({
  id: z.string({ message: 'expected a gateway id string, e.g. "litellm-eu"' }).check(
    z.regex(PROVIDER_ID, 'expected a gateway id: lower-case letters, digits and -, e.g. "litellm-eu"'),
    z.refine(
      (id) => !BUILT_IN_GATEWAYS.has(id),
      'is a built-in gateway: configure it under gateways.litellm, gateways.openrouter or gateways.direct',
    ),
  ),
  kind: z.enum(['litellm', 'openai-compatible'], { message: "expected 'litellm' or 'openai-compatible'" }),
  // Both kinds append paths: /v1/chat/completions and /health/… to a proxy root, /chat/completions to the other.
  baseURL: httpUrl({ appendsPaths: true }),
  apiKey: opt(apiKey('gateway key')),
  headers: opt(headers),
  models: opt(modelNames),
  enabled: opt(z.boolean()),
});
const extraGateways = z
  .array(extraGateway, { message: 'expected an array of gateways, e.g. [{ id, kind, baseURL }]' })
  .check(
    z.maxLength(16, 'expected at most 16 extra gateways'),
    // Runs even when an entry failed its own checks, so a repeated id is reported with them.
    z.superRefine(
      (gateways, context) => {
        const seen = new Set<unknown>();
        gateways.forEach((gateway: unknown, index) => {
          const id =
            typeof gateway === 'object' && gateway !== null ? (gateway as { id?: unknown }).id : undefined;
          if (typeof id !== 'string') return;
          if (seen.has(id))
            context.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: 'is the id of an earlier gateway: give each gateway its own id',
            });
          seen.add(id);
        });
      },
      { when: (payload) => Array.isArray(payload.value) },
    ),
  );

export const routerSettingsSchema = z.strictObject(
  {
    gateways: opt(
      z.strictObject({
        litellm: opt(
          z.strictObject({
            enabled: opt(z.boolean()),
            baseURL: opt(httpUrl({ appendsPaths: true })),
            apiKey: opt(apiKey('LiteLLM virtual key')),
            headers: opt(headers),
            models: opt(modelNames),
          }),
        ),
        openrouter: opt(
          z.strictObject({
            enabled: opt(z.boolean()),
            baseURL: opt(httpUrl({ appendsPaths: true })),
            apiKey: opt(apiKey('OpenRouter key (sk-or-v1-…)')),
            appUrl: opt(httpUrl({ appendsPaths: false })),
            appName: opt(headerValue),
            headers: opt(headers),
            models: opt(modelNames),
          }),
        ),
        direct: opt(z.strictObject({ enabled: opt(z.boolean()), models: opt(modelNames) })),
        extra: opt(extraGateways),
      }),
    ),
    providers: opt(
      z.record(providerId, providerSettings, {
        message: 'expected an object of provider ids to provider settings',
      }),
    ),
    catalog: opt(catalogSettings),
    ranking: opt(rankingPolicy),
    retry: opt(
      z.strictObject({
        maxRetries: opt(
          z
            .number()
            .check(
              whole('expected a whole number of retries'),
              z.minimum(0),
              z.maximum(10, 'expected at most 10 retries'),
            ),
        ),
        baseDelayMs: opt(nonNegativeMilliseconds),
        maxDelayMs: opt(nonNegativeMilliseconds),
        maxRetryAfterMs: opt(nonNegativeMilliseconds),
        maxCandidates: opt(
          z.number().check(whole('expected a whole number of candidates'), z.minimum(1), z.maximum(100)),
        ),
      }),
    ),
    breaker: opt(
      z
        .strictObject({
          errorThresholdPercent: opt(
            z
              .number({ message: 'expected a percentage between 0 and 100' })
              .check(
                z.gt(0, 'expected a percentage between 0 and 100'),
                z.maximum(100, 'expected a percentage between 0 and 100'),
              ),
          ),
          volumeThreshold: opt(count('calls', 1_000_000)),
          rollingWindowMs: opt(milliseconds),
          rollingWindowBuckets: opt(
            z
              .number({ message: 'expected a number of buckets' })
              .check(
                whole('expected a whole number of buckets'),
                z.minimum(1, 'expected 1 or more buckets'),
                z.maximum(MAX_BUCKETS, `expected at most ${MAX_BUCKETS} buckets`),
              ),
          ),
          resetTimeoutMs: opt(milliseconds),
          consecutiveFailures: opt(count('failures', 1_000_000)),
          probeIntervalMs: opt(nonNegativeMilliseconds),
          probeTimeoutMs: opt(milliseconds),
        })
        .check(
          z.superRefine((breaker, context) => {
            // Statistics rotate once per bucket on a timer: a bucket shorter than this would keep a
            // timer firing every millisecond for the router's whole life.
            const windowMs = breaker.rollingWindowMs ?? DEFAULT_BREAKER_SETTINGS.rollingWindowMs;
            const buckets = breaker.rollingWindowBuckets ?? DEFAULT_BREAKER_SETTINGS.rollingWindowBuckets;
            // Only between values that passed their own checks (zod runs this even when one failed).
            if (typeof windowMs !== 'number' || typeof buckets !== 'number' || buckets > MAX_BUCKETS) return;
            if (windowMs / buckets < MIN_BUCKET_MS)
              context.addIssue({
                code: 'custom',
                path: ['rollingWindowBuckets'],
                message: `expected buckets of ${MIN_BUCKET_MS} ms or more (rollingWindowMs / rollingWindowBuckets = ${windowMs} / ${buckets})`,
              });
          }),
        ),
    ),
    timeoutMs: opt(milliseconds),
    attemptTimeoutMs: opt(milliseconds),
    expectedOutputTokens: opt(tokens),
    keys: opt(
      z.custom(hasMethods('resolve', 'reportRejected'), {
        message: 'expected a KeyVault (from createKeyVault())',
      }),
    ),
    byok: opt(
      z.enum(['required', 'preferred', 'off'], { message: "expected 'required', 'preferred' or 'off'" }),
    ),
    byokAllowOpenRouter: opt(z.boolean()),
    limits: opt(
      z.strictObject({
        users: opt(z.record(nonEmptyString, limitSettingsSchema)),
        keys: opt(z.record(nonEmptyString, limitSettingsSchema)),
        timeZone: opt(limitTimeZoneSchema),
        store: opt(
          z.custom(hasMethods('reserve', 'settle', 'release', 'block', 'read'), {
            message: 'expected a LimitStore',
          }),
        ),
      }),
    ),
    usage: opt(
      z.custom(hasMethods('record', 'query'), { message: 'expected a UsageTracker (record() and query())' }),
    ),
    logger: opt(
      z.union([z.literal(false), z.custom(hasMethods('warn', 'error'), { message: '' })], {
        message: 'expected false or a console-compatible logger (warn() and error())',
      }),
    ),
    clock: opt(clockSchema),
    fetch: opt(fn('a fetch function')),
    answerLimits: opt(answerLimitsSchema),
    transports: opt(
      z.strictObject({
        litellm: opt(transport),
        openrouter: opt(transport),
        direct: opt(transport),
      }),
    ),
  },
  { message: 'expected an object of settings (or no argument at all)' },
);

export { checkSettings } from '../errors/check-settings.ts';
