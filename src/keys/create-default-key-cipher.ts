import { hasMethods } from '../errors/check-settings.ts';
import { InvalidSettingsError, type SettingIssue } from '../errors/invalid-settings-error.ts';
import { resolveLogger } from '../logger/resolve-logger.ts';
import type { Clock } from '../types/clock.ts';
import type { KeyCipher } from '../types/key-cipher.ts';
import type { Logger } from '../types/logger.ts';
import { createInfisicalCipher, INFISICAL_ENV } from './infisical/create-infisical-cipher.ts';
import { createLocalCipher, MASTER_KEY_ENV } from './local-cipher.ts';

/** Settings of `createDefaultKeyCipher()`. */
export interface DefaultKeyCipherSettings {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Told when the development cipher is chosen. @default console */
  readonly logger?: Logger | false;
}

/**
 * The cipher the environment asks for: Infisical KMS when `INFISICAL_CLIENT_ID` is set (with
 * `INFISICAL_CLIENT_SECRET` and `INFISICAL_KMS_KEY_ID`, or `INFISICAL_KMS_KEY_NAME` with
 * `INFISICAL_PROJECT_ID`); otherwise the local development cipher under `LLM_ROUTER_MASTER_KEY`,
 * with a warning saying so. Throws `InvalidSettingsError` when neither is configured.
 *
 * @example
 * const vault = createKeyVault({ cipher: createDefaultKeyCipher(), store, validator });
 */
export function createDefaultKeyCipher(settings: DefaultKeyCipherSettings = {}): KeyCipher {
  const issues: SettingIssue[] = [];
  if (typeof settings !== 'object' || settings === null) {
    issues.push({ setting: '(settings)', problem: 'expected { env?, clock?, logger? } or nothing' });
  } else {
    if (settings.env !== undefined && (typeof settings.env !== 'object' || settings.env === null))
      issues.push({
        setting: 'env',
        problem: 'expected an object of environment variables, e.g. process.env',
      });
    const { logger } = settings;
    if (logger !== undefined && logger !== false && !hasMethods('warn', 'error')(logger))
      issues.push({
        setting: 'logger',
        problem: 'expected false or a console-compatible logger (warn() and error())',
      });
  }
  if (issues.length > 0) throw new InvalidSettingsError({ factory: 'createDefaultKeyCipher()', issues });
  const env = settings.env ?? process.env;
  if (env[INFISICAL_ENV.clientId]) {
    return createInfisicalCipher({ env, ...(settings.clock !== undefined ? { clock: settings.clock } : {}) });
  }
  const cipher = createLocalCipher({ env });
  resolveLogger(settings.logger).warn(
    `key vault: using the local development cipher (AES-256-GCM under ${MASTER_KEY_ENV}); set ${INFISICAL_ENV.clientId}, ${INFISICAL_ENV.clientSecret} and ${INFISICAL_ENV.keyId} to encrypt with Infisical KMS.`,
  );
  return cipher;
}
