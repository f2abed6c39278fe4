import type { KeyStatus } from '@bestviable/llm-router';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { PROVIDER_IDS } from '../options/requirement-options.ts';
import { VAULT_OPTIONS } from '../options/vault-options.ts';
import { readChoice } from '../read-values.ts';
import { keyTable } from './key-table.ts';
import { withVault } from './with-vault.ts';

const STATUSES: readonly KeyStatus[] = ['active', 'disabled', 'unverified'];

/** `llm-router keys list`: `vault.list()`, metadata only. */
export const keysListCommand: CommandSpec = {
  path: ['keys', 'list'],
  summary: 'List stored keys: id, provider, user, label, last four characters, status. Never a key.',
  details: ['Shows the metadata as stored (unverified: a seal is checked when a key is used or validated).'],
  options: {
    provider: {
      type: 'string',
      placeholder: '<id>',
      description: `Only this provider's keys: ${PROVIDER_IDS.join(', ')}.`,
    },
    user: { type: 'string', placeholder: '<id>', description: "Only this user's keys." },
    status: {
      type: 'string',
      placeholder: '<status>',
      description: `Only keys in this status: ${STATUSES.join(', ')}.`,
    },
    ...VAULT_OPTIONS,
  },
  examples: [
    'llm-router keys list --store file:./byok-keys.json --user user-42',
    'llm-router keys list --status disabled --json',
  ],
  async run(context) {
    const { io, flags, json } = context;
    const provider = readChoice(flags, 'provider', PROVIDER_IDS);
    const status = readChoice(flags, 'status', STATUSES);
    const user = flags.string('user');
    return withVault(context, async (vault) => {
      const keys = await vault.list({
        ...(provider === undefined ? {} : { provider }),
        ...(user === undefined ? {} : { user }),
        ...(status === undefined ? {} : { status }),
      });
      io.out(json ? `${JSON.stringify(keys, null, 2)}\n` : keyTable(keys));
      return EXIT_CODES.ok;
    });
  },
};
