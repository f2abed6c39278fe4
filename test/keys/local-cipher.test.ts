import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { KeyVaultError } from '../../src/keys/key-vault-error.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import { GOOD, rejectionOf } from './helpers.ts';

const payload = { provider: 'openai' as const, user: 'alice', apiKey: new SecretKey(GOOD.openai) };

function flipCharacter(text: string, index: number): string {
  const character = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${character}${text.slice(index + 1)}`;
}

describe('createLocalCipher (development default)', () => {
  it('round-trips provider, user and key, and the ciphertext hides all three', async () => {
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    const ciphertext = await cipher.encrypt(payload);
    expect(cipher.name).toBe('local-aes-256-gcm');
    expect(ciphertext).toMatch(/^lc1\.[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const hidden of [GOOD.openai, 'alice', 'openai', Buffer.from(GOOD.openai).toString('base64')]) {
      expect(ciphertext).not.toContain(hidden);
    }
    const opened = await cipher.decrypt(ciphertext);
    expect(opened.provider).toBe('openai');
    expect(opened.user).toBe('alice');
    expect(opened.apiKey.reveal()).toBe(GOOD.openai);
  });

  it('uses a fresh IV each time', async () => {
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    expect(await cipher.encrypt(payload)).not.toBe(await cipher.encrypt(payload));
  });

  it('reads LLM_ROUTER_MASTER_KEY from the environment', async () => {
    const masterKey = generateMasterKey();
    const fromEnv = createLocalCipher({ env: { LLM_ROUTER_MASTER_KEY: masterKey } });
    const fromSettings = createLocalCipher({ masterKey });
    expect((await fromSettings.decrypt(await fromEnv.encrypt(payload))).apiKey.reveal()).toBe(GOOD.openai);
  });

  it('refuses a tampered ciphertext anywhere in it (integrity), without quoting it', async () => {
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    const ciphertext = await cipher.encrypt(payload);
    const sealedStart = ciphertext.lastIndexOf('.') + 1;
    for (const index of [
      sealedStart,
      sealedStart + 10,
      ciphertext.length - 2,
      ciphertext.lastIndexOf('.') - 3,
    ]) {
      const error = await rejectionOf(cipher.decrypt(flipCharacter(ciphertext, index)));
      expect(KeyVaultError.isInstance(error) && error.kind).toBe('integrity');
      expect((error as Error).message).not.toContain(ciphertext.slice(sealedStart, sealedStart + 20));
    }
    const truncated = await rejectionOf(cipher.decrypt(ciphertext.slice(0, -30)));
    expect(KeyVaultError.isInstance(truncated) && truncated.kind).toBe('integrity');
    const garbage = await rejectionOf(cipher.decrypt('not a ciphertext'));
    expect(KeyVaultError.isInstance(garbage) && garbage.kind).toBe('integrity');
  });

  it('binds the header: a ciphertext relabelled with another master key fingerprint is refused', async () => {
    const old = generateMasterKey();
    const current = generateMasterKey();
    const cipher = createLocalCipher({ masterKey: current, previousMasterKeys: [old] });
    const oldCipher = createLocalCipher({ masterKey: old });
    const [, oldId] = (await oldCipher.encrypt(payload)).split('.');
    const [format, , iv, sealed] = (await cipher.encrypt(payload)).split('.');
    const error = await rejectionOf(cipher.decrypt([format, oldId, iv, sealed].join('.')));
    expect(KeyVaultError.isInstance(error) && error.kind).toBe('integrity');
  });

  it('decrypts with previous master keys but encrypts only with the current one', async () => {
    const old = generateMasterKey();
    const current = generateMasterKey();
    const before = await createLocalCipher({ masterKey: old }).encrypt(payload);
    const rotated = createLocalCipher({ masterKey: current, previousMasterKeys: [old] });
    expect((await rotated.decrypt(before)).apiKey.reveal()).toBe(GOOD.openai);
    const after = await rotated.encrypt(payload);
    const oldOnly = await rejectionOf(createLocalCipher({ masterKey: old }).decrypt(after));
    expect(KeyVaultError.isInstance(oldOnly) && oldOnly.kind).toBe('misconfigured');
    const withoutOld = await rejectionOf(createLocalCipher({ masterKey: current }).decrypt(before));
    expect(KeyVaultError.isInstance(withoutOld) && withoutOld.kind).toBe('misconfigured');
    expect((withoutOld as Error).message).toContain('previousMasterKeys');
  });

  it('refuses a missing or malformed master key, naming the setting but never the value', () => {
    expect(() => createLocalCipher({ env: {} })).toThrow(InvalidSettingsError);
    expect(() => createLocalCipher({ env: {} })).toThrow(/LLM_ROUTER_MASTER_KEY/);
    const short = Buffer.from('sixteen-bytes-ok').toString('base64');
    try {
      createLocalCipher({ masterKey: short });
      expect.unreachable();
    } catch (error) {
      expect(InvalidSettingsError.isInstance(error)).toBe(true);
      expect((error as InvalidSettingsError).issues[0]?.setting).toBe('masterKey');
      expect((error as Error).message).toContain('got 16 bytes');
      expect((error as Error).message).not.toContain(short);
    }
    try {
      createLocalCipher({ env: { LLM_ROUTER_MASTER_KEY: short } });
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidSettingsError).issues[0]?.setting).toBe('LLM_ROUTER_MASTER_KEY');
    }
  });

  it('names a master key of the wrong type, and previousMasterKeys that is not an array, with typed errors', () => {
    const cases: [unknown, string][] = [
      [{ masterKey: -1 }, 'masterKey'],
      [{ masterKey: {} }, 'masterKey'],
      [{ masterKey: 1n }, 'masterKey'],
      [{ masterKey: generateMasterKey(), previousMasterKeys: 1.5 }, 'previousMasterKeys'],
      [{ masterKey: generateMasterKey(), previousMasterKeys: [null] }, 'previousMasterKeys.0'],
      [{ env: 5 }, 'env'],
      [null, '(settings)'],
    ];
    for (const [settings, setting] of cases) {
      let thrown: unknown;
      try {
        createLocalCipher(settings as never);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidSettingsError.isInstance(thrown), `${setting}: ${String(thrown)}`).toBe(true);
      expect((thrown as InvalidSettingsError).issues.map((issue) => issue.setting)).toContain(setting);
    }
  });

  it('refuses to encrypt something that is not a KeyPayload, with a typed error', async () => {
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    for (const bad of [null, 5, {}, { ...payload, apiKey: GOOD.openai }, { ...payload, provider: 'x' }]) {
      const error = await rejectionOf(cipher.encrypt(bad as never));
      expect(error).toMatchObject({ kind: 'invalid-input' });
      expect((error as Error).message).not.toContain(GOOD.openai);
    }
  });
});
