import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { flagError } from '../flags.ts';
import { createCipherFromFlags, VAULT_OPTIONS } from '../options/vault-options.ts';
import { withVault } from './with-vault.ts';

/** `llm-router keys rotate-cipher`: `vault.rotateCipher()`. */
export const keysRotateCipherCommand: CommandSpec = {
  path: ['keys', 'rotate-cipher'],
  summary: 'Re-encrypt every stored key with another cipher or master key (all or nothing).',
  details: [
    '--cipher, --master-key-env and --kms-key-id describe the cipher the records are encrypted with now;',
    '--to-cipher, --to-master-key-env and --to-kms-key-id the one to move to (e.g. a new master key, or from',
    'local to infisical). Every record is decrypted first: if one cannot be, nothing is written. Afterwards,',
    'configure the new cipher everywhere the vault is used (e.g. put the new master key in LLM_ROUTER_MASTER_KEY).',
  ],
  options: {
    ...VAULT_OPTIONS,
    'to-cipher': {
      type: 'string',
      placeholder: '<local|infisical>',
      description: 'The cipher to re-encrypt with (required).',
    },
    'to-master-key-env': {
      type: 'string',
      placeholder: '<NAME>',
      description: 'With --to-cipher local: the environment variable holding the new master key (required).',
    },
    'to-kms-key-id': {
      type: 'string',
      placeholder: '<uuid>',
      description: 'With --to-cipher infisical: the KMS key to move to. Default INFISICAL_KMS_KEY_ID.',
    },
  },
  examples: [
    'NEW_MASTER_KEY=… llm-router keys rotate-cipher --store file:./byok-keys.json --cipher local --to-cipher local --to-master-key-env NEW_MASTER_KEY',
    'llm-router keys rotate-cipher --store file:./byok-keys.json --cipher local --to-cipher infisical',
  ],
  async run(context) {
    const { io, flags, json } = context;
    const target = flags.string('to-cipher');
    if (target === undefined) throw flagError(flags, 'to-cipher', 'missing; pass local or infisical.');
    if (target === 'local' && flags.string('to-master-key-env') === undefined)
      throw flagError(
        flags,
        'to-master-key-env',
        'missing; name the environment variable that holds the new master key.',
      );
    const next = createCipherFromFlags(io, flags, {
      cipher: 'to-cipher',
      masterKeyEnv: 'to-master-key-env',
      kmsKeyId: 'to-kms-key-id',
    });
    try {
      return await withVault(context, async (vault) => {
        const result = await vault.rotateCipher(next);
        io.out(
          json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `Re-encrypted ${result.reencrypted} key(s) with ${result.cipher}. Use this cipher from now on.\n`,
        );
        return EXIT_CODES.ok;
      });
    } finally {
      // The vault closes the ciphers it used; this one too when the rotation never started.
      await next.close?.();
    }
  },
};
