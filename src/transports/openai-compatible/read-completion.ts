import type { GatewayError } from '../../errors/gateway-error.ts';
import { isRecord } from '../../errors/is-record.ts';
import type { TransportResult } from '../../types/transport.ts';
import { readRateLimit } from '../http-headers.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import {
  classifyHttpFailure,
  type FailureContext,
  type HttpFailureRefiner,
  inBodyHttpFailure,
} from './classify-http-failure.ts';
import {
  describeType,
  readContent,
  toFinishReason,
  toTokenUsage,
  toToolCalls,
  type WireUsage,
} from './read-wire-response.ts';

/** What reading a whole answer needs from its transport. */
export interface CompletionReading {
  readonly readCost: ((headers: Headers, usage: WireUsage | undefined) => number | undefined) | undefined;
  readonly refineFailure: HttpFailureRefiner | undefined;
  /** The attempt's failure context, as of now. */
  readonly failureContext: () => FailureContext;
}

/** The request id a gateway put on its answer. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('x-litellm-call-id') ?? undefined;
}

/**
 * An error a gateway reported inside a 200 answer (OpenRouter does once a model has started), as
 * the `GatewayError` of an HTTP answer with the error's `code` as status (502 when it has none),
 * carrying the cost the gateway reported billing for it.
 */
export function inBodyFailure(
  error: unknown,
  headers: Headers,
  billedCostUsd: number | undefined,
  reading: Pick<CompletionReading, 'refineFailure' | 'failureContext'>,
): GatewayError {
  return classifyHttpFailure(
    inBodyHttpFailure(error, headers),
    reading.failureContext(),
    reading.refineFailure,
    billedCostUsd,
  );
}

/**
 * A whole answer (`chat.completion`), its every field type-checked. Throws `UnreadableAnswer` for an
 * answer of the wrong shape, and a classified `GatewayError` for an error inside a 200 answer.
 */
export function readCompletion(
  data: unknown,
  response: Response,
  reading: CompletionReading,
): TransportResult {
  if (!isRecord(data))
    throw new UnreadableAnswer(`the answer is ${describeType(data)}, expected a JSON object`);
  const choices = data.choices;
  if (choices !== undefined && choices !== null && !Array.isArray(choices))
    throw new UnreadableAnswer(`choices is ${describeType(choices)}, expected an array`);
  const choice: unknown = choices?.[0];
  if (choice !== undefined && !isRecord(choice))
    throw new UnreadableAnswer(`choices[0] is ${describeType(choice)}, expected an object`);
  const wireUsage = isRecord(data.usage) ? data.usage : undefined;
  const inBodyError = data.error
    ? data.error
    : choice?.finish_reason === 'error'
      ? (choice.error ?? 'The model stopped with an error.')
      : undefined;
  if (inBodyError) {
    // Nothing reached the caller yet: an attempt failure like any other (another candidate may
    // answer), billed at what the gateway reported.
    throw inBodyFailure(
      inBodyError,
      response.headers,
      reading.readCost?.(response.headers, wireUsage),
      reading,
    );
  }
  if (!choice) throw new UnreadableAnswer('the answer holds no choices');
  const message = choice.message;
  if (message !== undefined && message !== null && !isRecord(message))
    throw new UnreadableAnswer(`choices[0].message is ${describeType(message)}, expected an object`);
  return {
    text: readContent(message?.content, 'message.content'),
    toolCalls: toToolCalls(message?.tool_calls),
    finishReason: toFinishReason(choice.finish_reason),
    usage: toTokenUsage(data.usage),
    costUsd: reading.readCost?.(response.headers, wireUsage),
    servedModel: typeof data.model === 'string' ? data.model : undefined,
    requestId: requestIdOf(response.headers),
    rateLimit: readRateLimit(response.headers),
  };
}
