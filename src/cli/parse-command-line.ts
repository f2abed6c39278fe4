import { parseArgs } from 'node:util';
import { CliUsageError } from './cli-usage-error.ts';
import type { CommandSpec, OptionSpecs } from './command.ts';
import type { FlagValues } from './flags.ts';
import { refuseSecretFlags } from './refuse-secret-flags.ts';

/** Flags every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', description: 'Show this help and exit.' },
  version: { type: 'boolean', short: 'V', description: 'Print the version and exit.' },
  verbose: {
    type: 'boolean',
    description: 'On failure, print the whole error (stack and causes), not just its message.',
  },
  json: { type: 'boolean', description: 'Print JSON for scripts instead of tables.' },
};

/** What the command line asks for. */
export type ParsedCommandLine =
  | { readonly kind: 'version' }
  /** Help of a command, a group (`keys`) or the top level (`[]`). */
  | { readonly kind: 'help'; readonly path: readonly string[] }
  | {
      readonly kind: 'run';
      readonly command: CommandSpec;
      readonly values: FlagValues;
      readonly positionals: readonly string[];
    };

const WORD = /^[a-z][a-z0-9-]{0,39}$/;

/** A command word or flag name safe to quote back (a mistyped word, never something that may be a key). */
function quote(text: string, what: string): string {
  return WORD.test(text.replace(/^-{1,2}/, '')) && text.length <= 42 ? `${what} "${text}"` : `a ${what}`;
}

function samePath(path: readonly string[], words: readonly string[]): boolean {
  return path.length === words.length && path.every((word, index) => words[index] === word);
}

/** Leading words that name a command or group, skipping the global boolean flags around them. */
function commandWords(argv: readonly string[], commands: readonly CommandSpec[]) {
  const words: string[] = [];
  const rest: string[] = [];
  let collecting = true;
  for (const argument of argv) {
    if (collecting && !argument.startsWith('-')) {
      const candidate = [...words, argument];
      const known = commands.some((command) =>
        candidate.every((word, index) => command.path[index] === word),
      );
      if (known) {
        words.push(argument);
        continue;
      }
      collecting = false;
      if (!commands.some((command) => samePath(command.path, words)))
        return { words, rest, unknown: argument };
    }
    if (argument === '--') collecting = false;
    rest.push(argument);
  }
  return { words, rest, unknown: undefined };
}

/**
 * Reads `argv` (without the node and script paths) with `node:util`'s `parseArgs` against the
 * command it names. Every problem is a `CliUsageError` that names the flag and never repeats a value:
 * unknown commands and flags, a flag without its value, a value given to a boolean flag, a flag
 * given twice, arguments the command does not take, and any flag that would carry a key.
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly CommandSpec[],
): ParsedCommandLine {
  const { words, rest, unknown } = commandWords(argv, commands);
  const named = words.join(' ');
  refuseSecretFlags(argv, named);
  const command = commands.find((candidate) => samePath(candidate.path, words));
  const wantsHelp = argv.some((argument) => argument === '--help' || argument === '-h');
  if (argv.some((argument) => argument === '--version' || argument === '-V') && !wantsHelp)
    return { kind: 'version' };
  if (unknown !== undefined) {
    const where = named === '' ? 'llm-router' : `llm-router ${named}`;
    throw new CliUsageError({
      command: named,
      message: `${quote(unknown, 'command')} is not a command of ${where}; run ${where} --help for the list.`,
    });
  }
  if (wantsHelp || !command) {
    if (!command && !wantsHelp)
      throw new CliUsageError({
        command: named,
        message: `${named === '' ? 'a command is' : 'a subcommand is'} missing; run llm-router ${named === '' ? '' : `${named} `}--help for the list.`,
      });
    return { kind: 'help', path: words };
  }
  return { kind: 'run', command, ...readFlags(rest, command) };
}

function readFlags(argv: readonly string[], command: CommandSpec) {
  const name = command.path.join(' ');
  const specs: OptionSpecs = { ...GLOBAL_OPTIONS, ...command.options };
  const options = Object.fromEntries(
    Object.entries(specs).map(([flag, spec]) => [
      flag,
      { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }) },
    ]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | string[] | true> = {};
  const positionals: string[] = [];
  const fail = (message: string) =>
    new CliUsageError({ command: name, message: `${message} See llm-router ${name} --help.` });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (!spec) throw fail(`${quote(token.rawName, 'flag')} is not a flag of this command.`);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw fail(`${token.rawName} takes no value.`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
      throw fail(`${token.rawName} needs a value${spec.placeholder ? ` ${spec.placeholder}` : ''}.`);
    const previous = values[token.name];
    if (spec.multiple) values[token.name] = [...(Array.isArray(previous) ? previous : []), token.value];
    else if (previous !== undefined) throw fail(`${token.rawName} is given twice; give it once.`);
    else values[token.name] = token.value;
  }
  const declared = command.positionals ?? [];
  if (positionals.length > declared.length) {
    const takes =
      declared.length === 0 ? 'takes no arguments' : `takes at most ${declared.length} argument(s)`;
    throw fail(
      `${takes.charAt(0).toUpperCase()}${takes.slice(1)}; ${positionals.length} given (not repeated here, in case one is a key: keys are read from standard input).`,
    );
  }
  const missing = declared.find(
    (positional, index) => positional.required && positionals[index] === undefined,
  );
  if (missing) throw fail(`<${missing.name}> is missing.`);
  return { values, positionals };
}
