import type { ModelDefinition } from '../types/model.ts';
import { applyBundledPrices, type BundledModelFacts } from './apply-bundled-prices.ts';
import { BUNDLED_PRICES } from './bundled-prices.generated.ts';

/**
 * The day the bundled prices were read from the maintained library (`@pydantic/genai-prices`, see
 * `bundled-prices.generated.ts`): the date of the bundled catalog, and the default `catalog.date`.
 */
export const DEFAULT_CATALOG_DATE: string = BUNDLED_PRICES.generatedOn;

/**
 * The bundled models' facts, typed by hand: context window, output limit, capabilities and each
 * gateway's name. Prices are not typed here: `npm run prices:update` reads them from
 * `@pydantic/genai-prices` into `bundled-prices.generated.ts` (a model the library lacks would carry
 * a `handPrice` with its own source and date; none does today).
 *
 * Facts were collected from LiteLLM's `model_prices_and_context_window.json` at commit
 * `00035b69f416be24e2e323c13198d9b7d2d1bdf9` (late April 2026, `research/litellm.md` §3.5), the
 * OpenRouter model pages and the vendors' own pages, as noted per model.
 *
 * Conventions used below:
 * - `contextWindow` is the maximum *prompt* size. Where a vendor publishes one "context" figure that
 *   also covers the output (OpenAI GPT-5.x), the output allowance is subtracted, as LiteLLM itself
 *   does for `gpt-5` (400k context = 272k input + 128k output).
 * - `json` = `response_format` JSON output works (LiteLLM `supports_response_schema`, or provider docs).
 * - `streaming` is true for every model: all five providers, LiteLLM and OpenRouter stream chat (SSE).
 * - `priceName` names the model in the library where the provider's own name would find another
 *   entry there.
 */
