import {
  InvalidSettingsError,
  type KeyCipher,
  type KeyRecordStore,
  type KeyVault,
  type ProviderId,
} from '@bestviable/llm-router';
import {
  createFileKeyRecordStore,
  createInfisicalCipher,
  createKeyValidator,
  createKeyVault,
  createLocalCipher,
  INFISICAL_ENV,
  MASTER_KEY_ENV,
} from '@bestviable/llm-router/keys';
import type { CliIo } from '../cli-io.ts';
import { createCliLogger } from '../cli-logger.ts';
import { CliUsageError } from '../cli-usage-error.ts';
import type { OptionSpecs } from '../command.ts';
import { type Flags, flagError } from '../flags.ts';
import { readChoice, readWholeNumber } from '../read-values.ts';
import { connectPostgres, POSTGRES_OPTIONS, postgresConnectionOf } from './postgres.ts';
import { readSecretEnv } from './read-secret-env.ts';
import { PROVIDER_IDS } from './requirement-options.ts';

const CIPHERS = ['local', 'infisical'] as const;
type CipherKind = (typeof CIPHERS)[number];

/** Where the vault's records are, and how they are encrypted: every `keys` subcommand. */
export const VAULT_OPTIONS: OptionSpecs = {
  store: {
    type: 'string',
    placeholder: '<file:path|postgres://…>',
    env: 'LLM_ROUTER_KEY_STORE',
    description:
      'Where key records live: file:<path> (one JSON file, mode 0600; its directory must exist), or postgres://… / postgres: (PG* variables) with the pg package installed.',
  },
  ...POSTGRES_OPTIONS,
  cipher: {
    type: 'string',
    placeholder: '<local|infisical>',
    env: 'LLM_ROUTER_CIPHER',
    description: `How keys are encrypted: infisical (Infisical KMS; ${INFISICAL_ENV.siteUrl}, ${INFISICAL_ENV.clientId}, ${INFISICAL_ENV.clientSecret}, ${INFISICAL_ENV.keyId} or ${INFISICAL_ENV.keyName} with ${INFISICAL_ENV.projectId}) or local (AES-256-GCM under a master key in the environment; development only). Default infisical when ${INFISICAL_ENV.clientId} is set, else local.`,
  },
  'master-key-env': {
    type: 'string',
    placeholder: '<NAME>',
    description: `Environment variable holding the local cipher's master key (base64 of 32 bytes). Default ${MASTER_KEY_ENV}.`,
  },
  'kms-key-id': {
    type: 'string',
    placeholder: '<uuid>',
    description: `Infisical KMS key to use. Default ${INFISICAL_ENV.keyId}.`,
  },
};

/** How keys are checked with their provider: `keys add`, `validate`, `enable`. */
export const VALIDATION_OPTIONS: OptionSpecs = {
  'provider-base-url': {
    type: 'string',
    multiple: true,
    placeholder: '<provider>=<url>',
    description:
      "API root a provider's keys are checked against (a proxy, a regional endpoint, a test server), e.g. openai=https://api.openai.com.",
  },
  'validation-timeout-ms': {
    type: 'string',
    placeholder: '<ms>',
    description: 'Longest a key check may take before the key counts as unverified. Default 10000.',
  },
};

/** Which cipher the flags and environment ask for. */
function cipherKind(io: CliIo, flags: Flags, flag: string): CipherKind {
  return readChoice(flags, flag, CIPHERS) ?? (io.env[INFISICAL_ENV.clientId] ? 'infisical' : 'local');
}

/**
 * A cipher: `local` under the master key in the environment variable `masterKeyFlag` names, or
 * `infisical` from the INFISICAL_* variables (the KMS key from `kmsKeyFlag` when given).
 */
