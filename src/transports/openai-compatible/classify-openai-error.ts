import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { GatewayId, ProviderId } from '../../catalog/model-definition.ts';
import { type FailureScope, GatewayError, type GatewayErrorKind } from '../../errors/gateway-error.ts';
import { redactSecrets, summarizeError } from '../../errors/redact.ts';
import { isAttemptTimeout } from '../abort-reasons.ts';
import { type HeaderReader, readRetryAfterMs } from '../http-headers.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import { findGatewayAnswer } from './answers-about-the-gateway.ts';

/** The context a classifier needs about the attempt that failed. */
export interface FailureContext {
  readonly gateway: GatewayId;
  readonly provider: ProviderId;
  readonly model: string;
  readonly signal: AbortSignal;
  /** Exact values to remove from any message (the gateway key, a BYOK key). */
  readonly secrets: readonly (string | undefined)[];
  /** Whether this attempt carried a provider key of its own (BYOK). */
  readonly usedProviderKey: boolean;
  /** Where failures lie unless the gateway's vocabulary says otherwise. */
  readonly defaultScope: FailureScope;
  readonly now: number;
}

/** What an HTTP error answer looked like, as a classifier sees it. */
export interface HttpFailure {
  readonly status: number;
  /** The body's `error` object (OpenAI shape), or the whole body for other shapes. */
  readonly body: Record<string, unknown> | undefined;
  /** Best human-readable message from the body. */
  readonly message: string;
  readonly headers: HeaderReader | undefined;
}

/** A gateway's reading of an HTTP error: how to treat it. Return `undefined` to use the default. */
export type HttpFailureRefiner = (
  failure: HttpFailure,
  context: FailureContext,
) => { kind: GatewayErrorKind; scope?: FailureScope; retryAfterMs?: number } | undefined;

const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONTEXT_WINDOW =
  /context[_ ]?(window|length)|maximum context length|too many tokens|prompt is too long|ContextWindowExceeded/i;

/** The `code` of the first error in a cause chain that has one (`fetch failed` → ECONNREFUSED). */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Default meaning of an HTTP status, for any OpenAI-compatible gateway. */
// Billing and key failures some providers report with a 400 (Anthropic's "credit balance is too
// low", Gemini's API_KEY_INVALID): another candidate may still serve, so they are not final.
const BILLING = /credit balance is too low|insufficient_quota|exceeded your current quota|billing/i;
const BAD_KEY = /API_KEY_INVALID|API key not valid|invalid api[ _-]?key|incorrect api key/i;

export function defaultKindForStatus(failure: HttpFailure, context: FailureContext): GatewayErrorKind {
  const { status, message } = failure;
  if (status >= 400 && status < 500 && BILLING.test(message)) return 'billing';
  if (status >= 400 && status < 500 && BAD_KEY.test(message))
    return context.usedProviderKey ? 'provider-auth' : 'gateway-auth';
  if (status === 400 || status === 413 || status === 422) {
    return CONTEXT_WINDOW.test(message) ? 'context-window' : 'invalid-request';
  }
  if (status === 401 || status === 403) return context.usedProviderKey ? 'provider-auth' : 'gateway-auth';
  if (status === 402) return 'billing';
  if (status === 404) return 'model-not-found';
  if (status === 408 || status === 504 || status === 524) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status === 502 || status === 503 || status === 529) return 'unavailable';
  if (status >= 500) return 'server-error';
  return 'invalid-request';
}

// A gateway's message is kept to this many characters: enough to act on, never a whole body.
const MAX_MESSAGE_LENGTH = 1_000;

