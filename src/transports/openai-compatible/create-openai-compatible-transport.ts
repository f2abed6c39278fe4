import OpenAI from 'openai';
import type { GatewayId } from '../../catalog/model-definition.ts';
import type { Clock } from '../../clock/clock.ts';
import type { FailureScope } from '../../errors/gateway-error.ts';
import { readRateLimit } from '../http-headers.ts';
import type {
  Transport,
  TransportRequest,
  TransportResult,
  TransportStream,
  TransportStreamPart,
} from '../transport.ts';
import {
  classifyOpenAIError,
  type FailureContext,
  type HttpFailureRefiner,
} from './classify-openai-error.ts';
import {
  toFinishReason,
  toTokenUsage,
  toToolCalls,
  type WireToolCall,
  type WireUsage,
} from './read-wire-response.ts';
import { readWireChunk, type WireChunk } from './read-wire-stream.ts';
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
}

interface WireChoice {
  readonly message?: {
    readonly content?: string | null;
    readonly tool_calls?: readonly WireToolCall[] | null;
  };
  readonly finish_reason?: string | null;
  readonly error?: { readonly code?: number | string; readonly message?: string } | null;
}

interface WireCompletion {
  readonly model?: string;
  readonly choices?: readonly WireChoice[];
  readonly usage?: WireUsage | null;
  readonly error?: { readonly code?: number | string; readonly message?: string } | null;
}

/** Reads LiteLLM's and OpenRouter's shared habit of a numeric cost, from a header or usage. */
export function readNumericCost(value: unknown): number | undefined {
  const cost = typeof value === 'string' ? Number.parseFloat(value) : value;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/**
 * A transport for any endpoint that speaks OpenAI's chat-completions wire protocol, over the
 * official `openai` client with its own retries turned off (the router retries, once).
 */
export function createOpenAICompatibleTransport(settings: OpenAICompatibleTransportSettings): Transport & {
  readonly client: OpenAI;
  failureContext(request: TransportRequest): FailureContext;
} {
  const client = new OpenAI({
    baseURL: settings.baseURL,
    // The client insists on a key. Without one (a proxy that needs none), a placeholder satisfies it
    // and the Authorization header is removed below, so nothing that looks like a credential is sent.
    apiKey: settings.apiKey ?? 'none',
    maxRetries: 0,
    // The client would print unparsable stream events to the console; we report them as errors.
    logLevel: 'off',
    timeout: settings.clientTimeoutMs ?? 600_000,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
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

  return {
    gateway: settings.gateway,
    client,
    failureContext,
    async chat(request: TransportRequest): Promise<TransportResult> {
      const body = toWireRequest(request);
      settings.decorateBody?.(body, request);
      const headers = settings.requestHeaders?.(request);
      let data: WireCompletion;
      let response: Response;
      try {
        const result = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
            signal: request.signal,
            ...(headers ? { headers } : {}),
          })
          .withResponse();
        data = result.data as unknown as WireCompletion;
        response = result.response;
      } catch (error) {
        throw classifyOpenAIError(error, failureContext(request), settings.refineFailure);
      }
      return readCompletion(data, response, request, settings, failureContext);
    },
    async stream(request: TransportRequest): Promise<TransportStream> {
      const body = toWireRequest(request);
      body.stream = true;
      const usage = settings.streamUsage ?? true;
      if (typeof usage === 'function' ? usage(request) : usage) body.stream_options = { include_usage: true };
      settings.decorateBody?.(body, request);
      const headers = settings.requestHeaders?.(request);
      let chunks: AsyncIterable<WireChunk>;
      let response: Response;
      try {
        const result = await client.chat.completions
          .create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, {
            signal: request.signal,
            ...(headers ? { headers } : {}),
          })
          .withResponse();
        chunks = result.data as unknown as AsyncIterable<WireChunk>;
        response = result.response;
      } catch (error) {
        throw classifyOpenAIError(error, failureContext(request), settings.refineFailure);
      }
      const readCost = (wire: WireUsage) => settings.readCost?.(response.headers, wire);
      return {
        requestId:
          response.headers.get('x-request-id') ?? response.headers.get('x-litellm-call-id') ?? undefined,
        rateLimit: readRateLimit(response.headers),
        [Symbol.asyncIterator]: () =>
          readParts(chunks, readCost, request, () => failureContext(request), settings),
      };
    },
  };
}

async function* readParts(
  chunks: AsyncIterable<WireChunk>,
  readCost: (usage: WireUsage) => number | undefined,
  request: TransportRequest,
  failureContext: () => FailureContext,
  settings: OpenAICompatibleTransportSettings,
): AsyncGenerator<TransportStreamPart, void, undefined> {
  const parts: TransportStreamPart[] = [];
  try {
    for await (const chunk of chunks) {
      readWireChunk(chunk, readCost, parts);
      for (let index = 0; index < parts.length; index++) yield parts[index] as TransportStreamPart;
      parts.length = 0;
    }
  } catch (error) {
    throw classifyOpenAIError(error, failureContext(), settings.refineFailure);
  }
  // The client ends the iteration quietly when the request is aborted; say why it stopped.
  if (request.signal.aborted)
    throw classifyOpenAIError(request.signal.reason, failureContext(), settings.refineFailure);
}
function readCompletion(
  data: WireCompletion,
  response: Response,
  request: TransportRequest,
  settings: OpenAICompatibleTransportSettings,
  failureContext: (request: TransportRequest) => FailureContext,
): TransportResult {
  const choice = data?.choices?.[0];
  const inBodyError = data?.error ?? (choice?.finish_reason === 'error' ? choice.error : undefined);
  if (inBodyError || !choice) {
    // OpenRouter reports some upstream failures in a 200 body; nothing reached the caller yet, so
    // it is an attempt failure like any other (and another candidate may answer).
    const status = Number(inBodyError?.code);
    const context = failureContext(request);
    throw classifyOpenAIError(
      new OpenAI.APIError(
        Number.isInteger(status) && status >= 400 ? status : 502,
        { message: inBodyError?.message ?? 'The answer held no choices.' },
        undefined,
        response.headers,
      ),
      context,
      settings.refineFailure,
    );
  }
  const usage = data.usage ?? undefined;
  const toolCalls = toToolCalls(choice.message?.tool_calls);
  return {
    text: choice.message?.content ?? '',
    toolCalls,
    finishReason: toFinishReason(choice.finish_reason),
    usage: toTokenUsage(usage),
    costUsd: settings.readCost?.(response.headers, usage),
    servedModel: data.model,
    requestId: response.headers.get('x-request-id') ?? response.headers.get('x-litellm-call-id') ?? undefined,
    rateLimit: readRateLimit(response.headers),
  };
}
