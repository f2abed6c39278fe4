import type { CliIo } from './cli-io.ts';
import type { CommandSpec } from './command.ts';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';
import { createFlags } from './flags.ts';
import { renderHelp } from './help.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { printError } from './print-error.ts';

/**
 * Runs one `llm-router` command line (`argv` without the node and script paths) and returns the
 * exit code. Nothing here touches `process`: `main.ts` passes the streams and the environment.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandSpec[],
  version: string,
): Promise<ExitCode> {
  const verbose = argv.includes('--verbose');
  const json = argv.includes('--json');
  let command = '';
  try {
    const parsed = parseCommandLine(argv, commands);
    if (parsed.kind === 'version') {
      io.out(`${version}\n`);
      return EXIT_CODES.ok;
    }
    if (parsed.kind === 'help') {
      io.out(renderHelp(parsed.path, commands));
      return EXIT_CODES.ok;
    }
    command = parsed.command.path.join(' ');
    const flags = createFlags(command, { ...parsed.command.options }, parsed.values, io.env);
    return await parsed.command.run({
      io,
      flags,
      positionals: parsed.positionals,
      json: parsed.values.json === true,
      verbose: parsed.values.verbose === true,
    });
  } catch (error) {
    return printError(io, error, { command, verbose, json });
  }
}
