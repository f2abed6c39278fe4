import type { Logger } from '@bestviable/llm-router';
import type { CliIo } from './cli-io.ts';

/**
 * The package's warnings and errors on standard error, one line each (`llm-router: warning: …`);
 * `info` and `debug` only with `--verbose`. Messages are the package's, which never hold a key.
 */
export function createCliLogger(io: CliIo, verbose: boolean): Logger {
  const line = (level: string) => (message: string) =>
    io.err(`llm-router: ${level}: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  return {
    warn: line('warning'),
    error: line('error'),
    info: verbose ? line('info') : () => {},
    debug: verbose ? line('debug') : () => {},
  };
}
