import { InfisicalSDK } from '@infisical/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { readInfisicalError } from '../../src/keys/infisical/read-infisical-error.ts';
import { type InfisicalServer, startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import { rejectionOf } from './helpers.ts';

// The emulator's contract, checked on the wire (fetch) and through the real SDK, so the cipher
// tests that rely on it rest on checked ground.

let server: InfisicalServer;
afterEach(async () => {
  await server?.close();
});

async function post(path: string, body: unknown, token?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function login(): Promise<string> {
  const { status, body } = await post('/api/v1/auth/universal-auth/login', server.identity);
  expect(status).toBe(200);
  return body.accessToken as string;
}

describe('loopback Infisical: wire protocol', () => {
  it('logs in with Universal Auth and answers like the real server', async () => {
    server = await startInfisicalServer({ accessTokenTtlSeconds: 600 });
    const { status, body } = await post('/api/v1/auth/universal-auth/login', server.identity);
    expect(status).toBe(200);
    expect(body).toMatchObject({ expiresIn: 600, accessTokenMaxTTL: 600, tokenType: 'Bearer' });
    expect(typeof body.accessToken).toBe('string');
    const bad = await post('/api/v1/auth/universal-auth/login', {
      ...server.identity,
      clientSecret: 'wrong',
    });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({
      statusCode: 401,
      message: 'Invalid credentials',
      error: 'UnauthorizedError',
    });
    expect(typeof bad.body.reqId).toBe('string');
  });

  it('requires a Bearer token (401 Token missing) and answers an expired one with 403 TokenError', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const missing = await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: 'aGk=' });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ message: 'Token missing' });
    const malformed = await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: 'aGk=' }, 'not-a-token');
    expect(malformed.status).toBe(403);
    expect(malformed.body.error).toBe('TokenError');
    const token = await login();
    expect((await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: 'aGk=' }, token)).status).toBe(200);
    server.expireTokens();
    const expired = await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: 'aGk=' }, token);
    expect(expired.status).toBe(403);
    expect(expired.body).toMatchObject({
      error: 'TokenError',
      message: 'Your token has expired. Please re-authenticate.',
    });
  });

  it('validates UUID key ids, base64 and the 4096-byte limit with 422 issue arrays', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const token = await login();
    const notUuid = await post('/api/v1/kms/keys/byok-key/encrypt', { plaintext: 'aGk=' }, token);
    expect(notUuid.status).toBe(422);
    expect(Array.isArray(notUuid.body.message)).toBe(true);
    expect(notUuid.body.error).toBe('ValidationFailure');
    const notBase64 = await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: 'not base64!' }, token);
    expect(notBase64.status).toBe(422);
    expect(JSON.stringify(notBase64.body.message)).toContain('plaintext must be base64 encoded');
    const limit = Buffer.alloc(4096, 7).toString('base64');
    expect((await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext: limit }, token)).status).toBe(200);
    const over = await post(
      `/api/v1/kms/keys/${key.id}/encrypt`,
      { plaintext: Buffer.alloc(4097, 7).toString('base64') },
      token,
    );
    expect(over.status).toBe(422);
    expect(JSON.stringify(over.body.message)).toContain('data cannot exceed 4096 bytes');
    const unknown = await post(
      '/api/v1/kms/keys/00000000-0000-4000-8000-000000000001/encrypt',
      { plaintext: 'aGk=' },
      token,
    );
    expect(unknown.status).toBe(404);
  });

  it('returns opaque ciphertexts that only the same key decrypts', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const other = server.createKey();
    const token = await login();
    const plaintext = Buffer.from('{"apiKey":"byok-plain-text-visible"}').toString('base64');
    const { body } = await post(`/api/v1/kms/keys/${key.id}/encrypt`, { plaintext }, token);
    const ciphertext = body.ciphertext as string;
    expect(Buffer.from(ciphertext, 'base64').toString('latin1')).not.toContain('byok-plain-text-visible');
    expect(Buffer.from(ciphertext, 'base64').subarray(-3).toString()).toBe('v01');
    const back = await post(`/api/v1/kms/keys/${key.id}/decrypt`, { ciphertext }, token);
    expect(back.body.plaintext).toBe(plaintext);
    const wrongKey = await post(`/api/v1/kms/keys/${other.id}/decrypt`, { ciphertext }, token);
    expect(wrongKey.status).toBe(500);
  });

  it('locks an identity after repeated failed logins when asked to', async () => {
    server = await startInfisicalServer({ lockout: { attempts: 3, durationMs: 60_000 } });
    for (let attempt = 0; attempt < 3; attempt++) {
      await post('/api/v1/auth/universal-auth/login', { ...server.identity, clientSecret: 'wrong' });
    }
    const locked = await post('/api/v1/auth/universal-auth/login', server.identity);
    expect(locked.status).toBe(401);
    expect(locked.body.message).toMatch(/temporarily locked/);
  });

  it('serves the SDK: 422 issue arrays reach it as "Request failed with status 422"', async () => {
    server = await startInfisicalServer();
    const key = server.createKey();
    const sdk = new InfisicalSDK({ siteUrl: server.siteUrl });
    await sdk.auth().universalAuth.login(server.identity);
    const error = await rejectionOf(
      sdk.kms().encryption().encrypt({ keyId: key.id, plaintext: 'not base64!' }),
    );
    expect((error as Error).name).toBe('InfisicalSDKError');
    expect((error as Error).message).toBe('Request failed with status 422');
    expect(readInfisicalError(error)).toEqual({ status: 422, serverMessage: undefined, network: false });
    const notFound = await rejectionOf(
      sdk.kms().encryption().encrypt({ keyId: '00000000-0000-4000-8000-000000000001', plaintext: 'aGk=' }),
    );
    expect((notFound as Error).name).toBe('InfisicalSDKRequestError');
    expect((notFound as Error).message).toContain('[URL=');
    expect(readInfisicalError(notFound)).toEqual({
      status: 404,
      serverMessage: 'Key with ID "00000000-0000-4000-8000-000000000001" not found',
      network: false,
    });
  });

  it('creates and finds keys by name through the SDK', async () => {
    server = await startInfisicalServer();
    const sdk = new InfisicalSDK({ siteUrl: server.siteUrl });
    await sdk.auth().universalAuth.login(server.identity);
    const { KeyUsage, EncryptionAlgorithm } = await import('@infisical/sdk');
    const created = await sdk.kms().keys().create({
      projectId: 'project-1',
      name: 'byok-llm-keys',
      keyUsage: KeyUsage.ENCRYPTION,
      encryptionAlgorithm: EncryptionAlgorithm.AES_256_GCM,
    });
    const found = await sdk.kms().keys().getByName({ projectId: 'project-1', name: 'byok-llm-keys' });
    expect(found.id).toBe(created.id);
    const duplicate = await rejectionOf(
      sdk.kms().keys().create({
        projectId: 'project-1',
        name: 'byok-llm-keys',
        keyUsage: KeyUsage.ENCRYPTION,
        encryptionAlgorithm: EncryptionAlgorithm.AES_256_GCM,
      }),
    );
    expect(readInfisicalError(duplicate).status).toBe(400);
  });
});
