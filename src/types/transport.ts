import type {
  ChatMessage,
  FinishReason,
  ResponseFormat,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from './chat.ts';
import type { GatewayId, ProviderId } from './model.ts';

/** One attempt, as the router hands it to a transport. */
export interface TransportRequest {
  readonly callId: string;
  readonly provider: ProviderId;
  /** The model name on this gateway. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly temperature?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
  readonly user?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  /**
   * A provider key to use for this call instead of the gateway's own credentials (BYOK; LiteLLM
   * receives it in the body's `api_key`). Transports must never log or echo it.
   */
  readonly providerApiKey?: string | undefined;
  /** Aborted when the attempt times out or the caller aborts; `signal.reason` tells which. */
  readonly signal: AbortSignal;
}

/** Rate-limit state a gateway reported on its answer (`x-ratelimit-*`). */
export interface RateLimitSnapshot {
  readonly remainingRequests?: number;
  readonly remainingTokens?: number;
  readonly resetRequestsMs?: number;
  readonly resetTokensMs?: number;
}

/** A whole (non-streaming) answer. */
export interface TransportResult {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  /**
   * Token counts as the gateway reported them (NaN where one was not a number); `undefined` when it
   * reported none. The router uses them only when each is a whole number from 0 to
   * `MAX_REPORTED_TOKENS`, else it estimates them.
   */
  readonly usage: TokenUsage | undefined;
  /**
   * USD cost the gateway reported for this call, when it did. The router uses it only when it is
   * finite and from 0 to `MAX_REPORTED_COST_USD`, else it prices the tokens from the catalog.
   */
  readonly costUsd: number | undefined;
  /** The model that answered, as the gateway named it. */
  readonly servedModel: string | undefined;
  readonly requestId: string | undefined;
  readonly rateLimit: RateLimitSnapshot | undefined;
}

/** One piece of a streamed answer, as a transport reads it off the wire. */
export type TransportStreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | {
      readonly type: 'tool-call-delta';
      /** Position of the tool call in the answer; deltas of one call share it. */
      readonly index: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  | { readonly type: 'finish'; readonly finishReason: FinishReason }
  /** Usage and cost as reported, checked by the router like `TransportResult`'s. */
  | { readonly type: 'usage'; readonly usage: TokenUsage; readonly costUsd: number | undefined };

/**
 * An open stream: the HTTP answer was a success and parts can be read. Reading is pull-based (a
 * slow reader slows the upstream); leaving the loop early closes the connection. Iteration throws
 * classified `GatewayError`s, including for errors the gateway sends inside the stream (with the
 * cost it reported billing for them in `billedCostUsd`). The router checks every part: a
 * `tool-call-delta` index must be a whole number below `MAX_TOOL_CALLS`, strings must be strings;
 * anything else is a `bad-response`.
 */
export interface TransportStream extends AsyncIterable<TransportStreamPart> {
  readonly requestId: string | undefined;
  readonly rateLimit: RateLimitSnapshot | undefined;
}

/** What a health probe found. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly latencyMs: number;
  /** What went wrong, secrets removed. */
  readonly error?: string;
  /** Selected fields of the answer (e.g. LiteLLM's version and database state). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A gateway's health report. */
export interface GatewayHealth {
  readonly gateway: GatewayId;
  readonly ok: boolean;
  /** Named checks, e.g. `liveliness`, `readiness`, `deep`, `key`. */
  readonly checks: Readonly<Record<string, ProbeResult>>;
}

/**
 * What a gateway can do. The router reads these, never the gateway's name: a second LiteLLM proxy
 * or another OpenAI-compatible gateway is a transport with its own id and these flags.
 */
export interface TransportCapabilities {
  /**
   * Takes a user's own provider key for a call (BYOK, `TransportRequest.providerApiKey`). Under
   * `byok: 'required'`, a gateway without it serves only with `byokAllowOpenRouter`.
   */
  readonly providerKeys: boolean;
  /** Reports the USD cost of each call (a header or `usage.cost`), so the router need not price it. */
  readonly reportsCost: boolean;
  /**
   * `probe()` is free (no tokens spent): the router calls it while the gateway's breaker is open,
   * to let calls back early.
   */
  readonly freeHealthProbe: boolean;
  /**
   * The organisation's key is one per provider (from `providers.<id>.apiKey`), not one for the
   * gateway: usage records name it `provider:<id>` instead of `gateway:<id>`.
   */
  readonly keyPerProvider: boolean;
}

/** What a transport that declares no `capabilities` can do: nothing beyond chat and stream. */
export const NO_CAPABILITIES: TransportCapabilities = {
  providerKeys: false,
  reportsCost: false,
  freeHealthProbe: false,
  keyPerProvider: false,
};

/**
 * A way to reach models: the LiteLLM proxy, OpenRouter, providers directly, or a gateway of your
 * own. Transports turn every failure into a classified `GatewayError`; they never retry, fall back
 * or count anything: that is the router's work.
 */
export interface Transport {
  /** The gateway's id, unique among the router's transports: `litellm`, `openrouter`, `direct` or your own. */
  readonly gateway: GatewayId;
  /** What the gateway can do. @default NO_CAPABILITIES */
  readonly capabilities?: TransportCapabilities;
  /** Sends one chat request and returns the whole answer. */
  chat(request: TransportRequest): Promise<TransportResult>;
  /**
   * Sends one streaming chat request. Resolves once the gateway accepted it (a success status);
   * rejects with a classified `GatewayError` otherwise.
   */
  stream(request: TransportRequest): Promise<TransportStream>;
  /**
   * A cheap, free liveness check used to close an open breaker early. Resolves `true` when the
   * gateway looks able to serve; never throws.
   */
  probe?(signal: AbortSignal): Promise<boolean>;
  /** A fuller health report for `router.health()`. */
  checkHealth?(options: { readonly deep: boolean; readonly signal: AbortSignal }): Promise<GatewayHealth>;
}
