import type { ModelDefinition } from './model-definition.ts';

/**
 * ISO date (YYYY-MM-DD) the prices were taken.
 *
 * Prices come from LiteLLM's `model_prices_and_context_window.json` at commit
 * `00035b69f416be24e2e323c13198d9b7d2d1bdf9` (newest entries: `gpt-5.5-2026-04-23`,
 * `claude-opus-4-7-20260416`, `mistral-medium-2604`, i.e. late April 2026), as collected in
 * `research/litellm.md` §3.5. The exact day of that snapshot is not recorded; 2026-04-30 is the
 * day Mistral Medium 3.5 (the newest model here) was listed on OpenRouter.
 *
 * Conventions used below:
 * - `contextWindow` is the maximum *prompt* size. Where a vendor publishes one "context" figure that
 *   also covers the output (OpenAI GPT-5.x), the output allowance is subtracted, as LiteLLM itself
 *   does for `gpt-5` (400k context = 272k input + 128k output).
 * - `cachedInputPerToken` is LiteLLM's `cache_read_input_token_cost` (cache *read* price only;
 *   Anthropic cache *writes* cost more and are not modelled here).
 * - Long-context surcharges (OpenAI >272k, Gemini/Anthropic >200k) are not modelled; the base tier
 *   is listed.
 * - `json` = `response_format` JSON output works (LiteLLM `supports_response_schema`, or provider docs).
 * - `streaming` is true for every model: all five providers, LiteLLM and OpenRouter stream chat (SSE).
 */
export const DEFAULT_CATALOG_DATE = '2026-04-30';

