import type { KeyScope, KeyVault } from '@bestviable/llm-router';
import type { CommandContext, OptionSpecs } from '../command.ts';
import { openVaultFromFlags } from '../options/vault-options.ts';

/** `--user`: limits a by-id operation to that user's keys. */
export const SCOPE_OPTIONS: OptionSpecs = {
  user: {
    type: 'string',
    placeholder: '<id>',
    description: "Act only on this user's key: another user's key id is reported as not found.",
  },
};

/** The `--user` scope of a by-id operation. */
export function scopeOf(context: CommandContext): KeyScope {
  const user = context.flags.string('user');
  return user === undefined ? {} : { user };
}

/** Runs `work` on the vault the flags describe, and always releases the vault, its cipher and its store. */
export async function withVault<T>(
  context: CommandContext,
  work: (vault: KeyVault) => Promise<T>,
): Promise<T> {
  const opened = await openVaultFromFlags(context.io, context.flags, context.verbose);
  try {
    return await work(opened.vault);
  } finally {
    await opened.close();
  }
}
