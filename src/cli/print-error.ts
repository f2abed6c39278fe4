import { inspect } from 'node:util';
import { InvalidRequestError, InvalidSettingsError, RouterError } from '@bestviable/llm-router';
import type { CliIo } from './cli-io.ts';
import { CliInterruptedError, CliUsageError } from './cli-usage-error.ts';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';

/** 2 for a bad command line or configuration, 130 for an interruption, 1 for any other failure. */
export function exitCodeOf(error: unknown): ExitCode {
  if (CliInterruptedError.isInstance(error)) return EXIT_CODES.interrupted;
  if (
    CliUsageError.isInstance(error) ||
    InvalidSettingsError.isInstance(error) ||
    InvalidRequestError.isInstance(error)
  )
    return EXIT_CODES.usage;
  return EXIT_CODES.failed;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function headline(error: unknown): string {
  if (CliUsageError.isInstance(error) || CliInterruptedError.isInstance(error)) return oneLine(error.message);
  if (RouterError.isInstance(error)) {
    const kind =
      (error as { kind?: unknown; reason?: unknown }).kind ?? (error as { reason?: unknown }).reason;
    return `${error.name}${typeof kind === 'string' ? ` (${kind})` : ''}: ${oneLine(error.message)}`;
  }
  if (error instanceof Error)
    return `unexpected ${error.name}: ${oneLine(error.message)} (run with --verbose for details)`;
  return `unexpected failure: ${oneLine(String(error))}`;
}

function asJson(error: unknown): Record<string, unknown> {
  if (RouterError.isInstance(error)) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Prints a failure on standard error as one line, `llm-router <command>: <Error> (<kind>): <message>`
 * (or as `{"error": …}` with `--json`), and the whole error with its stack and causes only with
 * `--verbose`. The package's errors never hold a key; the CLI's output filter is a second guard.
 */
export function printError(
  io: CliIo,
  error: unknown,
  options: { readonly command: string; readonly verbose: boolean; readonly json: boolean },
): ExitCode {
  const command = CliUsageError.isInstance(error) ? error.command : options.command;
  const prefix = command === '' ? 'llm-router' : `llm-router ${command}`;
  if (options.json) io.err(`${JSON.stringify({ error: asJson(error) })}\n`);
  else io.err(`${prefix}: ${headline(error)}\n`);
  if (options.verbose) io.err(`${inspect(error, { depth: 6 })}\n`);
  return exitCodeOf(error);
}
