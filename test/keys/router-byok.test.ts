import { afterEach, describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  InvalidSettingsError,
  type KeyDisabledEvent,
  type RouterSettings,
} from '../../src/index.ts';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { type ChatServer, startLiteLLMServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import { startProviderKeyServers } from '../../src/testing/loopback/provider-key-server.ts';
import { createMemoryLogger } from '../helpers/gateways.ts';
import { captureLogger, GOOD, infisicalCipher, renderings } from './helpers.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const USER_A = 'user-a';
const USER_B = 'user-b';
const ask = (user: string, model = 'openai/gpt-5.4-mini') => ({
  model,
  user,
  messages: [{ role: 'user' as const, content: 'hello' }],
});

async function setup(settings: Partial<RouterSettings> = {}) {
  const infisical = await startInfisicalServer();
  const kmsKey = infisical.createKey({ name: 'byok-llm-keys' });
  const providers = await startProviderKeyServers({
    openai: { [GOOD.openai]: 'valid' },
    anthropic: { [GOOD.anthropic]: 'valid' },
  });
  const accepted = new Set([GOOD.openai, GOOD.anthropic]);
  const litellm: ChatServer = await startLiteLLMServer({
    apiKey: 'sk-virtual-key-abcdef123456',
    acceptProviderKey: (key) => accepted.has(key),
  });
  const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-router-account-123456' });
  const vaultLogger = captureLogger();
  const vault = createKeyVault({
    cipher: infisicalCipher(infisical, kmsKey),
    store: createMemoryKeyRecordStore(),
    validator: createKeyValidator({ baseURLs: providers.baseURLs }),
    logger: vaultLogger,
  });
  const logger = createMemoryLogger();
  const router = createRouter({
    logger,
    keys: vault,
    gateways: {
      litellm: { baseURL: litellm.baseURL, apiKey: 'sk-virtual-key-abcdef123456' },
      openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-router-account-123456' },
    },
    ...settings,
  });
  closers.push(infisical.close, providers.close, litellm.close, openrouter.close, () => router.close());
  const openaiKey = await vault.add({
    provider: 'openai',
    user: USER_A,
    apiKey: GOOD.openai,
    label: 'a openai',
  });
  return {
    infisical,
    providers,
    accepted,
    litellm,
    openrouter,
    vault,
    router,
    logger,
    vaultLogger,
    openaiKey,
  };
}

describe('BYOK in routed calls', () => {
  test("preferred: the user's own key goes to LiteLLM in api_key and is named on the usage record; others use the deployment", async () => {
    const { router, litellm, openaiKey } = await setup();
    const own = await router.chat(ask(USER_A));
    expect(litellm.chatRequests[0]?.body).toMatchObject({ api_key: GOOD.openai, user: USER_A });
    expect(own.route).toMatchObject({ gateway: 'litellm', keyId: openaiKey.id });

    const other = await router.chat(ask(USER_B));
    expect(litellm.chatRequests[1]?.body).not.toHaveProperty('api_key');
    expect(other.route.keyId).toBe('gateway:litellm');

    const records = await router.usage.query();
    expect(records.map((record) => [record.user, record.keyId])).toEqual([
      [USER_A, openaiKey.id],
      [USER_B, 'gateway:litellm'],
    ]);
    const byKey = await router.usage.attribute({ by: 'key' });
    expect(byKey.rows.map((row) => row.id).sort()).toEqual([openaiKey.id, 'gateway:litellm'].sort());
  });

  test("one user's call never loads or uses another user's key", async () => {
    const { router, litellm, vault } = await setup({ byok: 'required' });
    expect(await vault.resolve({ user: USER_B, provider: 'openai' })).toBeUndefined();
    const error = await router.chat(ask(USER_B)).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    expect(litellm.chatRequests).toHaveLength(0);
    expect(JSON.stringify((error as AllCandidatesFailedError).errors.map((item) => item.kind))).toContain(
      'no-key',
    );
  });

  test('required: candidates without a key are skipped; OpenRouter only when allowed, on its own key, still for the user', async () => {
    const strict = await setup({ byok: 'required' });
    const refused = await strict.router
      .chat(ask(USER_A, 'anthropic/claude-haiku-4-5'))
      .catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(refused)).toBe(true);
    expect((refused as AllCandidatesFailedError).errors.map((item) => [item.gateway, item.kind])).toEqual([
      ['litellm', 'no-key'],
      ['openrouter', 'no-key'],
    ]);
    expect(strict.openrouter.chatRequests).toHaveLength(0);

    const lenient = await setup({ byok: 'required', byokAllowOpenRouter: true });
    const served = await lenient.router.chat(ask(USER_A, 'anthropic/claude-haiku-4-5'));
    expect(served.route).toMatchObject({ gateway: 'openrouter', keyId: 'gateway:openrouter' });
    expect((await lenient.router.usage.query())[0]).toMatchObject({
      user: USER_A,
      keyId: 'gateway:openrouter',
    });
    // With her own openai key she goes through LiteLLM as usual.
    expect((await lenient.router.chat(ask(USER_A))).route.gateway).toBe('litellm');
  });

  test('a key the provider refuses in a call is revalidated, disabled and reported; the call moves on', async () => {
    const { router, litellm, openrouter, vault, providers, accepted, openaiKey } = await setup();
    const disabled = new Promise<KeyDisabledEvent>((resolve) => router.on('key-disabled', resolve));
    // The key is revoked at the provider: the proxy's upstream refuses it, and so does validation.
    accepted.delete(GOOD.openai);
    providers.servers.openai.removeKey(GOOD.openai);

    const reply = await router.chat(ask(USER_A));

    expect(litellm.chatRequests[0]?.body).toMatchObject({ api_key: GOOD.openai });
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'provider-auth', status: 401 });
    expect(reply.route).toMatchObject({ gateway: 'openrouter', keyId: 'gateway:openrouter' });
    expect(openrouter.chatRequests).toHaveLength(1);
    const event = await disabled;
    expect(event).toEqual({ keyId: openaiKey.id, provider: 'openai', user: USER_A, reason: 'invalid' });
    expect((await vault.get(openaiKey.id))?.status).toBe('disabled');
    expect(providers.servers.openai.validationRequests.length).toBeGreaterThanOrEqual(2); // at add, and now

    // The next call does not try the disabled key again.
    await router.chat(ask(USER_A));
    expect(litellm.chatRequests[1]?.body).not.toHaveProperty('api_key');
  });

  test('no key appears in any log, event, error, result or record of a whole run', async () => {
    const run = await setup();
    const seen: unknown[] = [];
    for (const name of [
      'call-start',
      'call-end',
      'call-error',
      'attempt-error',
      'fallback',
      'usage',
      'key-disabled',
    ] as const) {
      run.router.on(name, (event: unknown) => seen.push(event));
    }
    const anthropicKey = await run.vault.add({ provider: 'anthropic', user: USER_A, apiKey: GOOD.anthropic });
    seen.push(anthropicKey, await run.vault.list({ user: USER_A }));
    seen.push(await run.router.chat(ask(USER_A)));
    seen.push(await run.router.chat(ask(USER_A, 'anthropic/claude-haiku-4-5')));
    run.accepted.delete(GOOD.openai);
    run.providers.servers.openai.removeKey(GOOD.openai);
    const disabled = new Promise((resolve) => run.router.on('key-disabled', resolve));
    seen.push(await run.router.chat(ask(USER_A)));
    await disabled;
    await run.openrouter.down();
    seen.push(await run.router.chat(ask(USER_A)).catch((caught: unknown) => caught));
    seen.push(await run.router.usage.query(), await run.router.usage.report({ groupBy: ['key'] }));
    seen.push(run.logger.lines, run.vaultLogger.lines);

    const text = seen.flatMap((value) => renderings(value)).join('\n');
    expect(text).toContain(anthropicKey.id); // the sweep did see the key ids…
    for (const secret of [
      GOOD.openai,
      GOOD.anthropic,
      'sk-virtual-key-abcdef123456',
      'sk-or-v1-router-account-123456',
    ]) {
      expect(text).not.toContain(secret); // …and never a key
    }
  });

  test("byok 'required' without a vault is a settings error", () => {
    expect(() => createRouter({ byok: 'required' })).toThrow(InvalidSettingsError);
  });
});
