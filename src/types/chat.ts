import type { PriceProvenance, ProviderId } from './model.ts';
import type { Attempt, Route } from './route.ts';

/** A piece of message content. */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  /** An image by URL (`https:` or a `data:` URL). Needs a model with `vision`. */
  | { readonly type: 'image'; readonly url: string };

/** A tool call the model asked for. `arguments` is the JSON text the model produced. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly ContentPart[] }
  | { readonly role: 'assistant'; readonly content: string | null; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

/** A function the model may call. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** `auto` (default), `none`, `required`, or one named tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/** Ask for JSON: any JSON object, or one that matches `schema`. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json'; readonly schema?: Readonly<Record<string, unknown>>; readonly name?: string };

/** What a model must offer to be a candidate for the call. */
export interface ModelRequirements {
  /** Tool calling. Implied when `tools` are passed. */
  readonly tools?: boolean;
  /** Image input. Implied when a message holds an image part. */
  readonly vision?: boolean;
  /** JSON mode. Implied by `responseFormat: { type: 'json' }`. */
  readonly json?: boolean;
  /** Minimum context window, in tokens. The estimated prompt size is always required too. */
  readonly minContextTokens?: number;
  /** Maximum USD per million input tokens. */
  readonly maxInputPricePerMillion?: number;
  /** Maximum USD per million output tokens. */
  readonly maxOutputPricePerMillion?: number;
  /** Only these providers. */
  readonly providers?: readonly ProviderId[];
}

/** Options of one `chat()` or `stream()` call. */
export interface ChatOptions {
  readonly messages: readonly ChatMessage[];
  /**
   * A canonical model id (`openai/gpt-5.4-mini`), or a list of acceptable ones. Leave it out and
   * pass `require` to let the router choose among every model that fits.
   */
  readonly model?: string | readonly string[];
  /** Requirements a model must meet; combined with `model` when both are given. */
  readonly require?: ModelRequirements;
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly temperature?: number;
  /** Maximum output tokens. Also the output size used for cost estimates and limits. */
  readonly maxTokens?: number;
  readonly responseFormat?: ResponseFormat;
  /** Who the call is for: owner of BYOK keys, and who the usage is attributed to. */
  readonly user?: string;
  /** Free-form labels, carried on usage records and sent to LiteLLM as spend tags. */
  readonly tags?: readonly string[];
  /** Aborts the call, wherever it is. */
  readonly signal?: AbortSignal;
  /** Deadline of the whole call, every attempt and retry included. Defaults to the router's `timeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * When every candidate is out of rate-limit headroom (a configured requests or tokens limit),
   * wait up to this long for the first to free up instead of failing with `LimitExceededError`.
   * USD budgets are never waited for. @default 0
   */
  readonly waitForHeadroomMs?: number;
  /** Your own id for the call (sent to LiteLLM as `x-litellm-call-id`). Generated when absent. */
  readonly callId?: string;
}

/** Token counts of a call. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`). */
  readonly cachedInputTokens: number;
  readonly totalTokens: number;
}

/**
 * Where a cost figure comes from: `gateway` (LiteLLM's `x-litellm-response-cost`, OpenRouter's
 * `usage.cost`), `catalog` (token counts × catalog prices), `estimated` (token counts themselves
 * estimated), `none` (nothing was spent: a failed call nobody billed).
 */
export type CostSource = 'gateway' | 'catalog' | 'estimated' | 'none';

/** What a call cost, and where the figure comes from. */
export interface Cost {
  readonly usd: number;
  readonly source: CostSource;
  /**
   * With `catalog` and `estimated` costs: the price the tokens were multiplied by, and where it came
   * from, e.g. `{ source: 'litellm', asOf }` for a LiteLLM stream priced from the proxy's own
   * `/model/info` price. Absent for `gateway` and `none`.
   */
  readonly priceSource?: PriceProvenance;
}

/** Why generation stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** The answer to one `chat()` call. */
export interface ChatResult {
  readonly callId: string;
  /** The assistant's text ('' when it only called tools). */
  readonly text: string;
  /** The assistant message, ready to append to `messages` for the next turn. */
  readonly message: Extract<ChatMessage, { role: 'assistant' }>;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  readonly cost: Cost;
  /** The candidate that answered. */
  readonly route: Route;
  /** Every candidate tried or skipped, the successful one last. */
  readonly attempts: readonly Attempt[];
  /** Wall time of the whole call. */
  readonly latencyMs: number;
}
