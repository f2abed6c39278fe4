import { RouterError } from './router-error.ts';

/**
 * Thrown before any network call when the options passed to `chat()` or `stream()` cannot work:
 * no messages, an unknown model, contradictory requirements. Fix the call; retrying will not help.
 */
export class InvalidRequestError extends RouterError {
  /** The option at fault, e.g. `messages[2].role`. */
  readonly option: string;

  constructor({ option, message }: { option: string; message: string }) {
    super({ message: `${option}: ${message}` });
    this.name = 'InvalidRequestError';
    this.option = option;
  }

  static override isInstance(error: unknown): error is InvalidRequestError {
    return RouterError.hasName(error, 'InvalidRequestError');
  }
}
