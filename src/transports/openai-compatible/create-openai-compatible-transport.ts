import OpenAI, { APIError } from 'openai';
import type { GatewayId } from '../../catalog/model-definition.ts';
import type { Clock } from '../../clock/clock.ts';
import type { FailureScope } from '../../errors/gateway-error.ts';
import { type AnswerLimits, resolveAnswerLimits } from '../answer-limits.ts';
import { boundedFetch } from '../bounded-fetch.ts';
import { readRateLimit } from '../http-headers.ts';
import type { Transport, TransportRequest, TransportResult, TransportStream } from '../transport.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import {
  classifyOpenAIError,
  type FailureContext,
  type HttpFailureRefiner,
} from './classify-openai-error.ts';
import { type CompletionReading, readCompletion, requestIdOf } from './read-completion.ts';
import { readStreamParts } from './read-stream-parts.ts';
import type { WireUsage } from './read-wire-response.ts';
import { toWireRequest, type WireBody } from './to-wire-request.ts';

/** How one OpenAI-compatible endpoint is reached. Gateways build this; users do not. */
export interface OpenAICompatibleTransportSettings {
  readonly gateway: GatewayId;
  /** Base URL up to and excluding `/chat/completions`. */
  readonly baseURL: string;
  /** The bearer key; `undefined` sends none. */
  readonly apiKey: string | undefined;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly defaultHeaders?: Readonly<Record<string, string>> | undefined;
  /** Adds gateway-specific fields (tags, BYOK key, routing preferences) to the body. */
  readonly decorateBody?: ((body: WireBody, request: TransportRequest) => void) | undefined;
  /** Per-request headers (call id, tags). */
  readonly requestHeaders?: ((request: TransportRequest) => Record<string, string> | undefined) | undefined;
  /**
   * Whether to ask for the final usage chunk (`stream_options.include_usage`). Some providers'
   * own endpoints (Mistral, Cohere) reject the field. @default true
   */
  readonly streamUsage?: boolean | ((request: TransportRequest) => boolean) | undefined;
  /** The USD cost the gateway reported, from headers or the wire usage. */
  readonly readCost?: ((headers: Headers, usage: WireUsage | undefined) => number | undefined) | undefined;
  /** The gateway's own error vocabulary. */
  readonly refineFailure?: HttpFailureRefiner | undefined;
  /**
   * Where failures lie by default: `gateway` for a proxy in front of providers, `provider` when the
   * endpoint is the provider itself. @default 'gateway'
   */
  readonly defaultScope?: FailureScope | undefined;
  /** Upper bound the client itself enforces; the router's own attempt timeout is normally shorter. */
  readonly clientTimeoutMs?: number | undefined;
  /** How much of an answer is read. @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

/**
 * A transport for any endpoint that speaks OpenAI's chat-completions wire protocol, over the
 * official `openai` client with its own retries turned off (the router retries, once).
 */
export function createOpenAICompatibleTransport(settings: OpenAICompatibleTransportSettings): Transport & {
  readonly client: OpenAI;
  failureContext(request: TransportRequest): FailureContext;
} {
  const limits = resolveAnswerLimits(settings.answerLimits);
  const client = new OpenAI({
    baseURL: settings.baseURL,
    // The client insists on a key. Without one (a proxy that needs none), a placeholder satisfies it
    // and the Authorization header is removed below, so nothing that looks like a credential is sent.
    apiKey: settings.apiKey ?? 'none',
    maxRetries: 0,
    // The client would print unparsable stream events to the console; we report them as errors.
    logLevel: 'off',
    timeout: settings.clientTimeoutMs ?? 600_000,
    // Every body the client reads (answers and error bodies) goes through the answer bounds.
    fetch: boundedFetch((input, init) => (settings.fetch ?? globalThis.fetch)(input, init), limits),
    defaultHeaders: {
      ...settings.defaultHeaders,
      ...(settings.apiKey === undefined ? { authorization: null } : {}),
    },
  });

  const failureContext = (request: TransportRequest): FailureContext => ({
    gateway: settings.gateway,
    provider: request.provider,
    model: request.model,
    signal: request.signal,
    secrets: [settings.apiKey, request.providerApiKey],
    usedProviderKey: request.providerApiKey !== undefined,
    defaultScope: settings.defaultScope ?? 'gateway',
    now: settings.clock.now(),
  });

  const readingFor = (request: TransportRequest): CompletionReading => ({
    readCost: settings.readCost,
    refineFailure: settings.refineFailure,
    failureContext: () => failureContext(request),
  });
  // An HTTP error answer may still say what it cost (LiteLLM's cost header).
  const billedOf = (error: unknown): number | undefined =>
    error instanceof APIError && error.headers ? settings.readCost?.(error.headers, undefined) : undefined;

  return {
    gateway: settings.gateway,
    client,
    failureContext,
    async chat(request: TransportRequest): Promise<TransportResult> {
      const body = toWireRequest(request);
      settings.decorateBody?.(body, request);
      const headers = settings.requestHeaders?.(request);
      const reading = readingFor(request);
      try {
        const result = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
            signal: request.signal,
            ...(headers ? { headers } : {}),
          })
          .withResponse();
        return readCompletion(result.data as unknown, result.response, reading);
      } catch (error) {
        throw classifyOpenAIError(error, reading.failureContext(), settings.refineFailure, billedOf(error));
      }
    },
    async stream(request: TransportRequest): Promise<TransportStream> {
      const body = toWireRequest(request);
      body.stream = true;
      const usage = settings.streamUsage ?? true;
      if (typeof usage === 'function' ? usage(request) : usage) body.stream_options = { include_usage: true };
      settings.decorateBody?.(body, request);
      const headers = settings.requestHeaders?.(request);
      const reading = readingFor(request);
      let response: Response;
      try {
        // The raw answer: its events are read by readStreamParts, within answerLimits.
        response = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, {
            signal: request.signal,
            ...(headers ? { headers } : {}),
          })
          .asResponse();
        if (!response.body) throw new UnreadableAnswer('the streamed answer has no body');
      } catch (error) {
        throw classifyOpenAIError(error, reading.failureContext(), settings.refineFailure, billedOf(error));
      }
      const stream = response.body;
      return {
        requestId: requestIdOf(response.headers),
        rateLimit: readRateLimit(response.headers),
        [Symbol.asyncIterator]: () =>
          readStreamParts(stream, response, request.signal, limits.maxEventBytes, reading),
      };
    },
  };
}
