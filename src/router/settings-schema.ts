import { z } from 'zod';
import { clockSchema, hasMethods } from '../errors/check-settings.ts';
import { limitSettingsSchema, limitTimeZoneSchema } from '../limits/limit-settings-schema.ts';

const PROVIDERS = ['openai', 'anthropic', 'google', 'cohere', 'mistral'] as const;

const isFunction = (value: unknown) => typeof value === 'function';
const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>(isFunction, { message: `expected ${what}` });

const httpUrl = z
  .string({ message: 'expected a URL string such as "https://litellm.example.com"' })
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value), {
    message: 'expected an http(s) URL, e.g. "https://litellm.example.com"',
  });
const milliseconds = z
  .number({ message: 'expected a number of milliseconds' })
  .int('expected a whole number of milliseconds')
  .positive('expected a positive number of milliseconds');
const nonNegativeMilliseconds = z
  .number({ message: 'expected a number of milliseconds' })
  .int('expected a whole number of milliseconds')
  .min(0, 'expected 0 or more milliseconds');
const secret = z.union(
  [z.string().min(1, 'expected a non-empty key'), fn('a key string or a function returning one')],
  {
    message: 'expected a key string or a function returning one',
  },
);
const headers = z.record(z.string(), z.string(), {
  message: 'expected an object of header names to string values',
});
const modelNames = z.record(z.string(), z.string().min(1), {
  message: 'expected an object of catalog ids to model names',
});

const providerSettings = z.strictObject({
  enabled: z.boolean().optional(),
  models: z.array(z.string().min(1)).optional(),
  apiKey: secret.optional(),
  baseURL: httpUrl.optional(),
  limits: limitSettingsSchema.optional(),
});

const pricing = z.strictObject({
  inputPerToken: z.number().min(0, 'expected a USD price per token, 0 or more'),
  outputPerToken: z.number().min(0, 'expected a USD price per token, 0 or more'),
  cachedInputPerToken: z.number().min(0).optional(),
});

const modelDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+\/.+$/, 'expected "<provider>/<model>", e.g. "openai/gpt-5.4-mini"'),
  provider: z.enum(PROVIDERS),
  name: z.string(),
  tier: z.enum(['flagship', 'cheap']),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
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
});

const catalogObject = z.strictObject({
  includeDefaults: z.boolean().optional(),
  models: z.array(modelDefinition).optional(),
  prices: z.record(z.string(), pricing.partial()).optional(),
  date: z.string().optional(),
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

const rankingPolicy = z.union(
  [
    z.enum(['cheapest', 'available']),
    z.strictObject({
      weights: z.strictObject({
        cost: z.number().min(0).optional(),
        availability: z.number().min(0).optional(),
        latency: z.number().min(0).optional(),
      }),
    }),
    fn('a ranking function'),
  ],
  { message: `expected 'cheapest', 'available', { weights: { cost, availability, latency } } or a function` },
);

const transport = z.custom(hasMethods('chat'), {
  message: 'expected a Transport (an object with a chat() method)',
});

export const routerSettingsSchema = z.strictObject({
  gateways: z
    .strictObject({
      litellm: z
        .strictObject({
          enabled: z.boolean().optional(),
          baseURL: httpUrl.optional(),
          apiKey: z.string().min(1, 'expected a non-empty LiteLLM virtual key').optional(),
          headers: headers.optional(),
          models: modelNames.optional(),
        })
        .optional(),
      openrouter: z
        .strictObject({
          enabled: z.boolean().optional(),
          baseURL: httpUrl.optional(),
          apiKey: z.string().min(1, 'expected a non-empty OpenRouter key (sk-or-v1-…)').optional(),
          appUrl: httpUrl.optional(),
          appName: z.string().optional(),
          headers: headers.optional(),
          models: modelNames.optional(),
        })
        .optional(),
      direct: z.strictObject({ enabled: z.boolean().optional(), models: modelNames.optional() }).optional(),
    })
    .optional(),
  providers: z
    .strictObject({
      openai: providerSettings.optional(),
      anthropic: providerSettings.optional(),
      google: providerSettings.optional(),
      cohere: providerSettings.optional(),
      mistral: providerSettings.optional(),
    })
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
      errorThresholdPercent: z.number().gt(0).max(100, 'expected a percentage between 0 and 100').optional(),
      volumeThreshold: z.number().int().min(0).optional(),
      rollingWindowMs: milliseconds.optional(),
      rollingWindowBuckets: z.number().int().positive().optional(),
      resetTimeoutMs: milliseconds.optional(),
      consecutiveFailures: z.number().int('expected a whole number of failures').min(0).optional(),
      probeIntervalMs: nonNegativeMilliseconds.optional(),
      probeTimeoutMs: milliseconds.optional(),
    })
    .optional(),
  timeoutMs: milliseconds.optional(),
  attemptTimeoutMs: milliseconds.optional(),
  expectedOutputTokens: z.number().int().positive().optional(),
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
  transports: z
    .strictObject({
      litellm: transport.optional(),
      openrouter: transport.optional(),
      direct: transport.optional(),
    })
    .optional(),
});

export { checkSettings } from '../errors/check-settings.ts';
