const MARKER = Symbol.for('bestviable.llm-router.error');

/** What every error thrown by the router is given. */
export interface RouterErrorOptions {
  /** What was wrong and, where it helps, what to pass instead. Never contains a secret. */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly cause?: unknown;
  /** Whether trying the same thing again may succeed. */
  readonly isRetryable?: boolean;
}

/**
 * Base class of every error the router throws.
 *
 * Use the static `isInstance()` of each class rather than `instanceof`: it also recognises errors
 * created by another copy of this package (two versions installed side by side).
 */
export class RouterError extends Error {
  /** Whether trying the same thing again may succeed. */
  readonly isRetryable: boolean;

  constructor({ message, cause, isRetryable = false }: RouterErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RouterError';
    this.isRetryable = isRetryable;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True for any error thrown by this package, from any installed copy. */
  static isInstance(error: unknown): error is RouterError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }

  /** @internal Checks the marker and the class name: the pair survives duplicate installs. */
  protected static hasName(error: unknown, name: string): boolean {
    return RouterError.isInstance(error) && (error as Error).name === name;
  }

  /** A plain object for logs and `JSON.stringify`: name, message and the error's own public fields. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'stack') json[key] = value;
    }
    return json;
  }
}