function messageOf(error: APIError): string {
  const inner = error.error as { message?: unknown } | undefined;
  let message = error.message;
  if (inner && typeof inner.message === 'string') message = inner.message;
  else if (inner && inner.message !== undefined) message = JSON.stringify(inner.message) ?? message;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** The `UnreadableAnswer` in a cause chain (a body bound hit inside the client's own reading). */
function findUnreadableAnswer(error: unknown): UnreadableAnswer | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof UnreadableAnswer) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns whatever the `openai` client threw into a classified `GatewayError`, with secrets removed
 * from its message. A 4xx answer about the gateway rather than the request (see
 * `ANSWERS_ABOUT_THE_GATEWAY`) is read first; then `refine`, the gateway's own vocabulary; then the
 * status. `billedCostUsd` is what the gateway reported charging for the failed attempt.
 */
export function classifyOpenAIError(
  error: unknown,
  context: FailureContext,
  refine?: HttpFailureRefiner,
  billedCostUsd?: number,
): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const base = {
    gateway: context.gateway,
    provider: context.provider,
    model: context.model,
    billedCostUsd,
    cause: summarizeError(error, context.secrets, findErrorCode(error)),
  };

  if (
    error instanceof APIUserAbortError ||
    (context.signal.aborted && !(error instanceof APIError && error.status))
  ) {
    if (isAttemptTimeout(context.signal)) {
      return new GatewayError({
        ...base,
        kind: 'timeout',
        message: (context.signal.reason as Error).message,
      });
    }
    return new GatewayError({ ...base, kind: 'aborted', message: 'The attempt was aborted by the caller.' });
  }
  const unreadable = findUnreadableAnswer(error);
  if (unreadable) {
    return new GatewayError({
      ...base,
      kind: 'bad-response',
      scope: context.defaultScope,
      message: `Unusable answer from ${context.gateway}: ${redactSecrets(unreadable.message, context.secrets)}.`,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new GatewayError({
      ...base,
      kind: 'timeout',
      scope: context.defaultScope,
      message: 'The gateway did not answer in time.',
    });
  }
  if (error instanceof APIError && error.status === undefined && error.error === undefined) {
    const code = findErrorCode(error);
    const kind: GatewayErrorKind =
      code && REFUSED_CODES.has(code)
        ? 'connection-refused'
        : code && TIMEOUT_CODES.has(code)
          ? 'timeout'
          : 'connection-reset';
    return new GatewayError({
      ...base,
      kind,
      scope: context.defaultScope,
      message: `Could not reach ${context.gateway}${code ? ` (${code})` : ''}: ${redactSecrets(error.message, context.secrets)}`,
    });
  }
  // An error event inside a 200 stream: the client raises it as an APIError with the event's
  // `error` object but no status; the object's `code` says what it would have been.
  const inStream = error instanceof APIError && error.status === undefined && error.error !== undefined;
  if (error instanceof APIError && (typeof error.status === 'number' || inStream)) {
    const code = Number((error.error as { code?: unknown } | undefined)?.code);
    const failure: HttpFailure = {
      status:
        typeof error.status === 'number' ? error.status : Number.isInteger(code) && code >= 400 ? code : 502,
      body: error.error as Record<string, unknown> | undefined,
      message: messageOf(error),
      headers: error.headers,
    };
    const aboutGateway = findGatewayAnswer(context.gateway, failure);
    const refined = aboutGateway ?? refine?.(failure, context);
    const kind = refined?.kind ?? defaultKindForStatus(failure, context);
    return new GatewayError({
      ...base,
      kind,
      status: failure.status,
      scope: refined?.scope ?? context.defaultScope,
      retryAfterMs:
        (refined && 'retryAfterMs' in refined ? refined.retryAfterMs : undefined) ??
        readRetryAfterMs(error.headers, context.now),
      requestId: error.requestID ?? undefined,
      message: redactSecrets(failure.message, context.secrets),
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  const code = findErrorCode(error);
  if ((code && !REFUSED_CODES.has(code)) || text === 'terminated') {
    // The connection broke while the body was being read (a stream cut mid-way).
    return new GatewayError({
      ...base,
      kind: 'connection-reset',
      scope: context.defaultScope,
      message: `The connection to ${context.gateway} broke${code ? ` (${code})` : ''}.`,
    });
  }
  // A body the client could not parse, or a bug in a gateway adapter: treat as a bad answer.
  return new GatewayError({
    ...base,
    kind: 'bad-response',
    message: `Unreadable answer from ${context.gateway}: ${redactSecrets(text, context.secrets)}`,
  });
}
