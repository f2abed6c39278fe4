import { z } from 'zod';
import { DEFAULT_BREAKER_SETTINGS } from '../breaker/circuit-breaker.ts';
import { clockSchema, hasMethods } from '../errors/check-settings.ts';
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
const secret = z.unknown().superRefine((value, context) => {
  if (typeof value === 'function') return;
  if (typeof value !== 'string') {
    context.addIssue({ code: 'custom', message: 'expected a key string or a function returning one' });
    return;
  }
  const result = keyString.safeParse(value);
  if (!result.success)
    for (const issue of result.error.issues) context.addIssue({ code: 'custom', message: issue.message });
});
const modelNames = z.record(z.string(), z.string().min(1), {
  message: 'expected an object of catalog ids to model names',
});

const providerSettings = z.strictObject({
  enabled: z.boolean().optional(),
  models: z.array(z.string().min(1)).optional(),
  apiKey: secret.optional(),
  baseURL: httpUrl({ appendsPaths: true }).optional(),
  limits: limitSettingsSchema.optional(),
});

const tokenPrices = {
  inputPerToken: usdPerToken,
  outputPerToken: usdPerToken,
  cachedInputPerToken: usdPerToken.optional(),
  cacheWriteInputPerToken: usdPerToken.optional(),
};
const pricing = z.strictObject({
  ...tokenPrices,
  tiers: z
    .array(z.strictObject({ aboveInputTokens: tokens, ...tokenPrices }))
    .max(100)
    .optional(),
});
// Accepted so a bundled model can be spread into catalog.models; a user model's prices are `user`.
const provenance = z.unknown().optional();

const modelDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+\/.+$/, 'expected "<provider>/<model>", e.g. "openai/gpt-5.4-mini"'),
  provider: z.string().regex(PROVIDER_ID, 'expected a provider id: lower-case letters, digits and -'),
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
    litellm: z.string().optional(),
    openrouter: z.string().optional(),
    direct: z.string().optional(),
  }),
  gatewayPricing: z
    .strictObject({ litellm: pricing.optional(), openrouter: pricing.optional(), direct: pricing.optional() })
    .optional(),
  pricingSource: provenance,
  gatewayPricingSources: provenance,
});

const catalogObject = z.strictObject({
  includeDefaults: z.boolean().optional(),
  models: z.array(modelDefinition).optional(),
  prices: z.record(z.string(), pricing.partial()).optional(),
  // It dates prices on results (`cost.priceSource.asOf`): a day, never free text.
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date, YYYY-MM-DD, e.g. "2026-05-01"')
    .optional(),
  refreshIntervalMs: z
    .number({ message: 'expected a number of milliseconds' })
    .int('expected a whole number of milliseconds')
    .min(0, 'expected 0 (off) or 60000 milliseconds or more')
    .max(2 ** 31 - 1, 'expected at most 2147483647 milliseconds (about 24.8 days)')
    .refine((value) => value === 0 || value >= 60_000, 'expected 0 (off) or 60000 milliseconds or more')
    .optional(),
  providers: z
    .array(z.string().regex(PROVIDER_ID, 'expected a provider id: lower-case letters, digits and -'))
    .max(1_000)
    .optional(),
});

// A ModelCatalog object, or settings for the bundled one. Not a z.union: a union reports only
// "no branch matched", while users need to hear which field of which model is wrong.
const catalogSettings = z.unknown().superRefine((value, context) => {
  if (hasMethods('get', 'list', 'pricing')(value)) return;
  const result = catalogObject.safeParse(value);
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
});

const weight = z
  .number({ message: 'expected a weight from 0 to 1000' })
  .min(0, 'expected a weight from 0 to 1000')
  .max(1000, 'expected a weight from 0 to 1000');

const rankingPolicy = z.union(
  [
    z.enum(['cheapest', 'available']),
    z.strictObject({
      weights: z.strictObject({
        cost: weight.optional(),
        availability: weight.optional(),
        latency: weight.optional(),
      }),
    }),
    fn('a ranking function'),
  ],
  { message: `expected 'cheapest', 'available', { weights: { cost, availability, latency } } or a function` },
);

const transport = z.custom(hasMethods('chat'), {
  message: 'expected a Transport (an object with a chat() method)',
});

