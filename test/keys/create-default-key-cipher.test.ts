import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createDefaultKeyCipher } from '../../src/keys/create-default-key-cipher.ts';
import { generateMasterKey } from '../../src/keys/local-cipher.ts';
import { captureLogger } from './helpers.ts';

describe('createDefaultKeyCipher', () => {
  it('picks Infisical KMS when INFISICAL_CLIENT_ID is set', () => {
    const logger = captureLogger();
    const cipher = createDefaultKeyCipher({
      env: {
        INFISICAL_CLIENT_ID: 'client-id',
        INFISICAL_CLIENT_SECRET: 'client-secret-value',
        INFISICAL_KMS_KEY_ID: '8f14e45f-ceea-467f-a0e6-2d6b5c1d4f3a',
        LLM_ROUTER_MASTER_KEY: generateMasterKey(),
      },
      logger,
    });
    expect(cipher.name).toBe('infisical-kms');
    expect(logger.lines).toEqual([]);
  });

  it('falls back to the local development cipher, and says so', () => {
    const logger = captureLogger();
    const cipher = createDefaultKeyCipher({ env: { LLM_ROUTER_MASTER_KEY: generateMasterKey() }, logger });
    expect(cipher.name).toBe('local-aes-256-gcm');
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('local development cipher'),
      }),
    ]);
  });

  it('refuses to start with neither configured, naming what to set', () => {
    expect(() => createDefaultKeyCipher({ env: {}, logger: false })).toThrow(InvalidSettingsError);
    expect(() => createDefaultKeyCipher({ env: {}, logger: false })).toThrow(/LLM_ROUTER_MASTER_KEY/);
    // Infisical half-configured: the error names the missing part, not the local fallback.
    expect(() =>
      createDefaultKeyCipher({ env: { INFISICAL_CLIENT_ID: 'client-id' }, logger: false }),
    ).toThrow(/INFISICAL_CLIENT_SECRET/);
  });
});
