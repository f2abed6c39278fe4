import { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import { InvalidSettingsError, type SettingIssue } from './invalid-settings-error.ts';

function toIssues(error: z.ZodError): SettingIssue[] {
  return error.issues.flatMap((issue): SettingIssue[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const where = path ? `${path}.` : '';
      return issue.keys.map((key) => ({
        setting: `${where}${key}`,
        problem: 'unknown setting (check its spelling)',
      }));
    }
    return [{ setting: path || '(settings)', problem: issue.message }];
  });
}

/** Checks settings once, at the factory. Throws `InvalidSettingsError` naming each bad setting. */
export function checkSettings<T>(schema: z.ZodType<T>, settings: unknown, factory: string): T {
  const result = schema.safeParse(settings ?? {});
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
