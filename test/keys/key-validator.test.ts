import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import {
  type ProviderKeyServers,
  startProviderKeyServers,
} from '../../src/testing/loopback/provider-key-server.ts';
import type { KnownProviderId, ProviderId } from '../../src/types/model.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import { GOOD, PROVIDERS, renderings, UNKNOWN_KEY } from './helpers.ts';

// The real `openai` (OpenAI, Mistral) and `@anthropic-ai/sdk` clients, and fetch (Gemini, Cohere),
// against loopback copies of each provider's validation endpoint.

let loopback: ProviderKeyServers;
beforeAll(async () => {
  loopback = await startProviderKeyServers(
    Object.fromEntries(PROVIDERS.map((provider) => [provider, { [GOOD[provider]]: 'valid' }])),
  );
});
afterAll(async () => {
  await loopback.close();
});
afterEach(() => {
  for (const server of Object.values(loopback.servers)) server.clearFaults();
});

const validator = () => createKeyValidator({ baseURLs: loopback.baseURLs, timeoutMs: 5000 });
const check = (provider: ProviderId, key: string) =>
  validator().validate({ provider, apiKey: new SecretKey(key) });

/** The status each provider answers an unknown key with. */
const INVALID_STATUS: Record<KnownProviderId, number> = {
  openai: 401,
  anthropic: 401,
  google: 400,
  cohere: 401,
  mistral: 401,
};

describe.each(PROVIDERS)('%s key validation', (provider) => {
  it('accepts a key the provider knows', async () => {
    const before = loopback.servers[provider].validationRequests.length;
    expect(await check(provider, GOOD[provider])).toEqual({ status: 'valid', httpStatus: 200 });
    expect(loopback.servers[provider].validationRequests).toHaveLength(before + 1);
  });

  it('refuses a key the provider does not know, with its real status', async () => {
    const result = await check(provider, UNKNOWN_KEY);
    expect(result).toMatchObject({
      status: 'invalid',
      reason: 'invalid',
      httpStatus: INVALID_STATUS[provider],
    });
  });

  it('counts a 5xx as unverified/server, once (no retries)', async () => {
    const server = loopback.servers[provider];
    const before = server.validationRequests.length;
    server.fail({ status: 503 });
    expect(await check(provider, GOOD[provider])).toMatchObject({
      status: 'unverified',
      reason: 'server',
      httpStatus: 503,
    });
    expect(server.validationRequests).toHaveLength(before + 1);
  });

  it('counts a 429 as unverified/rate_limited with its Retry-After, never invalid', async () => {
    loopback.servers[provider].fail({ status: 429, retryAfterSeconds: 7 });
    expect(await check(provider, GOOD[provider])).toEqual(
      expect.objectContaining({
        status: 'unverified',
        reason: 'rate_limited',
        httpStatus: 429,
        retryAfterMs: 7000,
      }),
    );
  });

  it('counts a refused connection as unverified/network', async () => {
    const server = loopback.servers[provider];
    await server.down();
    try {
      expect(await check(provider, GOOD[provider])).toEqual({ status: 'unverified', reason: 'network' });
    } finally {
      await server.up();
    }
  });

  it('counts a hung provider as unverified/timeout on the clock', async () => {
    const clock = createFakeClock();
    loopback.servers[provider].fail({ hang: true });
    const pending = createKeyValidator({ baseURLs: loopback.baseURLs, timeoutMs: 4000, clock }).validate({
      provider,
      apiKey: new SecretKey(GOOD[provider]),
    });
    await clock.waitForTimer((timer) => timer.delayMs === 4000);
    await clock.advance(4000);
    expect(await pending).toEqual({ status: 'unverified', reason: 'timeout' });
  });

  it('removes the key from a provider message that echoes it', async () => {
    loopback.servers[provider].fail({ status: 401, message: `bad key ${UNKNOWN_KEY} given` });
    const result = await check(provider, UNKNOWN_KEY);
    expect(result.status).toBe('invalid');
    for (const text of renderings(result)) expect(text).not.toContain(UNKNOWN_KEY);
  });
});

