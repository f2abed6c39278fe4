import type { CommandSpec, OptionSpec, OptionSpecs } from './command.ts';
import { GLOBAL_OPTIONS } from './parse-command-line.ts';

const EXIT_CODE_LINES = [
  'Exit codes: 0 done; 1 the operation failed (gateway down, key invalid or unverified, store or KMS failure);',
  '2 bad command line or configuration; 130 interrupted.',
];

function optionLines(options: OptionSpecs): string[] {
  const entries = Object.entries(options).map(([name, spec]: [string, OptionSpec]) => {
    const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` ${spec.placeholder ?? '<value>'}` : '';
    const env = spec.env === undefined ? '' : ` (env ${spec.env})`;
    const repeat = spec.multiple ? ' Repeatable.' : '';
    return [`${short}--${name}${value}`, `${spec.description}${repeat}${env}`] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function commandList(commands: readonly CommandSpec[], depth: number): string[] {
  const names = commands.map((command) => command.path.slice(depth).join(' '));
  const width = Math.max(...names.map((name) => name.length));
  return commands.map((command, index) => `  ${(names[index] ?? '').padEnd(width)}  ${command.summary}`);
}

/** The help text of a command, of a group such as `keys`, or of the top level (`path` empty). */
export function renderHelp(path: readonly string[], commands: readonly CommandSpec[]): string {
  const command = commands.find(
    (candidate) =>
      candidate.path.length === path.length && candidate.path.every((word, index) => path[index] === word),
  );
  if (!command) {
    const under = commands.filter((candidate) => path.every((word, index) => candidate.path[index] === word));
    const name = ['llm-router', ...path].join(' ');
    const intro =
      path.length === 0
        ? [
            'llm-router: check gateways, compare model prices, manage BYOK keys and report usage of @bestviable/llm-router.',
            '',
            'Usage: llm-router <command> [flags]',
          ]
        : [`Usage: ${name} <subcommand> [flags]`];
    return [
      ...intro,
      '',
      'Commands:',
      ...commandList(under, path.length),
      '',
      'Flags of every command:',
      ...optionLines(GLOBAL_OPTIONS),
      '',
      `Run ${name} <${path.length === 0 ? 'command' : 'subcommand'}> --help for its flags.`,
      ...EXIT_CODE_LINES,
      '',
    ].join('\n');
  }
  const positionals = (command.positionals ?? []).map((positional) =>
    positional.required ? ` <${positional.name}>` : ` [<${positional.name}>]`,
  );
  const lines = [
    `Usage: llm-router ${command.path.join(' ')}${positionals.join('')} [flags]`,
    '',
    command.summary,
  ];
  if (command.details) lines.push('', ...command.details);
  if (command.positionals && command.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const positional of command.positionals)
      lines.push(`  <${positional.name}>  ${positional.description}`);
  }
  if (Object.keys(command.options).length > 0) lines.push('', 'Flags:', ...optionLines(command.options));
  lines.push('', 'Flags of every command:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples) lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  lines.push('', ...EXIT_CODE_LINES, '');
  return lines.join('\n');
}
