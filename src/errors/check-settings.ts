import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';
import type { Clock } from '../types/clock.ts';
import { InvalidSettingsError, type SettingIssue } from './invalid-settings-error.ts';

// A setting's name as it goes into a message: a key with line breaks, control or non-ASCII
// characters is quoted (JSON-escaped), so that no key can forge or break lines of the message.
function segment(key: PropertyKey): string {
  const text = String(key);
  return /^[\x20-\x7e]*$/.test(text) ? text : JSON.stringify(text);
}

function toIssues(error: z.core.$ZodError): SettingIssue[] {
  const all = error.issues.flatMap((issue): SettingIssue[] => {
    const path = issue.path.map(segment).join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path ? `${path}.` : '';
      return issue.keys.map((key) => ({
        setting: `${where}${segment(key)}`,
        problem: 'unknown setting (check its spelling)',
      }));
    }
    return [{ setting: path || '(settings)', problem: issue.message }];
  });
  // One problem per setting: 1e300 as a number of milliseconds is both fractional and too large,
  // and the first says enough.
  const seen = new Set<string>();
  return all.filter((issue) => !seen.has(issue.setting) && seen.add(issue.setting));
}

// zod/mini loads no messages of its own (that keeps the bundle small); its English messages are
// passed to each parse instead of configured globally, so no module-level state changes.
const messages = { error: english().localeError };

/**
 * Parses with zod's English messages for the issues a schema does not word itself. Every parse of
 * settings goes through here, nested ones included, so every message is in words.
 */
export function parseSetting<T>(schema: z.ZodMiniType<T>, value: unknown) {
  return schema.safeParse(value, messages);
}

/**
 * Checks settings once, at the factory. Throws `InvalidSettingsError` naming each bad setting.
 * `undefined` means "no settings"; anything else (`null` included) must match the schema.
 */
export function checkSettings<T>(schema: z.ZodMiniType<T>, settings: unknown, factory: string): T {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = parseSetting(schema, settings === undefined ? {} : settings);
  } catch {
    // A getter or a Proxy trap that throws while the settings are read. Its error is not kept: it
    // may quote a value.
    throw new InvalidSettingsError({
      factory,
      issues: [
        { setting: '(settings)', problem: 'could not be read (a getter or a Proxy threw); pass plain data' },
      ],
    });
  }
  if (!result.success) throw new InvalidSettingsError({ factory, issues: toIssues(result.error) });
  return result.data;
}

/** A check that `value` is an object with these methods (duck typing for pluggable parts). */
export const hasMethods =
  (...names: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

/** A `Clock` setting (`now()` and `setTimer()`), checked by shape. */
export const clockSchema = z.custom<Clock>(hasMethods('now', 'setTimer'), {
  message: 'expected a Clock (now() and setTimer())',
});

/**
 * A check that a number is whole and exactly representable (what zod's classic `.int()` checked):
 * `z.number().check(whole('expected a whole number of tokens'))`.
 */
export function whole(message: string) {
  return z.refine<number>((value) => Number.isSafeInteger(value), message);
}
