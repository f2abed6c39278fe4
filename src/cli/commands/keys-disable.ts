import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { printable } from '../format-table.ts';
import { VAULT_OPTIONS } from '../options/vault-options.ts';
import { keyTable } from './key-table.ts';
import { SCOPE_OPTIONS, scopeOf, withVault } from './with-vault.ts';

/** `llm-router keys disable`: `vault.disable()`. */
export const keysDisableCommand: CommandSpec = {
  path: ['keys', 'disable'],
  summary: 'Disable a stored key so the router no longer uses it (only keys enable undoes it).',
  positionals: [{ name: 'key-id', description: 'The key to disable (key_…).', required: true }],
  options: {
    reason: {
      type: 'string',
      placeholder: '<text>',
      description: 'Why, kept on the record. Default "disabled by an operator".',
    },
    ...SCOPE_OPTIONS,
    ...VAULT_OPTIONS,
  },
  examples: ['llm-router keys disable key_3f1c0a… --reason "left the team" --store file:./byok-keys.json'],
  async run(context) {
    const { io, flags, json, positionals } = context;
    const reason = flags.string('reason') ?? 'disabled by an operator';
    return withVault(context, async (vault) => {
      const key = await vault.disable(positionals[0] as string, reason, scopeOf(context));
      io.out(json ? `${JSON.stringify(key, null, 2)}\n` : keyTable([key]));
      return EXIT_CODES.ok;
    });
  },
};

/** `llm-router keys remove`: `vault.remove()`. */
export const keysRemoveCommand: CommandSpec = {
  path: ['keys', 'remove'],
  summary: 'Delete a stored key record for good.',
  details: ['Exits 1 when there is no such key (for that --user).'],
  positionals: [{ name: 'key-id', description: 'The key to delete (key_…).', required: true }],
  options: { ...SCOPE_OPTIONS, ...VAULT_OPTIONS },
  examples: ['llm-router keys remove key_3f1c0a… --store file:./byok-keys.json'],
  async run(context) {
    const { io, flags, json, positionals } = context;
    const id = positionals[0] as string;
    return withVault(context, async (vault) => {
      const removed = await vault.remove(id, scopeOf(context));
      if (json) io.out(`${JSON.stringify({ id, removed })}\n`);
      if (!removed) {
        if (!json) io.err(`llm-router ${flags.command}: no such key; nothing was removed.\n`);
        return EXIT_CODES.failed;
      }
      if (!json) io.out(`Removed ${printable(id)}.\n`);
      return EXIT_CODES.ok;
    });
  },
};