export function createCipherFromFlags(
  io: CliIo,
  flags: Flags,
  names: { readonly cipher: string; readonly masterKeyEnv: string; readonly kmsKeyId: string },
): KeyCipher {
  const kind = cipherKind(io, flags, names.cipher);
  if (kind === 'local') {
    const master = readSecretEnv(io, flags, names.masterKeyEnv, MASTER_KEY_ENV);
    if (master.value === undefined)
      throw flagError(
        flags,
        names.masterKeyEnv,
        `the local cipher needs a master key in ${master.variable}: generate one with node -e "console.log(crypto.randomBytes(32).toString('base64'))", keep it safe, and export it.`,
      );
    try {
      return createLocalCipher({ masterKey: master.value, env: {} });
    } catch (error) {
      const problem = InvalidSettingsError.isInstance(error) ? error.issues[0]?.problem : undefined;
      if (problem === undefined) throw error;
      throw flagError(flags, names.masterKeyEnv, `${master.variable}: ${problem}`);
    }
  }
  const secret = io.env[INFISICAL_ENV.clientSecret];
  if (secret !== undefined) io.addSecret(secret);
  const keyId = flags.string(names.kmsKeyId);
  return createInfisicalCipher({ env: io.env, ...(keyId === undefined ? {} : { keyId }) });
}

function readBaseUrls(flags: Flags): Partial<Record<ProviderId, string>> {
  const urls: Partial<Record<ProviderId, string>> = {};
  for (const entry of flags.list('provider-base-url') ?? []) {
    const [provider, ...rest] = entry.split('=');
    const url = rest.join('=');
    if (!(PROVIDER_IDS as readonly string[]).includes(provider ?? '') || url === '')
      throw flagError(
        flags,
        'provider-base-url',
        `expected <provider>=<url> with a provider among ${PROVIDER_IDS.join(', ')}, e.g. openai=https://api.openai.com.`,
      );
    urls[provider as ProviderId] = url;
  }
  return urls;
}

async function openStore(io: CliIo, flags: Flags) {
  const value = flags.string('store');
  if (value === undefined)
    throw flagError(
      flags,
      'store',
      'missing; pass file:<path> or postgres://… (e.g. --store file:./byok-keys.json).',
    );
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length);
    if (path === '') throw flagError(flags, 'store', 'file: needs a path, e.g. file:./byok-keys.json.');
    return { store: createFileKeyRecordStore({ path }) as KeyRecordStore, close: async () => {} };
  }
  const connection = postgresConnectionOf(value);
  if (connection === false)
    throw flagError(
      flags,
      'store',
      'expected file:<path>, postgres://… or postgres: (the value is not repeated: it may hold a password).',
    );
  const postgres = await connectPostgres(io, flags, connection, {
    flag: 'store',
    fromEnv: !flags.given('store'),
  });
  try {
    return {
      store: postgres.subpath.createPostgresKeyRecordStore({ pool: postgres.pool, ...postgres.location }),
      close: () => postgres.close(),
    };
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

/** A key vault and how to release everything it holds. */
export interface OpenedVault {
  readonly vault: KeyVault;
  close(): Promise<void>;
}

/**
 * The vault the flags describe, built with the package's public factories: `createKeyVault` over
 * the store, the cipher and `createKeyValidator` (provider API roots from `--provider-base-url`).
 */
export async function openVaultFromFlags(io: CliIo, flags: Flags, verbose: boolean): Promise<OpenedVault> {
  const validates = 'provider-base-url' in flags.specs;
  const timeoutMs = validates ? readWholeNumber(flags, 'validation-timeout-ms', 1) : undefined;
  const baseURLs = validates ? readBaseUrls(flags) : {};
  const cipher = createCipherFromFlags(io, flags, {
    cipher: 'cipher',
    masterKeyEnv: 'master-key-env',
    kmsKeyId: 'kms-key-id',
  });
  const { store, close } = await openStore(io, flags).catch(async (error: unknown) => {
    await cipher.close?.();
    throw error;
  });
  try {
    const vault = createKeyVault({
      cipher,
      store,
      validator: createKeyValidator({ baseURLs, ...(timeoutMs === undefined ? {} : { timeoutMs }) }),
      logger: createCliLogger(io, verbose),
    });
    return {
      vault,
      async close() {
        await vault.close();
        await close();
      },
    };
  } catch (error) {
    await cipher.close?.();
    await close();
    throw error;
  }
}

/** A usage error for a `keys` subcommand. */
export function keysUsageError(flags: Flags, message: string): CliUsageError {
  return new CliUsageError({ command: flags.command, message });
}
