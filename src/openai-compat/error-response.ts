import {
  AllCandidatesFailedError,
  CallError,
  CallTimeoutError,
  NoCandidatesError,
  RequestRejectedError,
} from '../errors/call-errors.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { RouterError } from '../errors/router-error.ts';
import { LimitExceededError } from '../limits/limit-exceeded-error.ts';

/** How a router error reaches an openai client: the HTTP answer the client turns into its error class. */
export interface ErrorAnswer {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
}

const RATE_KINDS: ReadonlySet<string> = new Set(['rate-limited', 'limit-exceeded']);

/**
 * | router error | status | openai error class | `code` |
 * |---|---|---|---|
 * | `InvalidRequestError` (a parameter llm-router cannot honour, or a bad value) | 400 | `BadRequestError` (`param` names it) | `invalid_request` |
 * | `NoCandidatesError` | 400 | `BadRequestError` (`param: 'model'`) | `no_candidates` |
 * | `RequestRejectedError` | the gateway's (400, 413, 422) | `BadRequestError`, `UnprocessableEntityError`, … | `invalid_request` or `content_filter` |
 * | `LimitExceededError` | 429 | `RateLimitError` | `rate_limit_exceeded`, or `insufficient_quota` for a USD budget |
 * | `AllCandidatesFailedError` | 429 when every candidate was rate-limited, else 503 | `RateLimitError` / `InternalServerError` | `all_candidates_failed` |
 * | `CallTimeoutError` | 504 | `InternalServerError` | `timeout` |
 * | anything else | 500 | `InternalServerError` | `internal_error` |
 */
export function describeError(error: unknown): ErrorAnswer {
  const retryable = RouterError.isInstance(error) && error.isRetryable;
  if (InvalidRequestError.isInstance(error))
    return {
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_request',
      param: error.option,
      retryable,
    };
  if (NoCandidatesError.isInstance(error))
    return { status: 400, type: 'invalid_request_error', code: 'no_candidates', param: 'model', retryable };
  if (RequestRejectedError.isInstance(error)) {
    const kind = error.errors.at(-1)?.kind;
    return {
      status: error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400,
      type: 'invalid_request_error',
      code: kind === 'content-filter' ? 'content_filter' : 'invalid_request',
      param: null,
      retryable,
    };
  }
  if (LimitExceededError.isInstance(error)) {
    return {
      status: 429,
      type: error.kind === 'quota' ? 'insufficient_quota' : 'rate_limit_error',
      code: error.kind === 'quota' ? 'insufficient_quota' : 'rate_limit_exceeded',
      param: null,
      retryable,
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (AllCandidatesFailedError.isInstance(error)) {
    const rateLimited = error.errors.length > 0 && error.errors.every((each) => RATE_KINDS.has(each.kind));
    return {
      status: rateLimited ? 429 : 503,
      type: rateLimited ? 'rate_limit_error' : 'service_unavailable',
      code: 'all_candidates_failed',
      param: null,
      retryable,
      retryAfterMs: error.retryAfterMs,
    };
  }
  if (CallTimeoutError.isInstance(error))
    return { status: 504, type: 'timeout', code: 'timeout', param: null, retryable };
  return { status: 500, type: 'internal_error', code: 'internal_error', param: null, retryable: false };
}

/**
 * The HTTP error answer for a router error, in OpenAI's error JSON. `x-should-retry` tells the openai
 * client whether a retry may help (the router already retried and fell back: with the client's
 * default `maxRetries: 0` nothing is retried either way), `retry-after-ms` how long to wait, and
 * `x-request-id` (the client's `requestID`) is the router's call id.
 */
export function errorResponse(error: unknown): Response {
  const answer = describeError(error);
  const message = error instanceof Error ? error.message : 'llm-router failed the request.';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-should-retry': String(answer.retryable),
  };
  if (answer.retryAfterMs !== undefined) headers['retry-after-ms'] = String(answer.retryAfterMs);
  if (CallError.isInstance(error)) headers['x-request-id'] = error.callId;
  const body = { error: { message, type: answer.type, param: answer.param, code: answer.code } };
  return new Response(JSON.stringify(body), { status: answer.status, headers });
}
