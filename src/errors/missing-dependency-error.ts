import { RouterError } from './router-error.ts';

/** What `MissingDependencyError` is given. */
export interface MissingDependencyErrorOptions {
  /** The optional package that is not installed, e.g. `@anthropic-ai/sdk`. */
  readonly packageName: string;
  /** The feature that needs it, e.g. `Anthropic key validation`. */
  readonly feature: string;
  /** The version range to install, e.g. `^1.14`. */
  readonly versionRange: string;
  /** The module-resolution error from Node. */
  readonly cause?: unknown;
}

/**
 * A feature needs an optional peer dependency that is not installed: `@infisical/sdk` for the
 * Infisical cipher, `@anthropic-ai/sdk` for Anthropic key checks, `openai` for OpenAI and Mistral key
 * checks. Install the package named in `packageName` (the message gives the command).
 */
export class MissingDependencyError extends RouterError {
  /** The optional package that is not installed, e.g. `@anthropic-ai/sdk`. */
  readonly packageName: string;
  /** The feature that needs it, e.g. `Anthropic key validation`. */
  readonly feature: string;

  constructor({ packageName, feature, versionRange, cause }: MissingDependencyErrorOptions) {
    super({
      message: `${feature} needs the optional package \`${packageName}\`: npm i ${packageName}@${versionRange}`,
      cause,
    });
    this.name = 'MissingDependencyError';
    this.packageName = packageName;
    this.feature = feature;
  }

  static override isInstance(error: unknown): error is MissingDependencyError {
    return RouterError.hasName(error, 'MissingDependencyError');
  }
}