export const DEFAULT_CATALOG_MODELS: readonly ModelDefinition[] = [
  // ---------------------------------------------------------------------------------------------
  // OpenAI
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `gpt-5.5` (5 / 30, cache read 0.50, max_input 1,050,000, max_output 128,000,
  // function_calling / vision / response_schema true); Oxen + Venice model pages (1,050,000 / 1M
  // context, 128k output). Context: 1,050,000 total minus 128,000 output = 922,000 prompt tokens
  // (OpenRouter's GPT-5.4 description, mirrored on wavespeed.ai, states the same 922k-in/128k-out
  // split); LiteLLM lists 1,050,000 as input,
  // Vercel lists 272k output - both not adopted. OpenRouter slug: the openrouter.ai model page was not
  // in the stored copies, but `openrouter/openai/gpt-5.5` is used against OpenRouter in several
  // public repos; treat as well-supported, not page-verified.
  {
    id: 'openai/gpt-5.5',
    provider: 'openai',
    name: 'GPT-5.5',
    tier: 'flagship',
    contextWindow: 922_000,
    maxOutputTokens: 128_000,
    pricing: {
      inputPerToken: 5e-6, // $5.00 / 1M
      outputPerToken: 3e-5, // $30.00 / 1M
      cachedInputPerToken: 5e-7, // $0.50 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'openai/gpt-5.5',
      openrouter: 'openai/gpt-5.5',
      direct: 'gpt-5.5',
    },
  },

  // Sources: LiteLLM `gpt-5.4-mini` (0.75 / 4.50, cache read 0.075, function_calling / vision /
  // response_schema true); openrouter.ai/openai/gpt-5.4-mini (slug, 400,000 context, 0.75 / 4.50);
  // Vercel, Oxen, Venice (400k context, 128k output). LiteLLM's max_input_tokens of 1,050,000 for this
  // key contradicts every other source (looks copied from gpt-5.4) and is NOT used: 400,000 total
  // minus 128,000 output = 272,000 prompt tokens.
  {
    id: 'openai/gpt-5.4-mini',
    provider: 'openai',
    name: 'GPT-5.4 mini',
    tier: 'cheap',
    contextWindow: 272_000,
    maxOutputTokens: 128_000,
    pricing: {
      inputPerToken: 7.5e-7, // $0.75 / 1M
      outputPerToken: 4.5e-6, // $4.50 / 1M
      cachedInputPerToken: 7.5e-8, // $0.075 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'openai/gpt-5.4-mini',
      openrouter: 'openai/gpt-5.4-mini',
      direct: 'gpt-5.4-mini',
    },
  },

  // Sources: LiteLLM `gpt-5.4-nano` (0.20 / 1.25, cache read 0.02, function_calling / vision /
  // response_schema true); openrouter.ai/openai/gpt-5.4-nano (slug, 400,000 context, 0.20 / 1.25);
  // Vercel (400k context, 128k output). Same LiteLLM 1,050,000 discrepancy as gpt-5.4-mini; 272,000
  // prompt tokens used.
  {
    id: 'openai/gpt-5.4-nano',
    provider: 'openai',
    name: 'GPT-5.4 nano',
    tier: 'cheap',
    contextWindow: 272_000,
    maxOutputTokens: 128_000,
    pricing: {
      inputPerToken: 2e-7, // $0.20 / 1M
      outputPerToken: 1.25e-6, // $1.25 / 1M
      cachedInputPerToken: 2e-8, // $0.02 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'openai/gpt-5.4-nano',
      openrouter: 'openai/gpt-5.4-nano',
      direct: 'gpt-5.4-nano',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Anthropic
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `claude-opus-4-7` (5 / 25, cache read 0.50, cache write 6.25, max_input 1,000,000,
  // max_output 128,000, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/anthropic/claude-opus-4.7` (OpenRouter slug, same limits and prices).
  {
    id: 'anthropic/claude-opus-4-7',
    provider: 'anthropic',
    name: 'Claude Opus 4.7',
    tier: 'flagship',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    pricing: {
      inputPerToken: 5e-6, // $5.00 / 1M
      outputPerToken: 2.5e-5, // $25.00 / 1M
      cachedInputPerToken: 5e-7, // $0.50 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-opus-4-7',
      openrouter: 'anthropic/claude-opus-4.7',
      direct: 'claude-opus-4-7',
    },
  },

  // Sources: LiteLLM `claude-sonnet-4-6` (3 / 15, cache read 0.30, max_input 1,000,000, max_output
  // 64,000, function_calling / vision true); LiteLLM `openrouter/anthropic/claude-sonnet-4.6` (slug,
  // source openrouter.ai/anthropic/claude-sonnet-4.6; it lists 128,000 output - the direct entry's
  // 64,000 is kept as the conservative figure). LiteLLM's OpenRouter entry also has a >200k tier
  // (6 / 22.5) that the direct entry lacks; not modelled.
  {
    id: 'anthropic/claude-sonnet-4-6',
    provider: 'anthropic',
    name: 'Claude Sonnet 4.6',
    tier: 'flagship',
    contextWindow: 1_000_000,
    maxOutputTokens: 64_000,
    pricing: {
      inputPerToken: 3e-6, // $3.00 / 1M
      outputPerToken: 1.5e-5, // $15.00 / 1M
      cachedInputPerToken: 3e-7, // $0.30 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-sonnet-4-6',
      openrouter: 'anthropic/claude-sonnet-4.6',
      direct: 'claude-sonnet-4-6',
    },
  },

  // Sources: LiteLLM `claude-sonnet-4-5` (3 / 15, cache read 0.30, >200k 6 / 22.5, max_input 200,000,
  // max_output 64,000, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/anthropic/claude-sonnet-4.5` (slug; it claims 1M context via OpenRouter, which needs
  // Anthropic's long-context beta - 200,000 kept).
  {
    id: 'anthropic/claude-sonnet-4-5',
    provider: 'anthropic',
    name: 'Claude Sonnet 4.5',
    tier: 'flagship',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: {
      inputPerToken: 3e-6, // $3.00 / 1M
      outputPerToken: 1.5e-5, // $15.00 / 1M
      cachedInputPerToken: 3e-7, // $0.30 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-sonnet-4-5',
      openrouter: 'anthropic/claude-sonnet-4.5',
      direct: 'claude-sonnet-4-5',
    },
  },

  // Sources: LiteLLM `claude-haiku-4-5` (1 / 5, cache read 0.10, cache write 1.25, max_input 200,000,
  // max_output 64,000, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/anthropic/claude-haiku-4.5` (slug; its 200,000 max_output is not plausible - 64,000 kept).
  {
    id: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    name: 'Claude Haiku 4.5',
    tier: 'cheap',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: {
      inputPerToken: 1e-6, // $1.00 / 1M
      outputPerToken: 5e-6, // $5.00 / 1M
      cachedInputPerToken: 1e-7, // $0.10 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-haiku-4-5',
      openrouter: 'anthropic/claude-haiku-4.5',
      direct: 'claude-haiku-4-5',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Google
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `gemini/gemini-2.5-pro` (1.25 / 10, cache read 0.125, >200k 2.5 / 15, max_input
  // 1,048,576, max_output 65,535, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/google/gemini-2.5-pro` (slug; its 8,192 max_output is stale and not used). Google's
  // own model pages give 65,535 or 65,536 output depending on the page; the lower figure is kept.
  {
    id: 'google/gemini-2.5-pro',
    provider: 'google',
    name: 'Gemini 2.5 Pro',
    tier: 'flagship',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_535,
    pricing: {
      inputPerToken: 1.25e-6, // $1.25 / 1M
      outputPerToken: 1e-5, // $10.00 / 1M
      cachedInputPerToken: 1.25e-7, // $0.125 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-2.5-pro',
      openrouter: 'google/gemini-2.5-pro',
      direct: 'gemini-2.5-pro',
    },
  },

  // Sources: LiteLLM `gemini/gemini-3-flash-preview` (0.50 / 3, cache read 0.05, max_input 1,048,576,
  // max_output 65,535, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/google/gemini-3-flash-preview` (slug, same limits and prices). Preview model: Google may
  // rename or retire it at short notice.
  {
    id: 'google/gemini-3-flash-preview',
    provider: 'google',
    name: 'Gemini 3 Flash (preview)',
    tier: 'cheap',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_535,
    pricing: {
      inputPerToken: 5e-7, // $0.50 / 1M
      outputPerToken: 3e-6, // $3.00 / 1M
      cachedInputPerToken: 5e-8, // $0.05 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-3-flash-preview',
      openrouter: 'google/gemini-3-flash-preview',
      direct: 'gemini-3-flash-preview',
    },
  },

  // Sources: LiteLLM `gemini/gemini-2.5-flash-lite` (0.10 / 0.40, cache read 0.01, max_input 1,048,576,
  // max_output 65,535, function_calling / vision / response_schema true); openrouter.ai/google/
  // gemini-2.5-flash-lite (slug, 1,048,576 context, 0.10 / 0.40); Google Cloud model page (1,048,576
  // input, 65,535/65,536 output).
  {
    id: 'google/gemini-2.5-flash-lite',
    provider: 'google',
    name: 'Gemini 2.5 Flash-Lite',
    tier: 'cheap',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_535,
    pricing: {
      inputPerToken: 1e-7, // $0.10 / 1M
      outputPerToken: 4e-7, // $0.40 / 1M
      cachedInputPerToken: 1e-8, // $0.01 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-2.5-flash-lite',
      openrouter: 'google/gemini-2.5-flash-lite',
      direct: 'gemini-2.5-flash-lite',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Cohere (no prompt-cache price in LiteLLM: `cachedInputPerToken` omitted)
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `command-a-03-2025` (cohere_chat, 2.50 / 10, max_input 256,000, max_output 8,000,
  // function_calling true; no vision / response_schema flags); openrouter.ai/cohere/command-a (slug,
  // 256,000 context, 2.50 / 10); Cohere Structured Outputs docs list Command A as compatible
  // (`response_format` json_object). Text-only (image input is the separate Command A Vision model).
  {
    id: 'cohere/command-a-03-2025',
    provider: 'cohere',
    name: 'Command A (03-2025)',
    tier: 'flagship',
    contextWindow: 256_000,
    maxOutputTokens: 8_000,
    pricing: {
      inputPerToken: 2.5e-6, // $2.50 / 1M
      outputPerToken: 1e-5, // $10.00 / 1M
    },
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-a-03-2025',
      openrouter: 'cohere/command-a',
      direct: 'command-a-03-2025',
    },
  },

  // Sources: LiteLLM `command-r-08-2024` (cohere_chat, 0.15 / 0.60, max_input 128,000, max_output 4,096,
  // function_calling true); openrouter.ai/cohere/command-r-08-2024 (slug, 128,000 context, 0.15 / 0.60);
  // Cohere Structured Outputs docs list Command R 08-2024 as compatible. The dated id is used instead of
  // the bare `command-r` alias: which snapshot the alias resolves to could not be confirmed, and
  // OpenRouter only lists dated Command R ids (`cohere/command-r-03-2024` is priced 0.50 / 1.50 there).
  {
    id: 'cohere/command-r-08-2024',
    provider: 'cohere',
    name: 'Command R (08-2024)',
    tier: 'cheap',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    pricing: {
      inputPerToken: 1.5e-7, // $0.15 / 1M
      outputPerToken: 6e-7, // $0.60 / 1M
    },
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-r-08-2024',
      openrouter: 'cohere/command-r-08-2024',
      direct: 'command-r-08-2024',
    },
  },

  // Sources: LiteLLM `command-r7b-12-2024` (cohere_chat, 0.0375 / 0.15 - swapped in the older
  // 19a1f629 commit, correct here; max_input 128,000, max_output 4,096, function_calling true);
  // openrouter.ai/cohere/command-r7b-12-2024 (slug, 128,000 context, 0.0375 / 0.15). json: false because
  // Command R7B is not in the compatible-models list of Cohere's Structured Outputs docs (unverified
  // either way - flip if confirmed).
  {
    id: 'cohere/command-r7b-12-2024',
    provider: 'cohere',
    name: 'Command R7B (12-2024)',
    tier: 'cheap',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    pricing: {
      inputPerToken: 3.75e-8, // $0.0375 / 1M
      outputPerToken: 1.5e-7, // $0.15 / 1M
    },
    capabilities: { tools: true, vision: false, json: false, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-r7b-12-2024',
      openrouter: 'cohere/command-r7b-12-2024',
      direct: 'command-r7b-12-2024',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Mistral (no prompt-cache price in LiteLLM: `cachedInputPerToken` omitted). LiteLLM sets
  // max_output_tokens equal to the context window for current Mistral models; used as given.
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `mistral/mistral-medium-latest` (= `mistral-medium-2604`, Medium 3.5; 1.50 / 7.50,
  // max_input 262,144, max_output 262,144, function_calling / vision / response_schema true);
  // openrouter.ai/mistralai/mistral-medium-3-5 (slug - note hyphens, not a dot - 262,144 context,
  // 1.50 / 7.50, released 2026-04-30). `-latest` is a moving alias; if Mistral re-points it, the
  // OpenRouter slug stays on 3.5.
  {
    id: 'mistral/mistral-medium-latest',
    provider: 'mistral',
    name: 'Mistral Medium 3.5',
    tier: 'flagship',
    contextWindow: 262_144,
    maxOutputTokens: 262_144,
    pricing: {
      inputPerToken: 1.5e-6, // $1.50 / 1M
      outputPerToken: 7.5e-6, // $7.50 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-medium-latest',
      openrouter: 'mistralai/mistral-medium-3-5',
      direct: 'mistral-medium-latest',
    },
  },

  // Sources: LiteLLM `mistral/mistral-large-latest` (= `mistral-large-2512`, Large 3; 0.50 / 1.50,
  // max_input 262,144, max_output 262,144, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/mistralai/mistral-large-2512` (slug, same limits and prices). Cheaper than Medium 3.5
  // despite the name; tier follows the team's table.
  {
    id: 'mistral/mistral-large-latest',
    provider: 'mistral',
    name: 'Mistral Large 3',
    tier: 'flagship',
    contextWindow: 262_144,
    maxOutputTokens: 262_144,
    pricing: {
      inputPerToken: 5e-7, // $0.50 / 1M
      outputPerToken: 1.5e-6, // $1.50 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-large-latest',
      openrouter: 'mistralai/mistral-large-2512',
      direct: 'mistral-large-latest',
    },
  },

  // Sources: LiteLLM `mistral/mistral-small-latest` (0.06 / 0.18, max_input 131,072, max_output 131,072,
  // function_calling / vision / response_schema true; identical to its `mistral-small-3-2-2506` entry,
  // so `-latest` = Small 3.2 in that snapshot); LiteLLM
  // `openrouter/mistralai/mistral-small-3.2-24b-instruct` (slug; OpenRouter price there is 0.10 / 0.30,
  // higher than Mistral direct). Whether `mistral-small-latest` still points at 3.2 could not be
  // confirmed from Mistral's own docs; re-check before relying on the OpenRouter mapping.
  {
    id: 'mistral/mistral-small-latest',
    provider: 'mistral',
    name: 'Mistral Small 3.2',
    tier: 'cheap',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    pricing: {
      inputPerToken: 6e-8, // $0.06 / 1M
      outputPerToken: 1.8e-7, // $0.18 / 1M
    },
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-small-latest',
      openrouter: 'mistralai/mistral-small-3.2-24b-instruct',
      direct: 'mistral-small-latest',
    },
    gatewayPricing: {
      openrouter: {
        inputPerToken: 1e-7, // $0.10 / 1M
        outputPerToken: 3e-7, // $0.30 / 1M
      },
    },
  },
];
