import type { Clock } from '../../types/clock.ts';
import type { FailureScope } from '../../types/error-kinds.ts';
import type { GatewayId } from '../../types/model.ts';
import type { Transport, TransportRequest, TransportResult, TransportStream } from '../../types/transport.ts';
import { type AnswerLimits, resolveAnswerLimits } from '../answer-limits.ts';
import { readRateLimit } from '../http-headers.ts';
import { checkDeclaredLength, readBoundedText } from '../read-bounded-text.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import {
  classifyHttpFailure,
  classifyTransportError,
  type FailureContext,
  type HttpFailureRefiner,
  readHttpFailure,
} from './classify-http-failure.ts';
import { type CompletionReading, readCompletion, requestIdOf } from './read-completion.ts';
import { readStreamParts, type StreamBounds } from './read-stream-parts.ts';
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
  /**
   * Upper bound on one request, enforced by the transport itself; the router's own attempt timeout
   * is normally shorter. Unset: undici's own bounds apply (300 s for the headers, 300 s between
   * body chunks).
   */
  readonly clientTimeoutMs?: number | undefined;
  /** How much of an answer is read. @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

/** Header names in lower case, so that one set by a gateway replaces a default of any spelling. */
function lowerCaseKeys(headers: Readonly<Record<string, string>> | undefined, into: Record<string, string>) {
  if (headers) for (const name of Object.keys(headers)) into[name.toLowerCase()] = headers[name] as string;
  return into;
}

/**
 * A transport for any endpoint that speaks OpenAI's chat-completions wire protocol, written on
 * `fetch` (Node's undici): one `JSON.stringify` per request, headers built once per transport, the
 * answer read as text within `answerLimits` and only the fields the router uses read off it;
 * streamed answers framed by `eventsource-parser`. It never retries (the router does).
 */
export function createOpenAICompatibleTransport(settings: OpenAICompatibleTransportSettings): Transport & {
  failureContext(request: TransportRequest): FailureContext;
} {
  const limits = resolveAnswerLimits(settings.answerLimits);
  const url = `${settings.baseURL.replace(/\/+$/, '')}/chat/completions`;
  const fetchImplementation = settings.fetch ?? globalThis.fetch;
  const defaultScope = settings.defaultScope ?? 'gateway';
  const secrets = [settings.apiKey];
  // Built once: a request copies them only when it adds headers of its own.
  const fixed: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.apiKey !== undefined) fixed.authorization = `Bearer ${settings.apiKey}`;
  lowerCaseKeys(settings.defaultHeaders, fixed);
  const chatHeaders: Record<string, string> = { accept: 'application/json', ...fixed };
  const streamHeaders: Record<string, string> = { accept: 'text/event-stream', ...fixed };
  const headersFor = (request: TransportRequest, base: Record<string, string>): Record<string, string> => {
    const own = settings.requestHeaders?.(request);
    return own ? lowerCaseKeys(own, { ...base }) : base;
  };

  const failureContext = (request: TransportRequest): FailureContext => ({
    gateway: settings.gateway,
    provider: request.provider,
    model: request.model,
    signal: request.signal,
    secrets: request.providerApiKey === undefined ? secrets : [settings.apiKey, request.providerApiKey],
    usedProviderKey: request.providerApiKey !== undefined,
    defaultScope,
    now: settings.clock.now(),
  });

  const readingFor = (request: TransportRequest): CompletionReading => ({
    readCost: settings.readCost,
    refineFailure: settings.refineFailure,
    failureContext: () => failureContext(request),
  });

  /** Sends one request; resolves with a success answer, throws a classified `GatewayError` otherwise. */
  const send = async (
    request: TransportRequest,
    body: WireBody,
    headers: Record<string, string>,
  ): Promise<Response> => {
    const signal =
      settings.clientTimeoutMs === undefined
        ? request.signal
        : AbortSignal.any([request.signal, AbortSignal.timeout(settings.clientTimeoutMs)]);
    let response: Response;
    try {
      response = await fetchImplementation(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw classifyTransportError(error, failureContext(request), 'connect');
    }
    if (response.status >= 200 && response.status < 300) return response;
    // An error answer: its body (bounded) says why, its headers may say when to retry and what
    // the failed attempt cost (LiteLLM's cost header).
    let text = '';
    try {
      text = await readBoundedText(response, limits.maxBodyBytes, 'answerLimits.maxBodyBytes');
    } catch {
      // An error body that cannot be read (too large, cut off): the status still says enough.
    }
    throw classifyHttpFailure(
      readHttpFailure(response.status, text, response.headers),
      failureContext(request),
      settings.refineFailure,
      settings.readCost?.(response.headers, undefined),
    );
  };

  return {
    gateway: settings.gateway,
    failureContext,
    async chat(request: TransportRequest): Promise<TransportResult> {
      const body = toWireRequest(request);
      settings.decorateBody?.(body, request);
      const response = await send(request, body, headersFor(request, chatHeaders));
      const reading = readingFor(request);
      let data: unknown;
      try {
        const text = await readBoundedText(response, limits.maxBodyBytes, 'answerLimits.maxBodyBytes');
        try {
          data = JSON.parse(text);
        } catch {
          throw new UnreadableAnswer('the answer is not valid JSON');
        }
        return readCompletion(data, response, reading);
      } catch (error) {
        throw classifyTransportError(error, reading.failureContext(), 'read');
      }
    },
    async stream(request: TransportRequest): Promise<TransportStream> {
      const body = toWireRequest(request);
      body.stream = true;
      const usage = settings.streamUsage ?? true;
      if (typeof usage === 'function' ? usage(request) : usage) body.stream_options = { include_usage: true };
      settings.decorateBody?.(body, request);
      const response = await send(request, body, headersFor(request, streamHeaders));
      const reading = readingFor(request);
      const streamed = (response.headers.get('content-type') ?? '')
        .toLowerCase()
        .includes('text/event-stream');
      const bounds: StreamBounds = streamed
        ? {
            maxBytes: limits.maxStreamBytes,
            setting: 'answerLimits.maxStreamBytes',
            maxEventBytes: limits.maxEventBytes,
          }
        : {
            maxBytes: limits.maxBodyBytes,
            setting: 'answerLimits.maxBodyBytes',
            maxEventBytes: limits.maxEventBytes,
          };
      const stream = response.body;
      try {
        if (!stream) throw new UnreadableAnswer('the streamed answer has no body');
        checkDeclaredLength(response, bounds.maxBytes, bounds.setting);
      } catch (error) {
        throw classifyTransportError(error, reading.failureContext(), 'read');
      }
      return {
        requestId: requestIdOf(response.headers),
        rateLimit: readRateLimit(response.headers),
        [Symbol.asyncIterator]: () => readStreamParts(stream, response, request.signal, bounds, reading),
      };
    },
  };
}