describe('provider-specific answers', () => {
  it('OpenAI: "Missing scopes: api.model.read" (403 or 401) is valid but restricted', async () => {
    loopback.servers.openai.setKey('byok-openai-restricted-00000001', 'restricted');
    const result = await check('openai', 'byok-openai-restricted-00000001');
    expect(result).toMatchObject({ status: 'valid', reason: 'restricted', httpStatus: 403 });
    expect(result.message).toContain('Missing scopes: api.model.read');
    loopback.servers.openai.fail({
      status: 401,
      body: {
        error: {
          message: 'Missing scopes: api.model.read',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    });
    expect(await check('openai', GOOD.openai)).toMatchObject({
      status: 'valid',
      reason: 'restricted',
      httpStatus: 401,
    });
  });

  it('OpenAI: 429 insufficient_quota is no credit, not a rate limit', async () => {
    loopback.servers.openai.setKey('byok-openai-no-credit-0000002', 'no_credit');
    expect(await check('openai', 'byok-openai-no-credit-0000002')).toMatchObject({
      status: 'valid',
      reason: 'no_credit',
      httpStatus: 429,
    });
  });

  it('OpenAI: the masked key in "Incorrect API key provided" does not reveal the key', async () => {
    const result = await check('openai', UNKNOWN_KEY);
    expect(result.message).toMatch(/^Incorrect API key provided: byo\*+dead\./);
  });

  it('OpenAI: the organisation settings of the environment do not ride along with a user key', async () => {
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-of-the-operator';
    process.env.OPENAI_PROJECT_ID = 'proj-of-the-operator';
    try {
      await check('openai', GOOD.openai);
      const last = loopback.servers.openai.validationRequests.at(-1);
      expect(last?.headers.authorization).toBe(`Bearer ${GOOD.openai}`);
      expect(last?.headers['openai-organization']).toBeUndefined();
      expect(last?.headers['openai-project']).toBeUndefined();
    } finally {
      for (const [name, value] of [
        ['OPENAI_ORG_ID', saved.org],
        ['OPENAI_PROJECT_ID', saved.project],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('Anthropic: the SDK sends Bearer and anthropic-version 2026-10-21; an empty balance is no credit', async () => {
    await check('anthropic', GOOD.anthropic);
    const last = loopback.servers.anthropic.validationRequests.at(-1);
    expect(last?.headers.authorization).toBe(`Bearer ${GOOD.anthropic}`);
    expect(last?.headers['anthropic-version']).toBe('2026-10-21');
    expect(last?.path).toBe('/v1/models?limit=1');
    loopback.servers.anthropic.setKey('byok-anthropic-no-credit-0003', 'no_credit');
    expect(await check('anthropic', 'byok-anthropic-no-credit-0003')).toMatchObject({
      status: 'valid',
      reason: 'no_credit',
      httpStatus: 400,
    });
  });

  it('Anthropic: 529 overloaded is a server failure', async () => {
    loopback.servers.anthropic.fail({ status: 529 });
    expect(await check('anthropic', GOOD.anthropic)).toMatchObject({
      status: 'unverified',
      reason: 'server',
      httpStatus: 529,
    });
  });

  it('Gemini: the key travels in x-goog-api-key, not the URL; other 400s are not "invalid"', async () => {
    await check('google', GOOD.google);
    const last = loopback.servers.google.validationRequests.at(-1);
    expect(last?.headers['x-goog-api-key']).toBe(GOOD.google);
    expect(last?.path).toBe('/v1beta/models?pageSize=1');
    loopback.servers.google.fail({ status: 400, message: 'Invalid page size' });
    expect(await check('google', GOOD.google)).toMatchObject({
      status: 'unverified',
      reason: 'unexpected',
      httpStatus: 400,
    });
  });

  it('Gemini: a key blocked from the API (403) is forbidden', async () => {
    loopback.servers.google.setKey('byok-google-blocked-000000004', 'restricted');
    expect(await check('google', 'byok-google-blocked-000000004')).toMatchObject({
      status: 'invalid',
      reason: 'forbidden',
      httpStatus: 403,
    });
  });

  it('Cohere: 200 { valid: false } is invalid; an unreadable 200 is unverified', async () => {
    loopback.servers.cohere.fail({ status: 200, body: { valid: false } });
    expect(await check('cohere', GOOD.cohere)).toMatchObject({
      status: 'invalid',
      reason: 'invalid',
      httpStatus: 200,
    });
    loopback.servers.cohere.fail({ status: 200, body: { ok: true } });
    expect(await check('cohere', GOOD.cohere)).toMatchObject({ status: 'unverified', reason: 'unexpected' });
  });

  it('a wrong base URL (404) is unverified, not invalid', async () => {
    const wrong = createKeyValidator({ baseURLs: { openai: `${loopback.baseURLs.openai}/nowhere` } });
    expect(await wrong.validate({ provider: 'openai', apiKey: new SecretKey(GOOD.openai) })).toMatchObject({
      status: 'unverified',
      reason: 'unexpected',
      httpStatus: 404,
    });
  });

  it('checks its settings once', () => {
    expect(() => createKeyValidator({ timeoutMs: -1 })).toThrow(InvalidSettingsError);
    expect(() => createKeyValidator({ baseURLs: { openai: 'api.openai.com' } })).toThrow(/baseURLs\.openai/);
    expect(() => createKeyValidator({ baseURLs: { openrouter: 'https://x' } as never })).toThrow(
      /baseURLs\.openrouter/,
    );
  });
});
