import { CliUsageError } from './cli-usage-error.ts';
import type { OptionSpecs } from './command.ts';

/** What the command line gave, by flag name: a string, strings (`multiple`), or `true`. */
export type FlagValues = Readonly<Record<string, string | readonly string[] | true>>;

/**
 * The flags of one command line, with their environment-variable fallbacks. Reading a flag the
 * command does not declare is a programming error (it throws a `TypeError`).
 */
export interface Flags {
  /** The flag's value, else its environment variable's (blank counts as unset), else `undefined`. */
  string(name: string): string | undefined;
  /** Every value of a `multiple` flag, comma-separated lists split, blanks dropped. */
  list(name: string): readonly string[] | undefined;
  boolean(name: string): boolean;
  /** True when the flag is on the command line (not only in the environment). */
  given(name: string): boolean;
  /** How to name the setting in a message: `--store (or LLM_ROUTER_KEY_STORE)`. */
  label(name: string): string;
  /** The command the flags belong to, e.g. `keys add`. */
  readonly command: string;
  /** The flags the command declares. */
  readonly specs: OptionSpecs;
}

/** The flags of `command`, read from `values` and then from `env`. */
export function createFlags(
  command: string,
  specs: OptionSpecs,
  values: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
): Flags {
  const spec = (name: string) => {
    const found = specs[name];
    if (!found) throw new TypeError(`llm-router ${command}: no flag --${name} is declared.`);
    return found;
  };
  const fromEnv = (name: string): string | undefined => {
    const variable = spec(name).env;
    const value = variable === undefined ? undefined : env[variable];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const raw = (name: string): readonly string[] | undefined => {
    spec(name);
    const value = values[name];
    if (value === undefined || value === true) return undefined;
    return typeof value === 'string' ? [value] : value;
  };
  return {
    command,
    specs,
    string(name) {
      const given = raw(name);
      if (given !== undefined) return given.at(-1);
      return fromEnv(name);
    },
    list(name) {
      const given = raw(name) ?? (fromEnv(name) === undefined ? undefined : [fromEnv(name) as string]);
      if (given === undefined) return undefined;
      return given
        .flatMap((value) => value.split(','))
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },
    boolean(name) {
      if (spec(name).type !== 'boolean')
        throw new TypeError(`llm-router ${command}: --${name} is not a boolean flag.`);
      return values[name] === true;
    },
    given(name) {
      return raw(name) !== undefined || values[name] === true;
    },
    label(name) {
      const variable = spec(name).env;
      return variable === undefined ? `--${name}` : `--${name} (or ${variable})`;
    },
  };
}

/** A usage error about one flag of `flags.command`. */
export function flagError(flags: Flags, name: string, problem: string): CliUsageError {
  return new CliUsageError({ command: flags.command, message: `${flags.label(name)}: ${problem}` });
}
