/**
 * What kind of value was passed, for an error message: `a number`, `null`, `an array`… Never the
 * value itself: it may be anything, a secret included, and printing it may throw (a BigInt, a
 * Symbol, an object whose `toString` throws).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return 'an infinite number';
  }
  const type = typeof value;
  return `${type === 'object' ? 'an' : 'a'} ${type === 'bigint' ? 'BigInt' : type}`;
}
