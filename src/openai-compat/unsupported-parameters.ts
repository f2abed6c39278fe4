/**
 * Parameters of `chat.completions.create` the router cannot honour, each with the values that mean
 * "not used" (accepted) and what to do instead. Any other value throws, naming the parameter: a
 * call must not silently behave differently from what its code asks for.
 */
export const UNSUPPORTED_PARAMETERS: Readonly<
  Record<string, { readonly neutral: (value: unknown) => boolean; readonly instead: string }>
> = {
  n: { neutral: (value) => value === 1, instead: 'the router returns one choice; make n calls' },
  logprobs: { neutral: (value) => value === false, instead: 'log probabilities are not returned' },
  top_logprobs: { neutral: () => false, instead: 'log probabilities are not returned' },
  logit_bias: {
    neutral: (value) => typeof value === 'object' && value !== null && Object.keys(value).length === 0,
    instead: 'token biases are not sent',
  },
  audio: { neutral: () => false, instead: 'audio output is not supported; ask for text' },
  modalities: {
    neutral: (value) => Array.isArray(value) && value.length === 1 && value[0] === 'text',
    instead: 'only text output is supported',
  },
  prediction: { neutral: () => false, instead: 'predicted outputs are not sent' },
  functions: {
    neutral: () => false,
    instead: 'pass `tools` (the deprecated `functions` API is not supported)',
  },
  function_call: {
    neutral: () => false,
    instead: 'pass `tool_choice` (the deprecated `functions` API is not supported)',
  },
  web_search_options: { neutral: () => false, instead: 'web search is not supported' },
  stop: {
    neutral: (value) => Array.isArray(value) && value.length === 0,
    instead: 'stop sequences are not sent; cut the text yourself',
  },
  top_p: { neutral: (value) => value === 1, instead: 'use `temperature`' },
  frequency_penalty: { neutral: (value) => value === 0, instead: 'penalties are not sent' },
  presence_penalty: { neutral: (value) => value === 0, instead: 'penalties are not sent' },
  seed: { neutral: () => false, instead: 'seeds are not sent' },
  reasoning_effort: { neutral: () => false, instead: "the model's default reasoning effort applies" },
  verbosity: { neutral: () => false, instead: "the model's default verbosity applies" },
  store: { neutral: (value) => value === false, instead: 'completions are not stored' },
  service_tier: {
    neutral: (value) => value === 'auto' || value === 'default',
    instead: 'the gateway chooses the service tier',
  },
  moderation: { neutral: () => false, instead: 'moderation settings are not sent' },
  prompt_cache_options: { neutral: () => false, instead: 'prompt caching is left to the provider' },
  prompt_cache_retention: { neutral: () => false, instead: 'prompt caching is left to the provider' },
  parallel_tool_calls: {
    neutral: (value) => value === true,
    instead: 'the model may call several tools at once (the default)',
  },
};

/**
 * Parameters accepted and not forwarded, because they change nothing in the answer: `metadata` (for
 * stored completions), `prompt_cache_key` (a cache routing hint) and `safety_identifier` (for the
 * provider's abuse monitoring; pass `user` for the router's attribution).
 */
export const IGNORED_PARAMETERS: ReadonlySet<string> = new Set([
  'metadata',
  'prompt_cache_key',
  'safety_identifier',
]);
