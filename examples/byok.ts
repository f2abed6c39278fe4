/**
 * BYOK: a user's own provider key, encrypted with Infisical KMS, used for that user's calls.
 *
 *   npm run example:byok
 *
 * Runs on the embedded default: a loopback Infisical (universal auth and KMS, spoken to by the real
 * `@infisical/sdk`), a loopback copy of OpenAI's key-validation endpoint, and loopback LiteLLM and
 * OpenRouter servers, all from the test kit (no keys, no network). It always runs on them: it
 * revokes the key at the "provider" part-way.
 *
 * 1. Adding a key validates it with a real call to the provider's models endpoint; a key the
 *    provider does not know is refused.
 * 2. The user's call goes through LiteLLM with the key in the body's `api_key`.
 * 3. The provider revokes the key: the call moves on to OpenRouter at once, the key is revalidated
 *    in the background, found invalid and disabled (`key-disabled`).
 * 4. Listing keys shows metadata only: never the key.
 */
import { createRouter, type KeyDisabledEvent, KeyVaultError } from '@bestviable/llm-router';
import {
  createInfisicalCipher,
  createKeyValidator,
  createKeyVault,
  createMemoryKeyRecordStore,
} from '@bestviable/llm-router/keys';
import {
  type ChatRequestBody,
  startInfisicalServer,
  startLiteLLMServer,
  startOpenRouterServer,
  startProviderKeyServers,
} from '@bestviable/llm-router/testing';

// A user's OpenAI key, as they would paste it into your settings page.
const ALICE_KEY = 'sk-proj-alice-demo-key-7f3a9c2e1d4b8a60';

const infisical = await startInfisicalServer();
const kmsKey = infisical.createKey({ name: 'byok-llm-keys' });
const providers = await startProviderKeyServers({ openai: { [ALICE_KEY]: 'valid' } });
// The proxy's upstream (OpenAI) accepts the provider keys in this set.
const acceptedUpstream = new Set([ALICE_KEY]);
const litellm = await startLiteLLMServer({
  apiKey: 'sk-demo-litellm',
  acceptProviderKey: (apiKey) => acceptedUpstream.has(apiKey),
});
const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo' });

const vault = createKeyVault({
  cipher: createInfisicalCipher({
    siteUrl: infisical.siteUrl,
    clientId: infisical.identity.clientId,
    clientSecret: infisical.identity.clientSecret,
    keyId: kmsKey.id,
    env: {}, // credentials from these settings only, not INFISICAL_* variables
  }),
  store: createMemoryKeyRecordStore(),
  validator: createKeyValidator({ baseURLs: providers.baseURLs }),
});

console.log('1. Adding keys (each validated by the provider first):');
const added = await vault.add({ provider: 'openai', user: 'alice', apiKey: ALICE_KEY, label: 'personal' });
console.log(`  alice's openai key: ${added.id}, status ${added.status}, ending …${added.last4}`);
try {
  await vault.add({ provider: 'openai', user: 'bob', apiKey: 'sk-proj-typo-0000000000000000' });
} catch (error) {
  if (!KeyVaultError.isInstance(error)) throw error;
  console.log(`  bob's key refused: ${error.kind} (${error.message})`);
}

const router = createRouter({
  keys: vault,
  byok: 'preferred',
  gateways: {
    litellm: { baseURL: litellm.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: { baseURL: openrouter.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  logger: false,
});
router.on('fallback', (event) =>
  console.log(`  ↪ fallback ${event.from.gateway} → ${event.to.gateway} (${event.reason})`),
);
const disabled = new Promise<KeyDisabledEvent>((resolve) => router.on('key-disabled', resolve));

// What the proxy received in the body's `api_key` on the last call (described, never printed).
const lastApiKey = () => {
  const body = litellm.chatRequests.at(-1)?.body as ChatRequestBody | undefined;
  const sent = body?.api_key;
  return sent === undefined ? 'none' : sent === ALICE_KEY ? "alice's key" : 'another key';
};
const ask = (user: string) =>
  router.chat({ user, model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'Hello' }] });

console.log("\n2. Alice's call goes through LiteLLM on her own key; Bob's on the organisation's:");
for (const user of ['alice', 'bob']) {
  const reply = await ask(user);
  console.log(
    `  ${user.padEnd(6)} via ${reply.route.gateway}, keyId ${reply.route.keyId}, LiteLLM got api_key: ${lastApiKey()}`,
  );
}

console.log('\n3. OpenAI revokes the key; the next call moves on and the key is disabled:');
acceptedUpstream.delete(ALICE_KEY);
providers.servers.openai.removeKey(ALICE_KEY);
const moved = await ask('alice');
console.log(
  `  alice  via ${moved.route.gateway}, keyId ${moved.route.keyId} ` +
    `(first attempt: ${moved.attempts[0]?.error?.kind} ${moved.attempts[0]?.error?.status})`,
);
const event = await disabled;
console.log(`  key-disabled: ${JSON.stringify(event)}`);
const after = await ask('alice');
console.log(
  `  alice  via ${after.route.gateway}, keyId ${after.route.keyId}, LiteLLM got api_key: ${lastApiKey()} (the disabled key is not tried again)`,
);

console.log('\n4. The keys as stored: metadata only (the key itself is ciphertext under the KMS key):');
console.table(
  (await vault.list()).map((key) => ({
    id: key.id,
    user: key.user,
    provider: key.provider,
    label: key.label ?? '',
    last4: key.last4,
    status: key.status,
    reason: key.reason ?? '',
    cipher: key.cipher,
  })),
);
const printed = JSON.stringify([await vault.list(), await router.usage.query()]);
console.log(
  `  the key appears in listings or usage records: ${printed.includes(ALICE_KEY) ? 'yes (bug!)' : 'no'}`,
);
const byKey = await router.usage.attribute({ by: 'key' });
console.log(`  calls per key: ${byKey.rows.map((row) => `${row.id} ${row.requests}`).join(', ')}`);

await router.close();
await vault.close(); // ends the Infisical cipher's background work
await Promise.all([infisical.close(), providers.close(), litellm.close(), openrouter.close()]);
