import { CliUsageError } from './cli-usage-error.ts';

/**
 * Flags that would put a secret on the command line. A command line is visible to every user of
 * the machine (`ps`, `/proc/<pid>/cmdline`) and is kept in shell history and CI logs, so keys are
 * only ever read from standard input, the prompt, or an environment variable named by a `…-env` flag.
 */
const SECRET_FLAG =
  /^--?(?:api[-_]?key|key|secret|token|password|master[-_]?key|(?:litellm|openrouter|provider|user)[-_]?(?:api[-_]?)?key|client[-_]?secret|infisical[-_]?client[-_]?secret)$/i;

/**
 * Throws `CliUsageError` when `argv` holds a flag such as `--key` or `--api-key=…` (before a `--`).
 * The message names the flag and never its value.
 */
export function refuseSecretFlags(argv: readonly string[], command: string): void {
  for (const argument of argv) {
    if (argument === '--') return;
    const name = argument.split('=', 1)[0] ?? '';
    if (!SECRET_FLAG.test(name)) continue;
    throw new CliUsageError({
      command,
      message:
        `${name} is refused: keys are never taken from the command line, where other users of the machine (ps) ` +
        'and your shell history can read them. Pipe the key on standard input (printf %s "$KEY" | llm-router keys add …), ' +
        'type it at the prompt, or name the environment variable that holds it (--litellm-key-env, --openrouter-key-env, --master-key-env).',
    });
  }
}
