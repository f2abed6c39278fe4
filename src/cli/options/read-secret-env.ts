import type { CliIo } from '../cli-io.ts';
import { type Flags, flagError } from '../flags.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * A credential from the environment variable a `--…-env` flag names (or `fallback` when the flag
 * is absent). An explicitly named variable must be set; the fallback may be unset (`undefined`).
 * The value is registered as a secret so no output of the CLI can show it.
 */
export function readSecretEnv(
  io: CliIo,
  flags: Flags,
  name: string,
  fallback: string,
): { readonly variable: string; readonly value: string | undefined } {
  const named = flags.string(name);
  const variable = named ?? fallback;
  if (!ENV_NAME.test(variable))
    throw flagError(
      flags,
      name,
      'expected the name of an environment variable, e.g. LITELLM_API_KEY (not the key itself).',
    );
  const raw = io.env[variable];
  const value = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  if (value !== undefined) io.addSecret(value);
  if (named !== undefined && value === undefined)
    throw flagError(flags, name, `the environment variable ${variable} is not set (or is blank).`);
  return { variable, value };
}
