import { APICallError, InvalidArgumentError } from '@ai-sdk/provider';
import { AllCandidatesFailedError, CallError, RequestRejectedError } from '../errors/call-errors.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { LimitExceededError } from '../limits/limit-exceeded-error.ts';

function statusOf(error: CallError | LimitExceededError): number | undefined {
  if (LimitExceededError.isInstance(error)) return 429;
  if (RequestRejectedError.isInstance(error)) return error.status;
  return error.attempts.at(-1)?.error?.status;
}

function retryAfterOf(error: CallError | LimitExceededError): number | undefined {
  if (LimitExceededError.isInstance(error)) return error.retryAfterMs;
  if (AllCandidatesFailedError.isInstance(error)) return error.retryAfterMs;
  return undefined;
}

/**
 * A router error as the AI SDK expects a provider's errors, the router's typed error kept as
 * `cause`:
 *
 * | router error | AI SDK error | `isRetryable` |
 * |---|---|---|
 * | `InvalidRequestError` | `InvalidArgumentError` (`argument`: the router option) | — (never retried) |
 * | `RequestRejectedError` | `APICallError`, `statusCode` the gateway's 400/413/422 | `false` |
 * | `AllCandidatesFailedError`, `CallTimeoutError` | `APICallError` | the router's `isRetryable` |
 * | `LimitExceededError` | `APICallError`, `statusCode` 429 | `true` for a rate limit, `false` for a budget |
 * | `NoCandidatesError`, `CallAbortedError`, `StreamInterruptedError` | `APICallError` | `false` |
 *
 * `responseHeaders['retry-after-ms']` carries the router's `retryAfterMs`, which the AI SDK's own
 * retries (`maxRetries`) wait for. Anything else (a ranking function's `InvalidSettingsError`, a
 * bug) is passed through unchanged.
 */
export function toAiSdkError(
  error: unknown,
  request: { readonly callId?: string | undefined; readonly body: unknown },
): unknown {
  if (InvalidRequestError.isInstance(error)) {
    return new InvalidArgumentError({ argument: error.option, message: error.message, cause: error });
  }
  if (!CallError.isInstance(error) && !LimitExceededError.isInstance(error)) return error;
  const callId = CallError.isInstance(error) ? error.callId : request.callId;
  const retryAfterMs = retryAfterOf(error);
  const statusCode = statusOf(error);
  return new APICallError({
    message: error.message,
    url: `llm-router:${callId ?? 'call'}`,
    requestBodyValues: request.body,
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(retryAfterMs === undefined ? {} : { responseHeaders: { 'retry-after-ms': String(retryAfterMs) } }),
    isRetryable: error.isRetryable,
    cause: error,
  });
}
