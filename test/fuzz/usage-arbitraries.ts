import fc from 'fast-check';
import { createModelCatalog } from '../../src/catalog/index.ts';

// Generated inputs of the usage reports, as plain printable data. Values no generator can print
// (cyclic objects, Proxies, throwing getters) are tagged `{ $hostile: kind }` and only built by
// `materialize()` inside a property, so a failing case still prints and replays.

const HOSTILE = '$hostile';
const HOSTILE_KINDS = [
  'cyclic',
  'throwing-getter',
  'revoked-proxy',
  'throwing-proxy',
  'throwing-array-proxy',
  'invalid-date',
  'valid-date',
  'function',
  'null-prototype',
  'catalog',
] as const;
type HostileKind = (typeof HOSTILE_KINDS)[number];

/** The catalog `{ $hostile: 'catalog' }` stands for: a real one, so savings lines can succeed. */
export const fuzzCatalog = createModelCatalog();
const MODEL_IDS = fuzzCatalog.list().map((model) => model.id);

function build(kind: HostileKind): unknown {
  switch (kind) {
    case 'cyclic': {
      const object: Record<string, unknown> = { user: 'ada' };
      object.self = object;
      object.list = [object];
      return object;
    }
    case 'throwing-getter':
      return Object.defineProperty({}, 'groupBy', {
        enumerable: true,
        get() {
          throw new Error('getter says no');
        },
      });
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 'throwing-proxy':
    case 'throwing-array-proxy':
      return new Proxy(kind === 'throwing-proxy' ? {} : [], {
        get() {
          throw new Error('trap says no');
        },
        ownKeys() {
          throw new Error('trap says no');
        },
        getPrototypeOf() {
          throw new Error('trap says no');
        },
      });
    case 'invalid-date':
      return new Date(Number.NaN);
    case 'valid-date':
      return new Date(Date.UTC(2026, 4, 1));
    case 'function':
      return () => 'user';
    case 'null-prototype':
      return Object.assign(Object.create(null), { user: 'ada' });
    case 'catalog':
      return fuzzCatalog;
  }
}

/** Builds the hostile values a generated value stands for (deeply, through arrays and plain objects). */
export function materialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const kind = (value as Record<string, unknown>)[HOSTILE];
  if (typeof kind === 'string' && Object.keys(value).length === 1) return build(kind as HostileKind);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, materialize(item)]));
}

const hostile = fc.constantFrom(...HOSTILE_KINDS).map((kind) => ({ [HOSTILE]: kind }));

/** Anything a caller could pass by mistake. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 3, withBigInt: true, withDate: true, withNullPrototype: true }),
  hostile,
  fc.constantFrom(null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5, '', 'user', [], {}),
  fc.bigInt(),
  fc.string().map((text) => Symbol(text)),
);

/** Mostly `valid`, sometimes garbage. */
function mostly<T>(valid: fc.Arbitrary<T>, weight = 20): fc.Arbitrary<unknown> {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: garbage });
}

const BLANKS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u000b',
  '\u00a0',
  '\u3000',
  '\u200b',
  '\ufeff',
  '\u202e',
  '\u2800',
];
const STARTERS = [
  '=',
  '+',
  '-',
  '@',
  '＝',
  '＋',
  '－',
  '＠',
  '﹦',
  '⁼',
  '₌',
  '﹢',
  '⁺',
  '﹣',
  '−',
  '–',
  '﹫',
];

/** Text a spreadsheet could run: blanks, controls or invisible characters, then a formula starter. */
const formulaText = fc
  .tuple(fc.array(fc.constantFrom(...BLANKS), { maxLength: 3 }), fc.constantFrom(...STARTERS), fc.string())
  .map(([blanks, starter, rest]) => `${blanks.join('')}${starter}${rest}`);

