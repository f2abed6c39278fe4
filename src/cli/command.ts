import type { CliIo } from './cli-io.ts';
import type { ExitCode } from './exit-codes.ts';
import type { Flags } from './flags.ts';

/** One flag of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One letter, e.g. `h` for `-h`. */
  readonly short?: string;
  /** May be given several times (values are collected). */
  readonly multiple?: boolean;
  /** What the value looks like in help, e.g. `<url>`. */
  readonly placeholder?: string;
  /** One line of help. */
  readonly description: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
}

/** Flags by name, without the leading `--`. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument of a command (never a secret: secrets come from standard input). */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

/** What a command runs with. */
export interface CommandContext {
  readonly io: CliIo;
  readonly flags: Flags;
  readonly positionals: readonly string[];
  /** `--json` (or `--format json`): print JSON for scripts instead of tables for people. */
  readonly json: boolean;
  /** `--verbose`: more detail on failures, and the package's info and debug logs. */
  readonly verbose: boolean;
}

/** A command or subcommand, e.g. `health` or `keys add`. */
export interface CommandSpec {
  /** The words that select it: `['keys', 'add']`. */
  readonly path: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs shown under the usage line of its help. */
  readonly details?: readonly string[];
  readonly options: OptionSpecs;
  readonly positionals?: readonly PositionalSpec[];
  /** Example command lines for its help. */
  readonly examples?: readonly string[];
  run(context: CommandContext): Promise<ExitCode>;
}
