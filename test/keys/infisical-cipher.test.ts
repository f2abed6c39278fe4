import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createInfisicalCipher } from '../../src/keys/infisical/create-infisical-cipher.ts';
import { KeyVaultError } from '../../src/keys/key-vault-error.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { type InfisicalServer, startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import { GOOD, infisicalCipher, rejectionOf } from './helpers.ts';

// The real @infisical/sdk 5.0.2 against the loopback Infisical. Slow SDK paths (its ~15 s of
// retries on refused connections and 429) are cut short by the cipher's own deadline on a fake
// clock: the tests advance the clock instead of waiting.

const payload = { provider: 'anthropic' as const, user: 'user-42', apiKey: new SecretKey(GOOD.anthropic) };
let server: InfisicalServer;
afterEach(async () => {
  await server?.close();
});

function expectKind(error: unknown, kind: string, status?: number): KeyVaultError {
  expect(KeyVaultError.isInstance(error), String(error)).toBe(true);
  const vaultError = error as KeyVaultError;
  expect(vaultError.kind).toBe(kind);
  if (status !== undefined) expect(vaultError.status).toBe(status);
  // Never the SDK's URL prefix, the server address, or the credentials.
  for (const leak of ['[URL=', '127.0.0.1', server.identity.clientSecret, GOOD.anthropic]) {
    expect(vaultError.message).not.toContain(leak);
  }
  expect(vaultError.cause).toBeUndefined();
  return vaultError;
}

