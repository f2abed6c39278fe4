// Values a JavaScript caller (or a bad config file) can pass where the types say otherwise.
import fc from 'fast-check';

/** Part of every generated secret; no output may contain it. */
export const SECRET_MARKER = 'SECRETMARK9q7';

/** Object keys that are hard on code that copies or indexes objects. */
const hostileKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'length', '0', '');

/** Strings that are valid-looking but wrong for a setting or an option. */
const hostileStrings = fc.constantFrom(
  '',
  'http://admin:password@host',
  ' ',
  'http://%zz',
  'http://[::1',
  'http://host:99999',
  'http://ho st',
  'http://host\u0000',
  'javascript:alert(1)',
  'ftp://host',
  'Coffee ☕',
  'a\r\nb',
  '\u0000',
  '\u{1F600}',
  'x'.repeat(10_000),
);

/** A generated secret: a key-shaped string carrying the marker. */
export const secretString = fc
  .string({ minLength: 0, maxLength: 8 })
  .map((tail) => `sk-${SECRET_MARKER}-${tail}`);

/** Numbers at and past every boundary: huge, tiny, fractional, negative, not finite. */
export const hostileNumbers = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.integer(),
);

/**
 * Anything at all, from a plain number to an object with hostile keys, BigInt or a symbol. With
 * `secrets`, some values are marked secrets (keys, URLs with a password) that no output may show.
 */
export function garbageValue({ secrets }: { secrets: boolean }): fc.Arbitrary<unknown> {
  const values: fc.Arbitrary<unknown>[] = [
    fc.anything({
      maxDepth: 2,
      maxKeys: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      key: fc.oneof(fc.string({ maxLength: 6 }), hostileKeys),
    }),
    hostileNumbers,
    hostileStrings,
    fc.constantFrom(null, undefined, true, false, [], {}, Symbol('garbage'), 10n, () => 'x'),
  ];
  if (secrets)
    values.push(
      secretString,
      secretString.map((key) => `http://admin:${key}@host`),
      secretString.map((key) => `${key}\r\n`),
      secretString.map((key) => `${key}☕`),
    );
  return fc.oneof(...values);
}
