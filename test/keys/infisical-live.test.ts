import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createInfisicalCipher } from '../../src/keys/infisical/create-infisical-cipher.ts';
import { KeyVaultError } from '../../src/keys/key-vault-error.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import type { KeyValidator } from '../../src/types/key-validator.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import { rejectionOf } from './helpers.ts';

// Opt-in: runs against a real Infisical when INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET and
// INFISICAL_KMS_KEY_ID (or INFISICAL_KMS_KEY_NAME + INFISICAL_PROJECT_ID) are set, plus
// INFISICAL_SITE_URL for a self-hosted instance. Nothing is stored in Infisical; each test makes a
// few KMS calls. One deliberately bad login uses a random client id, so the real identity is never
// locked out.
const live = Boolean(process.env.INFISICAL_CLIENT_ID);

/** Accepts every key: the live suite tests Infisical, not the providers. */
const acceptAll: KeyValidator = { validate: async () => ({ status: 'valid', httpStatus: 200 }) };

describe.skipIf(!live)('live Infisical KMS', () => {
  it('encrypts and decrypts through the real service', async () => {
    const cipher = createInfisicalCipher({ requestTimeoutMs: 20_000 });
    const apiKey = `byok-live-test-${randomUUID()}`;
    const ciphertext = await cipher.encrypt({
      provider: 'openai',
      user: 'live-user',
      apiKey: new SecretKey(apiKey),
    });
    expect(ciphertext.startsWith('ik1.')).toBe(true);
    expect(ciphertext).not.toContain(apiKey);
    const opened = await cipher.decrypt(ciphertext);
    expect([opened.provider, opened.user, opened.apiKey.reveal()]).toEqual(['openai', 'live-user', apiKey]);
  }, 60_000);

  it('runs a vault on it and refuses a ciphertext moved between records', async () => {
    const store = createMemoryKeyRecordStore();
    const vault = createKeyVault({
      cipher: createInfisicalCipher({ requestTimeoutMs: 20_000 }),
      store,
      validator: acceptAll,
      logger: false,
    });
    const alice = await vault.add({ provider: 'openai', user: 'alice', apiKey: `byok-live-${randomUUID()}` });
    const bob = await vault.add({ provider: 'openai', user: 'bob', apiKey: `byok-live-${randomUUID()}` });
    expect((await vault.resolve({ user: 'alice', provider: 'openai' }))?.keyId).toBe(alice.id);
    const bobRecord = await store.get(bob.id);
    const aliceRecord = await store.get(alice.id);
    if (!aliceRecord || !bobRecord) throw new Error('records missing');
    await store.put({ ...aliceRecord, ciphertext: bobRecord.ciphertext });
    const fresh = createKeyVault({
      cipher: createInfisicalCipher({ requestTimeoutMs: 20_000 }),
      store,
      validator: acceptAll,
      logger: false,
    });
    expect(await rejectionOf(fresh.resolve({ user: 'alice', provider: 'openai' }))).toMatchObject({
      kind: 'integrity',
    });
  }, 60_000);

  it('reports unknown credentials as unauthorized', async () => {
    const cipher = createInfisicalCipher({
      clientId: randomUUID(),
      clientSecret: 'not-a-real-secret-0000000000000000',
      requestTimeoutMs: 20_000,
    });
    const error = await rejectionOf(
      cipher.encrypt({
        provider: 'openai',
        user: 'live-user',
        apiKey: new SecretKey('byok-live-unused-000000'),
      }),
    );
    expect(KeyVaultError.isInstance(error) && error.kind).toBe('unauthorized');
    expect((error as Error).message).not.toContain('[URL=');
  }, 60_000);
});