export const routerSettingsSchema = z.strictObject(
  {
    gateways: z
      .strictObject({
        litellm: z
          .strictObject({
            enabled: z.boolean().optional(),
            baseURL: httpUrl({ appendsPaths: true }).optional(),
            apiKey: apiKey('LiteLLM virtual key').optional(),
            headers: headers.optional(),
            models: modelNames.optional(),
          })
          .optional(),
        openrouter: z
          .strictObject({
            enabled: z.boolean().optional(),
            baseURL: httpUrl({ appendsPaths: true }).optional(),
            apiKey: apiKey('OpenRouter key (sk-or-v1-…)').optional(),
            appUrl: httpUrl({ appendsPaths: false }).optional(),
            appName: headerValue.optional(),
            headers: headers.optional(),
            models: modelNames.optional(),
          })
          .optional(),
        direct: z.strictObject({ enabled: z.boolean().optional(), models: modelNames.optional() }).optional(),
      })
      .optional(),
    providers: z
      .record(
        z.string().regex(PROVIDER_ID, 'expected a provider id: lower-case letters, digits and -'),
        providerSettings,
        { message: 'expected an object of provider ids to provider settings' },
      )
      .optional(),
    catalog: catalogSettings.optional(),
    ranking: rankingPolicy.optional(),
    retry: z
      .strictObject({
        maxRetries: z
          .number()
          .int('expected a whole number of retries')
          .min(0)
          .max(10, 'expected at most 10 retries')
          .optional(),
        baseDelayMs: nonNegativeMilliseconds.optional(),
        maxDelayMs: nonNegativeMilliseconds.optional(),
        maxRetryAfterMs: nonNegativeMilliseconds.optional(),
        maxCandidates: z.number().int('expected a whole number of candidates').min(1).max(100).optional(),
      })
      .optional(),
    breaker: z
      .strictObject({
        errorThresholdPercent: z
          .number({ message: 'expected a percentage between 0 and 100' })
          .gt(0, 'expected a percentage between 0 and 100')
          .max(100, 'expected a percentage between 0 and 100')
          .optional(),
        volumeThreshold: count('calls', 1_000_000).optional(),
        rollingWindowMs: milliseconds.optional(),
        rollingWindowBuckets: z
          .number({ message: 'expected a number of buckets' })
          .int('expected a whole number of buckets')
          .min(1, 'expected 1 or more buckets')
          .max(MAX_BUCKETS, `expected at most ${MAX_BUCKETS} buckets`)
          .optional(),
        resetTimeoutMs: milliseconds.optional(),
        consecutiveFailures: count('failures', 1_000_000).optional(),
        probeIntervalMs: nonNegativeMilliseconds.optional(),
        probeTimeoutMs: milliseconds.optional(),
      })
      .superRefine((breaker, context) => {
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
      })
      .optional(),
    timeoutMs: milliseconds.optional(),
    attemptTimeoutMs: milliseconds.optional(),
    expectedOutputTokens: tokens.optional(),
    keys: z
      .custom(hasMethods('resolve', 'reportRejected'), {
        message: 'expected a KeyVault (from createKeyVault())',
      })
      .optional(),
    byok: z
      .enum(['required', 'preferred', 'off'], { message: "expected 'required', 'preferred' or 'off'" })
      .optional(),
    byokAllowOpenRouter: z.boolean().optional(),
    limits: z
      .strictObject({
        users: z.record(z.string().min(1), limitSettingsSchema).optional(),
        keys: z.record(z.string().min(1), limitSettingsSchema).optional(),
        timeZone: limitTimeZoneSchema.optional(),
        store: z
          .custom(hasMethods('reserve', 'settle', 'release', 'block', 'read'), {
            message: 'expected a LimitStore',
          })
          .optional(),
      })
      .optional(),
    usage: z
      .custom(hasMethods('record', 'query'), { message: 'expected a UsageTracker (record() and query())' })
      .optional(),
    logger: z
      .union([z.literal(false), z.custom(hasMethods('warn', 'error'), { message: '' })], {
        message: 'expected false or a console-compatible logger (warn() and error())',
      })
      .optional(),
    clock: clockSchema.optional(),
    fetch: fn('a fetch function').optional(),
    answerLimits: answerLimitsSchema.optional(),
    transports: z
      .strictObject({
        litellm: transport.optional(),
        openrouter: transport.optional(),
        direct: transport.optional(),
      })
      .optional(),
  },
  { message: 'expected an object of settings (or no argument at all)' },
);

export { checkSettings } from '../errors/check-settings.ts';