describe('createInfisicalCipher with the real SDK', () => {
  it('logs in once, encrypts and decrypts through Infisical KMS', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    const ciphertext = await cipher.encrypt(payload);
    expect(cipher.name).toBe('infisical-kms');
    expect(ciphertext.startsWith(`ik1.${key.id}.`)).toBe(true);
    expect(ciphertext).not.toContain(GOOD.anthropic);
    const opened = await cipher.decrypt(ciphertext);
    expect([opened.provider, opened.user, opened.apiKey.reveal()]).toEqual([
      'anthropic',
      'user-42',
      GOOD.anthropic,
    ]);
    await cipher.decrypt(ciphertext);
    expect(server.logins).toBe(1);
    // What went over the wire: base64 of the versioned JSON payload, with a Bearer token.
    const [encrypt] = server.requestsTo('encrypt');
    if (!encrypt) throw new Error('no encrypt request');
    expect(encrypt.headers.authorization).toMatch(/^Bearer /);
    const { plaintext } = encrypt.body as { plaintext: string };
    const sent = JSON.parse(Buffer.from(plaintext, 'base64').toString());
    expect(sent).toEqual({ v: 1, provider: 'anthropic', user: 'user-42', apiKey: GOOD.anthropic });
    expect(server.requestsTo('decrypt')).toHaveLength(2);
  });

  it('reports bad credentials (401) as unauthorized, without the URL or the secret', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const clock = createFakeClock();
    const cipher = infisicalCipher(server, key, {
      clientSecret: 'wrong-secret-value-123456',
      clock,
      loginRetryDelayMs: 30_000,
    });
    const error = expectKind(await rejectionOf(cipher.encrypt(payload)), 'unauthorized', 401);
    expect(error.message).toContain('Invalid credentials');
    expect(error.message).toContain('INFISICAL_CLIENT_SECRET');
    expect(error.message).not.toContain('wrong-secret-value-123456');
    expect(error.isRetryable).toBe(false);
    expect(server.requestsTo('login')).toHaveLength(1);
    expect(server.requestsTo('encrypt')).toHaveLength(0);
    // A burst of calls does not turn into a burst of failed logins (Infisical locks after 3).
    for (let call = 0; call < 5; call++) {
      expectKind(await rejectionOf(cipher.encrypt(payload)), 'unauthorized', 401);
    }
    expect(server.requestsTo('login')).toHaveLength(1);
    await clock.advance(30_000);
    expectKind(await rejectionOf(cipher.encrypt(payload)), 'unauthorized', 401);
    expect(server.requestsTo('login')).toHaveLength(2);
  });

  it('logs in again after 403 TokenError (expired token) and retries once', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    const ciphertext = await cipher.encrypt(payload);
    server.expireTokens();
    const opened = await cipher.decrypt(ciphertext);
    expect(opened.apiKey.reveal()).toBe(GOOD.anthropic);
    expect(server.logins).toBe(2);
    const decrypts = server.requestsTo('decrypt');
    expect(decrypts).toHaveLength(2);
    expect(decrypts[0]?.headers.authorization).not.toBe(decrypts[1]?.headers.authorization);
  });

  it('logs in again when the token outlives its TTL on the server', async () => {
    const serverClock = createFakeClock();
    server = await startInfisicalServer({ accessTokenTtlSeconds: 60, clock: serverClock });
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    const ciphertext = await cipher.encrypt(payload);
    await serverClock.advance(59_999);
    await cipher.decrypt(ciphertext);
    expect(server.logins).toBe(1);
    await serverClock.advance(1);
    expect((await cipher.decrypt(ciphertext)).user).toBe('user-42');
    expect(server.logins).toBe(2);
  });

  it('gives up after one re-login when the new token fails too', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    await cipher.encrypt(payload);
    server.fail(
      { status: 403, error: 'TokenError', message: 'Your token has expired. Please re-authenticate.' },
      { route: 'encrypt', times: 2 },
    );
    const error = expectKind(await rejectionOf(cipher.encrypt(payload)), 'unauthorized', 403);
    expect(error.message).toContain('Your token has expired');
    expect(server.requestsTo('encrypt')).toHaveLength(3);
    expect(server.logins).toBe(2);
  });

  it('maps 5xx to unavailable (retryable), including a proxy’s HTML error page', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    server.fail({ status: 500 }, { route: 'encrypt' });
    const error = expectKind(await rejectionOf(cipher.encrypt(payload)), 'unavailable', 500);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('Something went wrong');
    server.fail({ status: 502, text: '<html>Bad Gateway</html>' }, { route: 'decrypt' });
    const ciphertext = await cipher.encrypt(payload);
    expectKind(await rejectionOf(cipher.decrypt(ciphertext)), 'unavailable', 502);
    expect((await cipher.decrypt(ciphertext)).apiKey.reveal()).toBe(GOOD.anthropic);
  });

  it('reports an unknown or disabled KMS key as misconfigured, and missing permission as forbidden', async () => {
    server = await startInfisicalServer({
      identities: [
        {
          clientId: 'identity-encrypt-only',
          clientSecret: 'secret-encrypt-only-000',
          permissions: { decrypt: false },
        },
      ],
    });
    const key = server.createKey();
    const missing = infisicalCipher(server, { ...key, id: '00000000-0000-4000-8000-0000000000ff' });
    expectKind(await rejectionOf(missing.encrypt(payload)), 'misconfigured', 404);
    const cipher = infisicalCipher(server, key);
    const ciphertext = await cipher.encrypt(payload);
    expectKind(await rejectionOf(cipher.decrypt(ciphertext)), 'forbidden', 403);
    server.setKeyDisabled(key.id, true);
    const disabled = expectKind(await rejectionOf(cipher.encrypt(payload)), 'misconfigured', 400);
    expect(disabled.message).toContain('Key is disabled');
  });

  it('fails fast on a refused connection: unavailable after requestTimeoutMs of fake time', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const clock = createFakeClock();
    const cipher = infisicalCipher(server, key, { clock, requestTimeoutMs: 3000 });
    const ciphertext = await cipher.encrypt(payload);
    await server.down();
    const started = performance.now();
    const pending = rejectionOf(cipher.decrypt(ciphertext));
    await clock.waitForTimer((timer) => timer.delayMs === 3000);
    await clock.advance(3000);
    const error = expectKind(await pending, 'unavailable');
    expect(error.message).toContain('requestTimeoutMs=3000');
    expect(error.isRetryable).toBe(true);
    // The SDK alone would have spent ~15 s retrying.
    expect(performance.now() - started).toBeLessThan(2000);
    await server.up();
    // A fresh connection and login; the abandoned one is not reused.
    expect((await cipher.decrypt(ciphertext)).apiKey.reveal()).toBe(GOOD.anthropic);
  });

  it('bounds a hung server and a rate-limiting one the same way', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const clock = createFakeClock();
    const cipher = infisicalCipher(server, key, { clock, requestTimeoutMs: 2500 });
    await cipher.encrypt(payload);
    for (const fault of [{ hang: true as const }, { status: 429 }]) {
      server.fail(fault, { route: 'encrypt', times: 5 });
      const pending = rejectionOf(cipher.encrypt(payload));
      await clock.waitForTimer((timer) => timer.delayMs === 2500);
      await clock.advance(2500);
      expectKind(await pending, 'unavailable');
      server.clearFaults();
    }
  });

  it('refuses a tampered ciphertext: 500 or 400 from Infisical, or a key id it was not given', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = infisicalCipher(server, key);
    const ciphertext = await cipher.encrypt(payload);
    const body = ciphertext.slice(ciphertext.lastIndexOf('.') + 1);
    const bytes = Buffer.from(body, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 0xff;
    const tampered = `ik1.${key.id}.${bytes.toString('base64')}`;
    // The real server's decrypt throws a plain error → 500, indistinguishable from an outage.
    expectKind(await rejectionOf(cipher.decrypt(tampered)), 'unavailable', 500);
    await server.close();
    server = await startInfisicalServer({ undecryptable: 'bad-request' });
    const key2 = server.createKey();
    const cipher2 = infisicalCipher(server, key2);
    const ciphertext2 = await cipher2.encrypt(payload);
    const bytes2 = Buffer.from(ciphertext2.slice(ciphertext2.lastIndexOf('.') + 1), 'base64');
    bytes2[20] = (bytes2[20] ?? 0) ^ 0xff;
    expectKind(
      await rejectionOf(cipher2.decrypt(`ik1.${key2.id}.${bytes2.toString('base64')}`)),
      'integrity',
      400,
    );
    // A record pointing at another KMS key is refused before any call.
    const before = server.requestsTo('decrypt').length;
    const foreign = ciphertext2.replace(key2.id, '00000000-0000-4000-8000-0000000000aa');
    expectKind(await rejectionOf(cipher2.decrypt(foreign)), 'integrity');
    expectKind(await rejectionOf(cipher2.decrypt('ik1.nonsense')), 'integrity');
    expect(server.requestsTo('decrypt')).toHaveLength(before);
  });

  it('decrypts ciphertexts of previousKeyIds after a KMS key change', async () => {
    server = await startInfisicalServer();
    const oldKey = server.createKey();
    const newKey = server.createKey();
    const old = await infisicalCipher(server, oldKey).encrypt(payload);
    const current = infisicalCipher(server, newKey, { previousKeyIds: [oldKey.id] });
    expect((await current.decrypt(old)).apiKey.reveal()).toBe(GOOD.anthropic);
    expect((await current.encrypt(payload)).startsWith(`ik1.${newKey.id}.`)).toBe(true);
  });

  it('finds the KMS key by name and project once', async () => {
    server = await startInfisicalServer();
    const key = server.createKey({ name: 'byok-llm-keys', projectId: 'kms-project-1' });
    const cipher = createInfisicalCipher({
      siteUrl: server.siteUrl,
      clientId: server.identity.clientId,
      clientSecret: server.identity.clientSecret,
      keyName: 'byok-llm-keys',
      projectId: 'kms-project-1',
      env: {},
    });
    const ciphertext = await cipher.encrypt(payload);
    expect(ciphertext.startsWith(`ik1.${key.id}.`)).toBe(true);
    await cipher.decrypt(ciphertext);
    expect(server.requestsTo('keys')).toHaveLength(1);
  });

  it('refuses a payload over 4096 bytes before calling Infisical', async () => {
    server = await startInfisicalServer();
    const cipher = infisicalCipher(server, server.createKey());
    const error = expectKind(
      await rejectionOf(cipher.encrypt({ ...payload, apiKey: new SecretKey('k'.repeat(5000)) })),
      'invalid-input',
    );
    expect(error.message).toContain('4096');
    expect(server.requestsTo('encrypt')).toHaveLength(0);
  });

  it('reads credentials from the environment and names missing ones without echoing values', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const cipher = createInfisicalCipher({
      env: {
        INFISICAL_SITE_URL: server.siteUrl,
        INFISICAL_CLIENT_ID: server.identity.clientId,
        INFISICAL_CLIENT_SECRET: server.identity.clientSecret,
        INFISICAL_KMS_KEY_ID: key.id,
      },
    });
    expect((await cipher.decrypt(await cipher.encrypt(payload))).user).toBe('user-42');
    try {
      createInfisicalCipher({
        env: { INFISICAL_CLIENT_SECRET: 'only-the-secret-is-set-0001', INFISICAL_KMS_KEY_ID: 'nope' },
      });
      expect.unreachable();
    } catch (error) {
      expect(InvalidSettingsError.isInstance(error)).toBe(true);
      const settings = (error as InvalidSettingsError).issues.map((issue) => issue.setting);
      expect(settings).toEqual(['clientId (or INFISICAL_CLIENT_ID)', 'keyId (or INFISICAL_KMS_KEY_ID)']);
      expect((error as Error).message).not.toContain('only-the-secret-is-set-0001');
    }
  });
});