/** Any text, formulas and full Unicode included. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('ada', 'bob', 'team-a', 'a,b', 'say "hi"', 'two\nlines'),
  formulaText,
  fc.string({ unit: 'binary', maxLength: 12 }),
);

// Each field of a record is garbage about once in 30, so about half the records are sound.
const RECORD_WEIGHT = 30;
const time = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });
const badNumber = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    1.5,
    1e308,
    1_000_000_001,
  ),
  fc.double(),
  fc.bigInt(),
  fc.constant('5'),
);
const tokens = fc.oneof(
  { weight: RECORD_WEIGHT, arbitrary: fc.nat({ max: 200_000 }) },
  { weight: 1, arbitrary: badNumber },
);
const cost = fc.oneof(
  { weight: RECORD_WEIGHT, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.oneof(badNumber, fc.constantFrom(-0.01, 1e30, 1_000_001)) },
);
const field = <T>(valid: fc.Arbitrary<T>) => mostly(valid, RECORD_WEIGHT);
// Mostly a few recurring names, so groups and filters meet; any text now and then.
const optionalText = field(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('ada', 'bob', undefined) },
    { weight: 2, arbitrary: text },
  ),
);

/** A usage record, each field now and then garbage (a ledger written before answers were checked). */
export const record: fc.Arbitrary<unknown> = fc.record({
  id: fc.uuid(),
  callId: field(fc.uuid()),
  startedAt: fc.oneof({ weight: RECORD_WEIGHT, arbitrary: time }, { weight: 1, arbitrary: badNumber }),
  finishedAt: field(time),
  user: optionalText,
  keyId: optionalText,
  provider: field(fc.constantFrom('openai', 'anthropic', 'google', undefined)),
  model: field(fc.oneof(fc.constantFrom(...MODEL_IDS), text)),
  gateway: field(fc.constantFrom('litellm', 'openrouter', 'direct', undefined)),
  inputTokens: tokens,
  outputTokens: tokens,
  cachedInputTokens: tokens,
  costUsd: cost,
  costSource: field(fc.constantFrom('gateway', 'catalog', 'estimated', 'none')),
  latencyMs: fc.oneof(
    { weight: RECORD_WEIGHT, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: badNumber },
  ),
  timeToFirstTokenMs: field(fc.constantFrom(undefined, 12)),
  attempts: field(fc.nat({ max: 5 })),
  fallback: field(fc.boolean()),
  tags: field(fc.array(text, { maxLength: 3 })),
  status: field(fc.constantFrom('ok', 'error', 'aborted')),
  errorKind: field(fc.constantFrom(undefined, 'timeout')),
  stream: field(fc.boolean()),
});

/** What a tracker may hold: records, now and then something that is not one at all. */
export const records = fc.array(
  fc.oneof({ weight: 12, arbitrary: record }, { weight: 1, arbitrary: garbage }),
  {
    maxLength: 25,
    size: 'medium',
  },
);

const GROUP_KEYS = ['user', 'key', 'provider', 'model', 'gateway', 'tag', 'day'];
// A period that usually covers part of the year's records: from in its first half, to in its second.
const fromOption = mostly(
  fc.oneof(
    fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2026, 5, 30) }),
    fc.constant({ [HOSTILE]: 'valid-date' }),
  ),
  15,
);
const toOption = mostly(fc.integer({ min: Date.UTC(2026, 6, 1), max: Date.UTC(2027, 0, 1) }), 15);
// A filter of one field, so that some records still match.
const filter = mostly(
  fc.oneof(
    fc.record({ user: mostly(fc.constantFrom('ada', 'bob')) }),
    fc.record({ status: mostly(fc.constantFrom('ok', 'error', 'aborted')) }),
    fc.record({ tag: mostly(text) }),
    fc.record(
      {
        provider: mostly(fc.constantFrom('openai', 'anthropic')),
        gateway: mostly(fc.constantFrom('litellm', 'openrouter')),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      { from: fromOption, to: toOption, model: mostly(fc.constantFrom(...MODEL_IDS)), keyId: mostly(text) },
      { requiredKeys: [] },
    ),
  ),
  12,
);
const baseline = mostly(
  fc.oneof(
    fc.record(
      {
        model: mostly(fc.constantFrom(...MODEL_IDS)),
        gateway: mostly(fc.constantFrom('litellm', 'openrouter')),
      },
      { requiredKeys: ['model'] },
    ),
    fc.record(
      {
        mostExpensive: mostly(fc.constant(true)),
        models: mostly(fc.array(fc.constantFrom(...MODEL_IDS), { maxLength: 3 })),
      },
      { requiredKeys: ['mostExpensive'] },
    ),
  ),
  15,
);
const savings = mostly(
  fc.record(
    { baseline, catalog: mostly(fc.constant({ [HOSTILE]: 'catalog' })) },
    { requiredKeys: ['baseline'] },
  ),
  12,
);
const groupBy = fc.oneof(
  { weight: 14, arbitrary: fc.shuffledSubarray(GROUP_KEYS, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(mostly(fc.constantFrom(...GROUP_KEYS), 3), { maxLength: 3 }) },
  { weight: 1, arbitrary: garbage },
);

/** Options of a report: mostly well formed, any level of them now and then garbage or misspelt. */
export const reportOptions: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ from: fromOption, to: toOption, groupBy, filter, savings }, { requiredKeys: [] }),
  },
  { weight: 1, arbitrary: fc.record({ groupby: groupBy, filters: filter }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: garbage },
);

/** Options of a cost attribution. */
export const attributionOptions: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      { by: mostly(fc.constantFrom('key', 'user'), 15), from: fromOption, filter },
      { requiredKeys: ['by'] },
    ),
  },
  { weight: 1, arbitrary: garbage },
);
