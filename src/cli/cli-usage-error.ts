import { RouterError } from '@bestviable/llm-router';

/**
 * The command line cannot work: an unknown command or flag, a missing or malformed value, a key
 * passed as an argument. `llm-router` exits with code 2. Messages never repeat a value that could
 * be a secret.
 */
export class CliUsageError extends RouterError {
  /** The command whose help explains what to pass, e.g. `keys add`; empty for the top level. */
  readonly command: string;

  constructor({ message, command }: { readonly message: string; readonly command: string }) {
    super({ message });
    this.name = 'CliUsageError';
    this.command = command;
  }

  /** True for a `CliUsageError`, from any installed copy. */
  static override isInstance(error: unknown): error is CliUsageError {
    return RouterError.hasName(error, 'CliUsageError');
  }
}

/** The command line was fine but the user stopped it (Ctrl-C at the key prompt). Exit code 130. */
export class CliInterruptedError extends RouterError {
  constructor() {
    super({ message: 'interrupted: nothing was changed.' });
    this.name = 'CliInterruptedError';
  }

  /** True for a `CliInterruptedError`, from any installed copy. */
  static override isInstance(error: unknown): error is CliInterruptedError {
    return RouterError.hasName(error, 'CliInterruptedError');
  }
}
