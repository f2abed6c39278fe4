import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSettingsError, type KeyVault, KeyVaultError, SecretKey } from '../../src/index.ts';
import {
  createDefaultKeyCipher,
  createInfisicalCipher,
  createKeyVault,
  createLocalCipher,
  createMemoryKeyRecordStore,
} from '../../src/keys/index.ts';
import { createFakeClock } from '../../src/testing/index.ts';
import { fuzzParameters } from './fuzz-settings.ts';

// Issue 16 item 17: the vault's public methods and the cipher factories, fed generated garbage,
// answer with a result or an exported typed error; no secret (every one carries MARK) shows in any
// message, JSON or inspect output; the shared prototypes stay untouched.

const MARK = 'zq9MARKzq9';
/** Provider keys the vault holds: each carries the marker, so any leak is found. */
const SECRETS = ['sk-proj-', 'sk-ant-', 'AIza-', 'co-', 'mi-'].map(
  (prefix) => `${prefix}${MARK}-0123456789abcdef`,
);
/** 32-byte master keys whose base64 carries the marker too. */
const MASTER_KEYS = [0, 1].map((index) => Buffer.from(`${MARK}${index}`.padEnd(32, 'm')).toString('base64'));
const MASTER_KEY = MASTER_KEYS[0] as string;
const INFISICAL_SECRET = `infisical-client-secret-${MARK}`;
const SAME_AS_KEY = Symbol('the key of the same input');
const PROVIDERS = ['openai', 'anthropic', 'google', 'cohere', 'mistral'] as const;

/** Any value at all, including null-prototype objects, BigInt, Symbol-free garbage and near-valid shapes. */
const garbage = fc.anything({
  withNullPrototype: true,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  maxDepth: 2,
});

function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((prototype) => Object.getOwnPropertyNames(prototype).sort().join(','))
    .join('|');
}

