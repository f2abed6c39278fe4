import { RouterError } from './router-error.ts';

/** One problem found in the settings passed to a factory. */
export interface SettingIssue {
  /** Dotted path of the setting, e.g. `gateways.litellm.baseURL`. */
  readonly setting: string;
  /** What was expected there. */
  readonly problem: string;
}

/**
 * Thrown at once by `createRouter()` (and other factories) when a setting is missing, of the wrong
 * type or out of range. The message names every offending setting and what was expected, and never
 * quotes a key, a URL or a header value. A call throws it too, naming `ranking`, when a ranking
 * function throws or returns anything but its inputs.
 */
export class InvalidSettingsError extends RouterError {
  /** Every problem found; the first one is also in the message's first line. */
  readonly issues: readonly SettingIssue[];

  constructor({
    issues,
    factory,
    cause,
  }: {
    issues: readonly SettingIssue[];
    factory: string;
    /** What a setting that is a function threw, when that is the problem. */
    cause?: unknown;
  }) {
    const lines = issues.map((issue) => `  - ${issue.setting}: ${issue.problem}`);
    super({ message: `${factory}: invalid settings.\n${lines.join('\n')}`, cause });
    this.name = 'InvalidSettingsError';
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is InvalidSettingsError {
    return RouterError.hasName(error, 'InvalidSettingsError');
  }
}