export const BUNDLED_MODEL_FACTS: readonly BundledModelFacts[] = [
  // ---------------------------------------------------------------------------------------------
  // OpenAI
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `gpt-5.5` (max_input 1,050,000, max_output 128,000,
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
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'openai/gpt-5.5',
      openrouter: 'openai/gpt-5.5',
      direct: 'gpt-5.5',
    },
  },

  // Sources: LiteLLM `gpt-5.4-mini` (function_calling / vision /
  // response_schema true); openrouter.ai/openai/gpt-5.4-mini (slug, 400,000 context);
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
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'openai/gpt-5.4-mini',
      openrouter: 'openai/gpt-5.4-mini',
      direct: 'gpt-5.4-mini',
    },
  },

  // Sources: LiteLLM `gpt-5.4-nano` (function_calling / vision /
  // response_schema true); openrouter.ai/openai/gpt-5.4-nano (slug, 400,000 context);
  // Vercel (400k context, 128k output). Same LiteLLM 1,050,000 discrepancy as gpt-5.4-mini; 272,000
  // prompt tokens used.
  {
    id: 'openai/gpt-5.4-nano',
    provider: 'openai',
    name: 'GPT-5.4 nano',
    tier: 'cheap',
    contextWindow: 272_000,
    maxOutputTokens: 128_000,
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

  // Sources: LiteLLM `claude-opus-4-7` (max_input 1,000,000,
  // max_output 128,000, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/anthropic/claude-opus-4.7` (OpenRouter slug, same limits).
  {
    id: 'anthropic/claude-opus-4-7',
    provider: 'anthropic',
    name: 'Claude Opus 4.7',
    tier: 'flagship',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-opus-4-7',
      openrouter: 'anthropic/claude-opus-4.7',
      direct: 'claude-opus-4-7',
    },
  },

  // Sources: LiteLLM `claude-sonnet-4-6` (max_input 1,000,000, max_output
  // 64,000, function_calling / vision true); LiteLLM `openrouter/anthropic/claude-sonnet-4.6` (slug,
  // source openrouter.ai/anthropic/claude-sonnet-4.6; it lists 128,000 output - the direct entry's
  // 64,000 is kept as the conservative figure).
  {
    id: 'anthropic/claude-sonnet-4-6',
    provider: 'anthropic',
    name: 'Claude Sonnet 4.6',
    tier: 'flagship',
    contextWindow: 1_000_000,
    maxOutputTokens: 64_000,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-sonnet-4-6',
      openrouter: 'anthropic/claude-sonnet-4.6',
      direct: 'claude-sonnet-4-6',
    },
  },

  // Sources: LiteLLM `claude-sonnet-4-5` (max_input 200,000,
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
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'anthropic/claude-sonnet-4-5',
      openrouter: 'anthropic/claude-sonnet-4.5',
      direct: 'claude-sonnet-4-5',
    },
  },

  // Sources: LiteLLM `claude-haiku-4-5` (max_input 200,000,
  // max_output 64,000, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/anthropic/claude-haiku-4.5` (slug; its 200,000 max_output is not plausible - 64,000 kept).
  {
    id: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    name: 'Claude Haiku 4.5',
    tier: 'cheap',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
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

  // Sources: LiteLLM `gemini/gemini-2.5-pro` (max_input
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
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-2.5-pro',
      openrouter: 'google/gemini-2.5-pro',
      direct: 'gemini-2.5-pro',
    },
  },

  // Sources: LiteLLM `gemini/gemini-3-flash-preview` (max_input 1,048,576,
  // max_output 65,535, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/google/gemini-3-flash-preview` (slug, same limits). Preview model: Google may
  // rename or retire it at short notice.
  {
    id: 'google/gemini-3-flash-preview',
    provider: 'google',
    name: 'Gemini 3 Flash (preview)',
    tier: 'cheap',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_535,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-3-flash-preview',
      openrouter: 'google/gemini-3-flash-preview',
      direct: 'gemini-3-flash-preview',
    },
  },

  // Sources: LiteLLM `gemini/gemini-2.5-flash-lite` (max_input 1,048,576,
  // max_output 65,535, function_calling / vision / response_schema true); openrouter.ai/google/
  // gemini-2.5-flash-lite (slug, 1,048,576 context); Google Cloud model page (1,048,576
  // input, 65,535/65,536 output).
  {
    id: 'google/gemini-2.5-flash-lite',
    provider: 'google',
    name: 'Gemini 2.5 Flash-Lite',
    tier: 'cheap',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_535,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'gemini/gemini-2.5-flash-lite',
      openrouter: 'google/gemini-2.5-flash-lite',
      direct: 'gemini-2.5-flash-lite',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Cohere
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `command-a-03-2025` (cohere_chat, max_input 256,000, max_output 8,000,
  // function_calling true; no vision / response_schema flags); openrouter.ai/cohere/command-a (slug,
  // 256,000 context); Cohere Structured Outputs docs list Command A as compatible
  // (`response_format` json_object). Text-only (image input is the separate Command A Vision model).
  {
    id: 'cohere/command-a-03-2025',
    provider: 'cohere',
    name: 'Command A (03-2025)',
    tier: 'flagship',
    contextWindow: 256_000,
    maxOutputTokens: 8_000,
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-a-03-2025',
      openrouter: 'cohere/command-a',
      direct: 'command-a-03-2025',
    },
  },

  // Sources: LiteLLM `command-r-08-2024` (cohere_chat, max_input 128,000, max_output 4,096,
  // function_calling true); openrouter.ai/cohere/command-r-08-2024 (slug, 128,000 context);
  // Cohere Structured Outputs docs list Command R 08-2024 as compatible. The dated id is used instead of
  // the bare `command-r` alias: which snapshot the alias resolves to could not be confirmed, and
  // OpenRouter only lists dated Command R ids. The library prices it as its `command-r` entry.
  {
    id: 'cohere/command-r-08-2024',
    provider: 'cohere',
    name: 'Command R (08-2024)',
    tier: 'cheap',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-r-08-2024',
      openrouter: 'cohere/command-r-08-2024',
      direct: 'command-r-08-2024',
    },
  },

  // Sources: LiteLLM `command-r7b-12-2024` (cohere_chat, max_input 128,000, max_output 4,096, function_calling true);
  // openrouter.ai/cohere/command-r7b-12-2024 (slug, 128,000 context). json: false because
  // Command R7B is not in the compatible-models list of Cohere's Structured Outputs docs (unverified
  // either way - flip if confirmed).
  {
    id: 'cohere/command-r7b-12-2024',
    provider: 'cohere',
    name: 'Command R7B (12-2024)',
    tier: 'cheap',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    capabilities: { tools: true, vision: false, json: false, streaming: true },
    gatewayModels: {
      litellm: 'cohere_chat/command-r7b-12-2024',
      openrouter: 'cohere/command-r7b-12-2024',
      direct: 'command-r7b-12-2024',
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Mistral. LiteLLM sets
  // max_output_tokens equal to the context window for current Mistral models; used as given.
  // ---------------------------------------------------------------------------------------------

  // Sources: LiteLLM `mistral/mistral-medium-latest` (= `mistral-medium-2604`, Medium 3.5;
  // max_input 262,144, max_output 262,144, function_calling / vision / response_schema true);
  // openrouter.ai/mistralai/mistral-medium-3-5 (slug - note hyphens, not a dot - 262,144 context,
  // released 2026-04-30). `-latest` is a moving alias; if Mistral re-points it, the
  // OpenRouter slug stays on 3.5.
  {
    id: 'mistral/mistral-medium-latest',
    provider: 'mistral',
    name: 'Mistral Medium 3.5',
    tier: 'flagship',
    contextWindow: 262_144,
    maxOutputTokens: 262_144,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-medium-latest',
      openrouter: 'mistralai/mistral-medium-3-5',
      direct: 'mistral-medium-latest',
    },
  },

  // Sources: LiteLLM `mistral/mistral-large-latest` (= `mistral-large-2512`, Large 3;
  // max_input 262,144, max_output 262,144, function_calling / vision / response_schema true); LiteLLM
  // `openrouter/mistralai/mistral-large-2512` (slug, same limits). Cheaper than Medium 3.5 despite
  // the name; tier follows the team's table. Priced as `mistral-large-2512`: the library (0.1.8) still
  // points `mistral-large-latest` at Large 2 (2407/2411) and its price.
  {
    id: 'mistral/mistral-large-latest',
    priceName: 'mistral-large-2512',
    provider: 'mistral',
    name: 'Mistral Large 3',
    tier: 'flagship',
    contextWindow: 262_144,
    maxOutputTokens: 262_144,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-large-latest',
      openrouter: 'mistralai/mistral-large-2512',
      direct: 'mistral-large-latest',
    },
  },

  // Sources: LiteLLM `mistral/mistral-small-latest` (max_input 131,072, max_output 131,072,
  // function_calling / vision / response_schema true; identical to its `mistral-small-3-2-2506` entry,
  // so `-latest` = Small 3.2 in that snapshot); LiteLLM
  // `openrouter/mistralai/mistral-small-3.2-24b-instruct` (slug). Whether `mistral-small-latest` still points at 3.2 could not be
  // confirmed from Mistral's own docs; re-check before relying on the OpenRouter mapping.
  {
    id: 'mistral/mistral-small-latest',
    provider: 'mistral',
    name: 'Mistral Small 3.2',
    tier: 'cheap',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: { tools: true, vision: true, json: true, streaming: true },
    gatewayModels: {
      litellm: 'mistral/mistral-small-latest',
      openrouter: 'mistralai/mistral-small-3.2-24b-instruct',
      direct: 'mistral-small-latest',
    },
  },
];

/** The bundled catalog: `BUNDLED_MODEL_FACTS` priced from `bundled-prices.generated.ts`. */
export const DEFAULT_CATALOG_MODELS: readonly ModelDefinition[] = applyBundledPrices(
  BUNDLED_MODEL_FACTS,
  BUNDLED_PRICES,
);
