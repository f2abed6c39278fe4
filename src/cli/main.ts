#!/usr/bin/env node
import { createCliIo } from './cli-io.ts';
// The `llm-router` command (package.json `bin`): wires the process to `runCli`.
import { COMMANDS } from './commands/index.ts';
import { quietSqliteWarning } from './quiet-sqlite-warning.ts';
import { runCli } from './run-cli.ts';

/** Set by the build from package.json. */
declare const LLM_ROUTER_VERSION: string | undefined;

quietSqliteWarning();
// `llm-router … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const io = createCliIo({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
const version = typeof LLM_ROUTER_VERSION === 'string' ? LLM_ROUTER_VERSION : '0.0.0-dev';
runCli(process.argv.slice(2), io, COMMANDS, version).then((code) => {
  process.exitCode = code;
});
