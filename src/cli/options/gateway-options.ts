import { createRouter, InvalidSettingsError, type Router, type RouterSettings } from '@bestviable/llm-router';
import { DEFAULT_LITELLM_BASE_URL, DEFAULT_OPENROUTER_BASE_URL } from '@bestviable/llm-router/catalog';
import type { CliIo } from '../cli-io.ts';
import { createCliLogger } from '../cli-logger.ts';
import { CliUsageError } from '../cli-usage-error.ts';
import type { OptionSpecs } from '../command.ts';
import { type Flags, flagError } from '../flags.ts';
import { readSecretEnv } from './read-secret-env.ts';

/** The gateway flags of `health`, `models` and `compare-costs`. */
export const GATEWAY_OPTIONS: OptionSpecs = {
  'litellm-url': {
    type: 'string',
    placeholder: '<url>',
    env: 'LITELLM_BASE_URL',
    description: `LiteLLM proxy root, without /v1. Default ${DEFAULT_LITELLM_BASE_URL}.`,
  },
  'litellm-key-env': {
    type: 'string',
    placeholder: '<NAME>',
    description:
      'Environment variable holding the LiteLLM virtual key. Default LITELLM_API_KEY (unset: no key sent).',
  },
  'openrouter-url': {
    type: 'string',
    placeholder: '<url>',
    env: 'OPENROUTER_BASE_URL',
    description: `OpenRouter API root. Default ${DEFAULT_OPENROUTER_BASE_URL}.`,
  },
  'openrouter-key-env': {
    type: 'string',
    placeholder: '<NAME>',
    description:
      'Environment variable holding the OpenRouter key. Default OPENROUTER_API_KEY (unset: OpenRouter is left out).',
  },
};

/** Which flag a router setting came from, to name it in a message. */
const SETTING_FLAGS: Readonly<Record<string, string>> = {
  'gateways.litellm.baseURL': 'litellm-url',
  'gateways.litellm.apiKey': 'litellm-key-env',
  'gateways.openrouter.baseURL': 'openrouter-url',
  'gateways.openrouter.apiKey': 'openrouter-key-env',
};

/** The router settings the gateway flags and environment describe. */
export function gatewaySettings(io: CliIo, flags: Flags): NonNullable<RouterSettings['gateways']> {
  const litellmKey = readSecretEnv(io, flags, 'litellm-key-env', 'LITELLM_API_KEY');
  const openrouterKey = readSecretEnv(io, flags, 'openrouter-key-env', 'OPENROUTER_API_KEY');
  const openrouterUrl = flags.string('openrouter-url');
  if (openrouterUrl !== undefined && openrouterKey.value === undefined)
    throw flagError(
      flags,
      'openrouter-url',
      `OpenRouter needs a key: set ${openrouterKey.variable} or name another variable with --openrouter-key-env.`,
    );
  return {
    litellm: {
      baseURL: flags.string('litellm-url') ?? DEFAULT_LITELLM_BASE_URL,
      ...(litellmKey.value === undefined ? {} : { apiKey: litellmKey.value }),
    },
    openrouter:
      openrouterKey.value === undefined
        ? { enabled: false }
        : { apiKey: openrouterKey.value, ...(openrouterUrl === undefined ? {} : { baseURL: openrouterUrl }) },
  };
}

/**
 * A router on the gateways the flags and environment name, built through the package's public
 * `createRouter`. A setting it refuses becomes a usage error naming the flag it came from.
 */
export function createRouterFromFlags(io: CliIo, flags: Flags, verbose: boolean): Router {
  const gateways = gatewaySettings(io, flags);
  try {
    return createRouter({ gateways, logger: createCliLogger(io, verbose) });
  } catch (error) {
    const issue = InvalidSettingsError.isInstance(error) ? error.issues[0] : undefined;
    const flag = issue === undefined ? undefined : SETTING_FLAGS[issue.setting];
    if (issue === undefined || flag === undefined) throw error;
    throw new CliUsageError({ command: flags.command, message: `${flags.label(flag)}: ${issue.problem}` });
  }
}
