import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { describeThrown, describeValue } from './describe-value.ts';

// Helpers to read options passed by a caller as untrusted values: each read that throws (a getter,
// a Proxy trap) becomes an InvalidRequestError naming the option, and every message is built from
// `describeValue`, which cannot throw.

/** `prefix.key`, or `key` at the top level. Long keys are cut so an option name stays short. */
export function optionPath(prefix: string, key: string): string {
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return prefix === '' ? shown : `${prefix}.${shown}`;
}

/** An InvalidRequestError saying what `option` got and what it expects. */
export function optionError(option: string, expected: string, got: unknown): InvalidRequestError {
  return new InvalidRequestError({ option, message: `expected ${expected}; got ${describeValue(got)}.` });
}

/** Runs `read`, turning anything it throws into an InvalidRequestError naming `option`. */
export function guardRead<T>(option: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) throw error;
    throw new InvalidRequestError({ option, message: `could not be read (${describeThrown(error)}).` });
  }
}

/** `object[key]`, read once; a throwing getter or trap becomes an error naming the option. */
export function readOption(object: object, key: string, option: string): unknown {
  return guardRead(option, () => (object as Record<string, unknown>)[key]);
}

/** Whether `value` is an object that is not an array (false for anything whose check throws). */
export function isRecordLike(value: unknown): value is object {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Checks that `value` is an options object (not null, not an array) whose own keys are all in
 * `known`, and returns it. `option` names the object itself; `prefix` is what its keys are named
 * under (`''` at the top level, `'filter'`, `'savings.baseline'`).
 */
export function checkOptionsObject(
  value: unknown,
  option: string,
  prefix: string,
  known: readonly string[],
  expected: string,
): object {
  if (!guardRead(option, () => isRecordLike(value))) throw optionError(option, expected, value);
  const keys = guardRead(option, () => Object.keys(value as object));
  for (const key of keys) {
    if (!known.includes(key)) {
      throw new InvalidRequestError({
        option: optionPath(prefix, key),
        message: `unknown option (check its spelling); expected one of ${known.join(', ')}.`,
      });
    }
  }
  return value as object;
}

/** An optional string option: `undefined` or text. */
export function readOptionalText(object: object, key: string, prefix: string): string | undefined {
  const option = optionPath(prefix, key);
  const value = readOption(object, key, option);
  if (value !== undefined && typeof value !== 'string') throw optionError(option, 'text or nothing', value);
  return value;
}

/** An array option read item by item into a plain array (each read guarded). */
export function readArray(value: unknown, option: string, expected: string, maxLength: number): unknown[] {
  if (!guardRead(option, () => Array.isArray(value))) throw optionError(option, expected, value);
  const length = guardRead(option, () => (value as unknown[]).length);
  if (length > maxLength) {
    throw new InvalidRequestError({ option, message: `expected at most ${maxLength} items; got ${length}.` });
  }
  const items: unknown[] = [];
  for (let index = 0; index < length; index++) {
    items.push(guardRead(`${option}[${index}]`, () => (value as unknown[])[index]));
  }
  return items;
}
