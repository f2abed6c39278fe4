// What every property-based case asserts about its outcome, whatever the entry point: a normal
// result or an exported typed error; no hang; no impossible number; no secret; no polluted prototype.
import { inspect } from 'node:util';
import { expect } from 'vitest';
import * as publicApi from '../../src/index.ts';
import { RouterError } from '../../src/index.ts';

/** Names of the error classes the package exports (every subclass of RouterError in the root). */
export const EXPORTED_ERRORS: ReadonlySet<string> = new Set(
  Object.entries(publicApi)
    .filter(
      ([, value]) =>
        typeof value === 'function' && (value === RouterError || value.prototype instanceof RouterError),
    )
    .map(([name]) => name),
);

/** The thrown value is one of the package's exported error classes, recognised by `isInstance()`. */
export function expectTypedError(error: unknown): asserts error is RouterError {
  if (!RouterError.isInstance(error)) {
    throw new Error(`expected a RouterError, got ${inspect(error, { depth: 2 }).slice(0, 500)}`);
  }
  expect(EXPORTED_ERRORS.has(error.name), `${error.name} is not an exported error class`).toBe(true);
  expect(error.message.length).toBeGreaterThan(0);
}

/** Every text form of `value` (message, JSON, inspect) is free of `marker`. */
export function expectNoSecret(value: unknown, marker: string): void {
  const forms = [inspect(value, { depth: 8, showHidden: false })];
  try {
    forms.push(JSON.stringify(value) ?? '');
  } catch {
    // Values that cannot be serialised are covered by inspect().
  }
  if (value instanceof Error) forms.push(value.message, String(value.stack));
  for (const form of forms) {
    if (form.includes(marker)) throw new Error(`a secret reached an output: ${form.slice(0, 300)}`);
  }
}

const TOKEN_FIELD = /tokens$/i;
const MONEY_FIELD = /(usd|cost)$/i;

/**
 * Every token count and money amount in `value` (found by field name: `…Tokens`, `…Usd`, `cost…`)
 * is finite and not negative, and token counts are whole.
 */
export function expectSaneNumbers(value: unknown, where: string, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'number') {
      const path = `${where}.${key}`;
      if (TOKEN_FIELD.test(key) || MONEY_FIELD.test(key)) {
        expect(Number.isFinite(entry), `${path} is ${entry}`).toBe(true);
        expect(entry >= 0, `${path} is ${entry}`).toBe(true);
      }
      if (TOKEN_FIELD.test(key)) expect(Number.isInteger(entry), `${path} is ${entry}`).toBe(true);
    } else expectSaneNumbers(entry, `${where}.${key}`, seen);
  }
}

interface PrototypeSnapshot {
  readonly object: string[];
  readonly array: string[];
}

function names(target: object): string[] {
  return Reflect.ownKeys(target)
    .map((key) => String(key))
    .sort();
}

/** The own keys of `Object.prototype` and `Array.prototype`, to compare after a case. */
export function snapshotPrototypes(): PrototypeSnapshot {
  return { object: names(Object.prototype), array: names(Array.prototype) };
}

/** Neither prototype gained or lost a key, and no array or object reads a polluted property. */
export function expectPrototypesUntouched(before: PrototypeSnapshot): void {
  expect(names(Object.prototype)).toEqual(before.object);
  expect(names(Array.prototype)).toEqual(before.array);
  const probe = {} as Record<string, unknown>;
  expect(probe.id ?? probe.name ?? ([] as unknown as Record<string, unknown>).id).toBeUndefined();
}

/** `promise`, or a failure naming `what` when it has not settled within `ms` of real time. */
export async function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}