/** Fails when `outcome` (a result or an error) shows a secret anywhere, or is an untyped error. */
function expectSafe(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void {
  if (!outcome.ok) {
    const { error } = outcome;
    const typed = KeyVaultError.isInstance(error) || InvalidSettingsError.isInstance(error);
    expect(typed, `untyped error: ${inspect(error)}`).toBe(true);
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
  const value = outcome.ok ? outcome.value : outcome.error;
  const texts = [
    inspect(value, { depth: 6, showHidden: true }),
    inspect(value, { depth: 6, customInspect: false }),
  ];
  try {
    texts.push(JSON.stringify(value) ?? '');
  } catch (error) {
    // A cyclic result cannot be stringified: inspect covered it. Anything else is a finding.
    expect(String(error)).toMatch(/circular|BigInt/i);
  }
  if (value instanceof Error) texts.push(value.message, value.stack ?? '');
  for (const text of texts) expect(text).not.toContain(MARK);
}

async function settle(
  run: () => unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

async function populatedVault(): Promise<{ vault: KeyVault; ids: string[] }> {
  const vault = createKeyVault({
    cipher: createLocalCipher({ masterKey: MASTER_KEY }),
    store: createMemoryKeyRecordStore(),
    // Our own validator (no network): every key is valid.
    validator: { validate: async () => ({ status: 'valid' as const }) },
    clock: createFakeClock(),
    logger: false,
  });
  const ids: string[] = [];
  for (const [index, provider] of PROVIDERS.entries()) {
    const apiKey = SECRETS[index] as string;
    ids.push((await vault.add({ provider, user: index % 2 ? 'bob' : 'alice', apiKey, label: apiKey })).id);
  }
  return { vault, ids };
}

const VAULT_METHODS = [
  'add',
  'list',
  'get',
  'revalidate',
  'revalidateUnverified',
  'disable',
  'enable',
  'remove',
  'resolve',
  'reportRejected',
  'rotateCipher',
] as const;

describe('key vault and ciphers under generated garbage', () => {
  it('vault methods answer with a result or a typed error, and never show a key', async () => {
    const { vault, ids } = await populatedVault();
    // Near-valid values reach deeper than pure garbage: real ids, users, providers; keys only where
    // a key goes (`apiKey`), or pasted by their owner into free text (the label of the same key).
    const value = fc.oneof(
      { weight: 3, arbitrary: garbage },
      { weight: 1, arbitrary: fc.constantFrom(...ids, 'alice', 'bob', ...PROVIDERS) },
      {
        weight: 2,
        arbitrary: fc
          .record(
            {
              user: fc.oneof(fc.constantFrom('alice', 'bob'), garbage),
              provider: fc.oneof(fc.constantFrom(...PROVIDERS), garbage),
              apiKey: fc.oneof(fc.constantFrom(...SECRETS), garbage),
              label: fc.oneof(fc.constant(SAME_AS_KEY), garbage),
              keyId: fc.oneof(fc.constantFrom(...ids), garbage),
              allowUnverified: garbage,
              status: garbage,
              onInvalid: garbage,
              httpStatus: garbage,
            },
            { requiredKeys: [] },
          )
          .map((input) =>
            input.label === SAME_AS_KEY
              ? { ...input, label: `mine: ${typeof input.apiKey === 'string' ? input.apiKey : '?'}` }
              : input,
          ),
      },
    );
    const before = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VAULT_METHODS),
        fc.array(value, { maxLength: 3 }),
        async (method, args) => {
          const call = vault[method] as (...input: unknown[]) => unknown;
          const outcome = await settle(() => call.apply(vault, args));
          expectSafe(outcome);
          // A key's owner pastes the key into the reason for disabling it: removed.
          const index = args.length % ids.length;
          expectSafe(await settle(() => vault.disable(ids[index] as string, `leaked ${SECRETS[index]}!`)));
          expect(prototypeSnapshot()).toBe(before);
        },
      ),
      fuzzParameters(300),
    );
  });

  it('cipher factories and the local cipher take garbage settings and ciphertexts with typed errors only', async () => {
    const settingsOf = (secretKeys: fc.Arbitrary<unknown>) =>
      fc.oneof(
        garbage,
        fc.record(
          {
            masterKey: fc.oneof(secretKeys, garbage, fc.constantFrom(-1, 1n, {}, 1.5)),
            previousMasterKeys: fc.oneof(fc.array(fc.oneof(secretKeys, garbage)), garbage, fc.constant(1.5)),
            env: fc.oneof(garbage, fc.record({ LLM_ROUTER_MASTER_KEY: fc.oneof(secretKeys, garbage) })),
            siteUrl: garbage,
            clientId: fc.oneof(fc.constant('client-id'), garbage),
            clientSecret: fc.oneof(fc.constant(INFISICAL_SECRET), garbage),
            keyId: fc.oneof(fc.uuid(), garbage),
            keyName: garbage,
            projectId: garbage,
            previousKeyIds: garbage,
            requestTimeoutMs: garbage,
            loginRetryDelayMs: garbage,
            clock: garbage,
            logger: fc.oneof(fc.constant(false), garbage),
          },
          { requiredKeys: [] },
        ),
      );
    const masterKey = fc.oneof(
      fc.constantFrom(...MASTER_KEYS),
      fc.constantFrom(...MASTER_KEYS).map((key) => `${key}x`), // one character too many
      fc.constantFrom(...MASTER_KEYS).map((key) => Buffer.from(key, 'base64').subarray(0, 31)),
    );
    const factories = {
      createLocalCipher,
      createInfisicalCipher,
      createDefaultKeyCipher: (settings: unknown) =>
        createDefaultKeyCipher(
          typeof settings === 'object' && settings !== null && !('logger' in settings)
            ? { ...settings, logger: false }
            : (settings as never),
        ),
    } as Record<string, (settings: unknown) => unknown>;
    const local = createLocalCipher({ masterKey: MASTER_KEY });
    const before = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(factories)),
        settingsOf(masterKey),
        garbage,
        async (factory, settings, input) => {
          expectSafe(await settle(() => (factories[factory] as (value: unknown) => unknown)(settings)));
          expectSafe(await settle(() => local.decrypt(input as string)));
          expectSafe(
            await settle(() =>
              local.encrypt(
                (typeof input === 'object' && input !== null
                  ? {
                      provider: 'openai',
                      user: 'alice',
                      apiKey: new SecretKey(SECRETS[0] as string),
                      ...input,
                    }
                  : input) as never,
              ),
            ),
          );
          expect(prototypeSnapshot()).toBe(before);
        },
      ),
      fuzzParameters(300),
    );
  });
});
