import { SecretKey } from '@bestviable/llm-router';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { flagError } from '../flags.ts';
import { printable } from '../format-table.ts';
import { PROVIDER_IDS } from '../options/requirement-options.ts';
import { VALIDATION_OPTIONS, VAULT_OPTIONS } from '../options/vault-options.ts';
import { readApiKey } from '../read-api-key.ts';
import { readChoice, requireString } from '../read-values.ts';
import { keyTable } from './key-table.ts';
import { withVault } from './with-vault.ts';

/** `llm-router keys add`: `vault.add()` with the key from standard input or a hidden prompt. */
export const keysAddCommand: CommandSpec = {
  path: ['keys', 'add'],
  summary:
    "Validate a user's provider key and store it encrypted (the key from standard input or a hidden prompt).",
  details: [
    'The key is read from standard input when it is piped, else typed at a prompt with echo off. It is never',
    'taken from the command line: --key and the like are refused, since ps and shell history would show it.',
    'The key is checked with its provider first (a call that spends no tokens). Exits 0 when it was stored',
    'active or unverified (the check could not run; a warning says so), 1 when the provider refused it',
    '(nothing stored, or stored disabled with --on-invalid disable).',
  ],
  options: {
    provider: {
      type: 'string',
      placeholder: '<id>',
      description: `The key's provider: ${PROVIDER_IDS.join(', ')} (required).`,
    },
    user: {
      type: 'string',
      placeholder: '<id>',
      description: "The key's owner: only this user's calls use it (required).",
    },
    label: {
      type: 'string',
      placeholder: '<text>',
      description: 'A name for the key, e.g. work (at most 100 characters).',
    },
    'on-invalid': {
      type: 'string',
      placeholder: '<refuse|disable>',
      description:
        'A key the provider refuses: refuse (store nothing, the default) or disable (store it disabled).',
    },
    ...VAULT_OPTIONS,
    ...VALIDATION_OPTIONS,
  },
  examples: [
    'printf %s "$USER_OPENAI_KEY" | llm-router keys add --provider openai --user user-42 --store file:./byok-keys.json',
    'llm-router keys add --provider anthropic --user user-42 --label work --store postgres:   # prompts for the key',
  ],
  async run(context) {
    const { io, flags, json } = context;
    const provider = readChoice(flags, 'provider', PROVIDER_IDS);
    if (provider === undefined)
      throw flagError(flags, 'provider', `missing; pass one of ${PROVIDER_IDS.join(', ')}.`);
    const user = requireString(flags, 'user', "pass the key owner's id, e.g. --user user-42.");
    const label = flags.string('label');
    const onInvalid = readChoice(flags, 'on-invalid', ['refuse', 'disable'] as const);
    return withVault(context, async (vault) => {
      const apiKey = await readApiKey(io, {
        prompt: `${provider} API key for ${printable(user)} (input hidden): `,
        command: flags.command,
      });
      const key = await vault.add(
        { provider, user, apiKey: new SecretKey(apiKey), ...(label === undefined ? {} : { label }) },
        onInvalid === undefined ? {} : { onInvalid },
      );
      io.out(json ? `${JSON.stringify(key, null, 2)}\n` : keyTable([key]));
      if (key.status === 'unverified')
        io.err(
          `llm-router: warning: ${key.id} is stored unverified (${key.reason ?? 'check failed'}): the provider could not be asked; run llm-router keys validate ${key.id} later.\n`,
        );
      return key.status === 'disabled' ? EXIT_CODES.failed : EXIT_CODES.ok;
    });
  },
};
