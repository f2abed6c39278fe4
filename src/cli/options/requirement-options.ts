import type { ModelRequirements, ProviderId } from '@bestviable/llm-router';
import type { OptionSpecs } from '../command.ts';
import type { Flags } from '../flags.ts';
import { readChoices, readWholeNumber } from '../read-values.ts';

/** The providers the package knows. */
export const PROVIDER_IDS = [
  'openai',
  'anthropic',
  'google',
  'cohere',
  'mistral',
] as const satisfies readonly ProviderId[];

const CAPABILITIES = ['tools', 'json', 'vision'] as const;

/** `--require`, `--min-context` and `--provider`, shared by `models` and `compare-costs`. */
export const REQUIREMENT_OPTIONS: OptionSpecs = {
  require: {
    type: 'string',
    placeholder: '<list>',
    description: 'Capabilities every model must have, comma-separated: tools, json, vision.',
  },
  'min-context': {
    type: 'string',
    placeholder: '<tokens>',
    description: 'Smallest context window accepted, in tokens.',
  },
  provider: {
    type: 'string',
    placeholder: '<list>',
    description: `Only these providers, comma-separated: ${PROVIDER_IDS.join(', ')}.`,
  },
};

/** The `ModelRequirements` the flags describe (empty when none is given). */
export function readRequirements(flags: Flags): ModelRequirements {
  const capabilities = readChoices(flags, 'require', CAPABILITIES) ?? [];
  const minContextTokens = readWholeNumber(flags, 'min-context', 1);
  const providers = readChoices(flags, 'provider', PROVIDER_IDS);
  return {
    ...Object.fromEntries(capabilities.map((capability) => [capability, true])),
    ...(minContextTokens === undefined ? {} : { minContextTokens }),
    ...(providers === undefined ? {} : { providers }),
  };
}
