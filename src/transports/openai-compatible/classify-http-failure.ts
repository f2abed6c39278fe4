import { GatewayError } from '../../errors/gateway-error.ts';
import { isRecord } from '../../errors/is-record.ts';
import { redactSecrets, summarizeError } from '../../errors/redact.ts';
import type { FailureScope, GatewayErrorKind } from '../../types/error-kinds.ts';
import type { GatewayId, ProviderId } from '../../types/model.ts';
import { isAttemptTimeout } from '../abort-reasons.ts';
import { type HeaderReader, readRetryAfterMs } from '../http-headers.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import { findGatewayAnswer } from './answers-about-the-gateway.ts';
import type { HttpFailure } from './http-failure.ts';

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

// Billing and key failures some providers report with a 400 (Anthropic's "credit balance is too
// low", Gemini's API_KEY_INVALID): another candidate may still serve, so they are not final.
const BILLING = /credit balance is too low|insufficient_quota|exceeded your current quota|billing/i;
const BAD_KEY = /API_KEY_INVALID|API key not valid|invalid api[ _-]?key|incorrect api key/i;

/** Default meaning of an HTTP status, for any OpenAI-compatible gateway. */
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

function shorten(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/**
 * An HTTP error answer as a classifier sees it, from its status, headers and body text: the body's
 * `error` object (OpenAI shape) or, for other shapes, the whole JSON object; its message is
 * `error.message`, else the status with what the body held (as the `openai` client words it).
 */
export function readHttpFailure(
  status: number,
  text: string,
  headers: HeaderReader | undefined,
): HttpFailure {
  let parsed: unknown;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  const inner = isRecord(parsed) ? parsed.error : undefined;
  const body = isRecord(inner) ? inner : isRecord(parsed) ? parsed : undefined;
  let message: string;
  if (typeof body?.message === 'string') message = body.message;
  else if (body?.message !== undefined) message = JSON.stringify(body.message) ?? `${status}`;
  else if (typeof inner === 'string' && inner.length > 0) message = inner;
  else if (text.trim().length > 0) message = `${status} ${isRecord(inner) ? JSON.stringify(inner) : text}`;
  else message = `${status} status code (no body)`;
  return { status, body, message: shorten(message), headers };
}

/**
 * An error a gateway reported inside a 200 answer (OpenRouter does once a model has started), as
 * an HTTP failure with the error's `code` as status (502 when it has none or an impossible one).
 */
export function inBodyHttpFailure(error: unknown, headers: HeaderReader | undefined): HttpFailure {
  const body: Record<string, unknown> = isRecord(error)
    ? { ...error }
    : { message: typeof error === 'string' ? error : IN_BODY_MESSAGE };
  if (typeof body.message !== 'string') body.message = IN_BODY_MESSAGE;
  const code = Number(body.code);
  const status = Number.isInteger(code) && code >= 400 && code < 600 ? code : 502;
  return { status, body, message: shorten(body.message as string), headers };
}

const IN_BODY_MESSAGE = 'The gateway reported an error inside its answer.';

/**
 * Classifies an HTTP error answer (or an error a gateway reported inside a 200 answer) as a
 * `GatewayError`, with secrets removed from its message. A 4xx answer about the gateway rather
 * than the request (see `ANSWERS_ABOUT_THE_GATEWAY`) is read first; then `refine`, the gateway's
 * own vocabulary; then the status. `billedCostUsd` is what the gateway reported charging for it.
 */
export function classifyHttpFailure(
  failure: HttpFailure,
  context: FailureContext,
  refine?: HttpFailureRefiner,
  billedCostUsd?: number,
): GatewayError {
  const aboutGateway = findGatewayAnswer(context.gateway, failure);
  const refined = aboutGateway ?? refine?.(failure, context);
  const kind = refined?.kind ?? defaultKindForStatus(failure, context);
  const message = redactSecrets(failure.message, context.secrets);
  return new GatewayError({
    gateway: context.gateway,
    provider: context.provider,
    model: context.model,
    billedCostUsd,
    cause: { name: 'HttpFailure', message: `HTTP ${failure.status}: ${message}` },
    kind,
    status: failure.status,
    scope: refined?.scope ?? context.defaultScope,
    retryAfterMs:
      (refined && 'retryAfterMs' in refined ? refined.retryAfterMs : undefined) ??
      readRetryAfterMs(failure.headers, context.now),
    requestId: failure.headers?.get('x-request-id') ?? undefined,
    message,
  });
}

/** The `UnreadableAnswer` in a cause chain. */
function findUnreadableAnswer(error: unknown): UnreadableAnswer | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (current instanceof UnreadableAnswer) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Where a thrown error came from: `connect` while `fetch` was waiting for the answer's status and
 * headers (nothing was answered), `read` while the answer's body was being read.
 */
export type FailurePhase = 'connect' | 'read';

/**
 * Turns whatever was thrown while calling a gateway into a classified `GatewayError`, secrets
 * removed: the attempt's signal (`timeout` for the router's attempt timeout, `aborted` for the
 * caller's), an answer past its bounds or of the wrong shape (`bad-response`), a network failure
 * from `fetch` (undici's `TypeError: fetch failed` with `cause.code` ECONNREFUSED, ECONNRESET,
 * UND_ERR_SOCKET…: `connection-refused`, `timeout` or `connection-reset`), or a connection broken
 * while the body was read (`connection-reset`). A `GatewayError` is passed through.
 */
export function classifyTransportError(
  error: unknown,
  context: FailureContext,
  phase: FailurePhase,
): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const code = findErrorCode(error);
  const base = {
    gateway: context.gateway,
    provider: context.provider,
    model: context.model,
    cause: summarizeError(error, context.secrets, code),
  };
  if (context.signal.aborted) {
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
  const text = error instanceof Error ? error.message : String(error);
  if (phase === 'connect') {
    const timedOut =
      (code !== undefined && TIMEOUT_CODES.has(code)) ||
      (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
    const kind: GatewayErrorKind =
      code && REFUSED_CODES.has(code) ? 'connection-refused' : timedOut ? 'timeout' : 'connection-reset';
    return new GatewayError({
      ...base,
      kind,
      scope: context.defaultScope,
      message:
        kind === 'timeout' && code === undefined
          ? 'The gateway did not answer in time.'
          : `Could not reach ${context.gateway}${code ? ` (${code})` : ''}: ${redactSecrets(text, context.secrets)}`,
    });
  }
  if ((code && !REFUSED_CODES.has(code)) || text === 'terminated') {
    // The connection broke while the body was being read (a stream cut mid-way).
    return new GatewayError({
      ...base,
      kind: 'connection-reset',
      scope: context.defaultScope,
      message: `The connection to ${context.gateway} broke${code ? ` (${code})` : ''}.`,
    });
  }
  // A body that could not be parsed, or a bug in a gateway adapter: treat as a bad answer.
  return new GatewayError({
    ...base,
    kind: 'bad-response',
    message: `Unreadable answer from ${context.gateway}: ${redactSecrets(text, context.secrets)}`,
  });
}
